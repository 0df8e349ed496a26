// What the commands over a store share: the store flags, --json, error reporting with
// exit codes (1: refused or failed, 2: usage), and the human formats of runs and lists.
import { userInfo } from "node:os";
import { type Command, type CommanderError, InvalidArgumentError } from "commander";
import { type Engine, isEngineError, type Run, type RunDetail } from "../engine/index.ts";
import type { Json } from "../interpreter/types.ts";
import { isFinalStatus, RUN_STATUSES, TRIGGER_TYPES } from "../store/index.ts";
import { type StoreFlags, StoreFlagsError, StoreOpenError, withEngine } from "./openEngine.ts";

export interface CommonFlags extends StoreFlags {
  json?: boolean;
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A refusal or failure to report as it is: exit code 1 (more lines may follow the message). */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly lines: string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds --data-dir, --database-url and --json to a command. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option(
      "--data-dir <dir>",
      "data directory holding the SQLite file (default $PLAINRUN_DATA_DIR or ./plainrun-data)",
    )
    .option(
      "--database-url <url>",
      "PostgreSQL instead of SQLite: postgres://user@host:5432/db[?schema=NAME] (default $PLAINRUN_DATABASE_URL)",
    )
    .option("--json", "machine-readable output (JSON)");
}

/**
 * Makes commander's own usage errors (unknown option, missing argument, bad value) exit 2
 * instead of 1. Subcommands created after this inherit it.
 */
export function usageExitCode2(cmd: Command): Command {
  return cmd.exitOverride((err: CommanderError) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
}

/** An option value parser for commander: a whole number in a range. */
export function intArg(what: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${what} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}.`,
      );
    }
    return n;
  };
}

/** An option value parser: a positive number of seconds. */
export function secondsArg(value: string): number {
  const n = Number(value);
  if (!value.trim() || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("must be a positive number of seconds.");
  }
  return n;
}

/** An option value parser: a date (ISO 8601 or anything Date.parse reads). */
export function dateArg(value: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError(
      `"${value}" is not a date (use e.g. 2025-01-31 or 2025-01-31T14:00:00Z).`,
    );
  return new Date(ms).toISOString();
}

/** Who runs the command, recorded on the runs it starts or changes. */
export function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}

export function out(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * Runs a command's body with the engine open: reports errors (EngineError diagnostics as
 * LINE:COLUMN: message), sets the exit code (the body's result, 0 by default) and never
 * shows a stack trace for a user's error.
 */
export async function engineCommand(
  flags: CommonFlags,
  /** Resolves to the exit code, or to anything else for 0. */
  body: (engine: Engine) => Promise<unknown>,
): Promise<void> {
  let code: number;
  try {
    const result = await withEngine(flags, body);
    code = typeof result === "number" ? result : 0;
  } catch (err) {
    code = reportError(err, flags.json === true);
  }
  process.exitCode = code;
}

/** Prints an error on stderr (a JSON object with --json) and gives the exit code. */
export function reportError(err: unknown, json: boolean): number {
  let code = 1;
  let kind = "error";
  let message: string;
  let lines: string[] = [];
  let diagnostics: unknown;
  if (isEngineError(err)) {
    kind = err.code;
    message = err.message;
    diagnostics = err.details?.diagnostics;
    if (Array.isArray(diagnostics)) lines = diagnostics.map(formatDiagnostic);
  } else if (err instanceof CliError) {
    message = err.message;
    lines = err.lines;
    code = err.exitCode;
  } else if (err instanceof UsageError || err instanceof StoreFlagsError) {
    kind = "usage";
    message = err.message;
    code = 2;
  } else if (err instanceof StoreOpenError) {
    kind = "store";
    message = err.message;
  } else {
    // Not a user's mistake: still one line, the stack only when asked for.
    kind = "internal";
    message = err instanceof Error ? err.message || err.name : String(err);
    if (process.env.PLAINRUN_DEBUG && err instanceof Error && err.stack) lines = [err.stack];
  }
  if (json) {
    const error: Record<string, unknown> = { code: kind, message };
    if (diagnostics !== undefined) error.diagnostics = diagnostics;
    process.stderr.write(`${JSON.stringify({ error })}\n`);
  } else {
    process.stderr.write(`plainrun: ${message}\n${lines.map((l) => `${l}\n`).join("")}`);
  }
  return code;
}

interface DiagnosticLike {
  line: number;
  col: number;
  message: string;
  severity?: string;
}

export function formatDiagnostic(d: DiagnosticLike): string {
  return `${d.line}:${d.col}: ${d.severity === "warning" ? "warning: " : ""}${d.message}`;
}

/** Accepts statuses and triggers in any case, and comma-separated lists. */
export function canonicalList<T extends string>(values: string[], known: readonly T[]): T[] {
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "")
    .map((v) => (known.find((k) => k.toLowerCase() === v.toLowerCase()) ?? v) as T);
}

export const statusesOf = (values: string[]) => canonicalList(values, RUN_STATUSES);
export const triggersOf = (values: string[]) => canonicalList(values, TRIGGER_TYPES);

// ---- human formats ----

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join("\n")}\n`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Local time, to the second: 2025-01-31 14:03:09. */
export function formatTime(iso: string | null): string {
  if (!iso) return "-";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${pad2(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad2(Math.floor((s % 3600) / 60))}m`;
}

/** Wall-clock time from start to end (to now while it is not final); "-" before it starts. */
export function runDuration(run: Run, now = Date.now()): string {
  if (!run.started_at) return "-";
  const end = run.finished_at
    ? Date.parse(run.finished_at)
    : isFinalStatus(run.status)
      ? null
      : now;
  if (end === null) return "-";
  const text = formatDuration(end - Date.parse(run.started_at));
  return run.finished_at ? text : `${text}…`;
}

export function versionLabel(run: Run): string {
  return run.stage === "draft" ? "draft" : `v${run.version ?? "?"}`;
}

export function runsTable(runs: Run[], processNames: Map<string, string>): string {
  return table(
    ["ID", "PROCESS", "STATUS", "STAGE", "VERSION", "TRIGGER", "CREATED", "DURATION"],
    runs.map((r) => [
      r.id,
      processNames.get(r.process_id) ?? r.process_id,
      r.archived ? `${r.status} (archived)` : r.status,
      r.stage,
      r.stage === "draft" ? "-" : versionLabel(r),
      r.trigger,
      formatTime(r.created_at),
      runDuration(r),
    ]),
  );
}

export const showValue = (v: Json) => JSON.stringify(v);

/** Status, error, question, log and outputs: what `plainrun run` prints for a finished run. */
export function describeOutcome(run: Run): string {
  const lines = [`Run ${run.id}`, `Status: ${run.status}`];
  if (run.error)
    lines.push(`Error${run.error.line ? ` (line ${run.error.line})` : ""}: ${run.error.message}`);
  if (run.question) {
    const q = run.question;
    const choices = q.choices ? ` [${q.choices.join(" / ")}]` : "";
    lines.push(`Question (line ${q.line}): ${q.text}${choices}`);
    lines.push(`  answer it with: plainrun runs answer ${run.id} VALUE`);
  }
  if (run.log.length > 0) lines.push("Log:", ...run.log.map((l) => `  ${l}`));
  const outputs = Object.entries(run.outputs ?? {});
  if (outputs.length > 0)
    lines.push("Outputs:", ...outputs.map(([k, v]) => `  ${k}: ${showValue(v)}`));
  return `${lines.join("\n")}\n`;
}

/** Pages through a run's events (the engine gives at most a page per call). */
export async function allEvents(engine: Engine, runId: string) {
  const events = [];
  let after = 0;
  for (;;) {
    const page = await engine.runs.events(runId, after);
    events.push(...page);
    const last = page[page.length - 1];
    if (!last || page.length < engine.limits.maxPage) return events;
    after = last.seq;
  }
}

/** Waits for runs with a worker pool in this process; Ctrl-C / SIGTERM stops waiting. */
export async function waitWithWorkers(engine: Engine, ids: string[]): Promise<RunDetail[]> {
  await engine.startWorkers({ concurrency: 4 });
  let onSignal: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onSignal = () =>
      reject(
        new CliError(
          `interrupted: ${ids.length === 1 ? `run ${ids[0]} goes` : `runs ${ids.join(", ")} go`} on with the next worker (plainrun runs work)`,
          [],
          130,
        ),
      );
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  interrupted.catch(() => {});
  try {
    const results: RunDetail[] = [];
    for (const id of ids) {
      results.push(
        await Promise.race([
          engine.runs.waitFor(id, { orWaiting: true, timeoutMs: Number.POSITIVE_INFINITY }),
          interrupted,
        ]),
      );
    }
    return results;
  } finally {
    if (onSignal) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }
}

/** Process names by id, for tables. */
export async function processNames(engine: Engine): Promise<Map<string, string>> {
  return new Map((await engine.processes.list()).map((p) => [p.id, p.name]));
}
