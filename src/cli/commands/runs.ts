import type { Command } from "commander";
import type {
  BulkResult,
  Engine,
  ListRunsOptions,
  RunDetail,
  RunEvent,
} from "../../engine/index.ts";
import { RUN_STATUSES, type Stage, TRIGGER_TYPES } from "../../store/index.ts";
import { engineCommand } from "../engineCommand.ts";
import { outcomeExitCode } from "../exitCodes.ts";
import {
  describeOutcome,
  formatDuration,
  formatTime,
  out,
  printJson,
  runDuration,
  runsTable,
  showValue,
  versionLabel,
} from "../format.ts";
import { parseLooseJson } from "../inputs.ts";
import {
  type CommonFlags,
  canonicalList,
  collect,
  dateArg,
  intArg,
  storeOptions,
  whoAmI,
} from "../options.ts";
import { waitWithWorkers } from "../waitForRuns.ts";
import { runWithoutTimeline } from "./start.ts";

const statusesOf = (values: string[]) => canonicalList(values, RUN_STATUSES);
const triggersOf = (values: string[]) => canonicalList(values, TRIGGER_TYPES);

/** Pages through a run's events (the engine gives at most a page per call). */
async function allEvents(engine: Engine, runId: string) {
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

/** Process names by id, for tables. */
async function processNames(engine: Engine): Promise<Map<string, string>> {
  return new Map((await engine.processes.list()).map((p) => [p.id, p.name]));
}

interface ListFlags extends CommonFlags {
  process?: string;
  status: string[];
  stage?: string;
  trigger: string[];
  archived?: boolean;
  onlyArchived?: boolean;
  since?: string;
  until?: string;
  search?: string;
  limit: number;
  cursor?: string;
}

interface RerunFlags extends CommonFlags {
  exactVersion?: boolean;
  wait?: boolean;
}

interface WaitFlags extends CommonFlags {
  wait?: boolean;
}

interface WorkFlags extends CommonFlags {
  concurrency: number;
}

/** One line per run: `ID: done` or `ID: why not`; exit 1 when any was refused. */
function printBulk(
  results: BulkResult[],
  json: boolean | undefined,
  done = (_r: BulkResult) => "done",
): number {
  if (json) printJson(results);
  else for (const r of results) out(`${r.id}: ${r.ok ? done(r) : r.error.message}`);
  return results.every((r) => r.ok) ? 0 : 1;
}

interface HistoryEntry {
  at: string;
  type: string;
  [key: string]: unknown;
}

/** Status changes, questions, answers and archive flags, oldest first (not steps and log lines). */
function historyOf(events: RunEvent[]): HistoryEntry[] {
  return events
    .filter((e) => e.type !== "step" && e.type !== "log")
    .map((e) => {
      const data =
        e.data !== null && typeof e.data === "object" && !Array.isArray(e.data)
          ? e.data
          : { value: e.data };
      return { at: e.at, type: e.type, ...data } as HistoryEntry;
    });
}

function describeEntry(c: HistoryEntry): string {
  const extras: string[] = [];
  let what: string;
  if (c.type === "status") {
    what = String(c.status);
    if (typeof c.trigger === "string") extras.push(`trigger ${c.trigger}`);
    if (c.cancel_requested === true) extras.push("cancel requested");
    if (c.recovered === true) extras.push("taken over after its worker stopped");
    if (typeof c.reason === "string") extras.push(c.reason);
    if (typeof c.attempt === "number" && c.attempt > 1) extras.push(`attempt ${c.attempt}`);
  } else if (c.type === "question") {
    what = `asked (line ${String(c.line)}): ${String(c.text)}`;
  } else if (c.type === "answer") {
    what = `answered ${JSON.stringify(c.answer)}`;
  } else if (c.type === "archive") {
    what = c.archived === true ? "archived" : "unarchived";
  } else {
    what = c.type;
  }
  if (typeof c.by === "string") extras.push(`by ${c.by}`);
  return `  ${formatTime(c.at)}  ${what}${extras.length > 0 ? `  (${extras.join(", ")})` : ""}`;
}

function describeRun(run: RunDetail, processName: string, history: HistoryEntry[]): string {
  const details = Object.entries(run.trigger_details)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : showValue(v)}`)
    .join(", ");
  const lines = [
    `Run ${run.id}`,
    `  process:     ${processName} (${run.process_id})`,
    `  stage:       ${run.stage}, ${run.stage === "draft" ? `source ${run.source_hash.slice(0, 12)}` : versionLabel(run)}`,
    `  trigger:     ${run.trigger}${details ? ` (${details})` : ""}`,
    `  status:      ${run.status}${run.cancel_requested && run.status !== "Cancelled" ? " (cancel requested)" : ""}`,
  ];
  if (run.cancelled_by) lines.push(`  cancelled by: ${run.cancelled_by}`);
  if (run.rerun_of) lines.push(`  re-run of:   ${run.rerun_of}`);
  lines.push(
    `  archived:    ${run.archived ? "yes" : "no"}`,
    `  created:     ${formatTime(run.created_at)}`,
    `  started:     ${formatTime(run.started_at)}`,
    `  finished:    ${formatTime(run.finished_at)}`,
    `  duration:    ${runDuration(run)} (execution ${formatDuration(run.time_used_ms)} of ${formatDuration(run.time_limit_ms)} allowed)`,
  );
  if (run.recoveries > 0) lines.push(`  taken over:  ${run.recoveries} time(s)`);
  const inputs = Object.entries(run.inputs);
  lines.push(
    inputs.length > 0 ? "Inputs:" : "Inputs: (none)",
    ...inputs.map(([k, v]) => `  ${k}: ${showValue(v)}`),
  );
  if (run.file_ids.length > 0) lines.push(`Files: ${run.file_ids.join(", ")}`);
  lines.push("History:", ...history.map(describeEntry));
  if (run.timeline) {
    const t = run.timeline;
    const byLine = Object.entries(t.byLine)
      .map(([line, n]) => `${line}×${n}`)
      .join(", ");
    lines.push(
      `Timeline: ${t.entries.length + t.omitted} steps${t.omitted > 0 ? ` (${t.omitted} not kept)` : ""}${byLine ? `; by line: ${byLine}` : ""}`,
    );
  } else {
    lines.push("Timeline: (no steps yet)");
  }
  // Status, error, question, log, outputs: as `start --wait` prints them, without the repeated id.
  lines.push(describeOutcome(run).split("\n").slice(2).join("\n").trimEnd());
  return `${lines.filter((l) => l !== "").join("\n")}\n`;
}

function listOptions(flags: ListFlags): ListRunsOptions {
  const o: ListRunsOptions = { limit: flags.limit };
  if (flags.process !== undefined) o.process = flags.process;
  const statuses = statusesOf(flags.status);
  if (statuses.length > 0) o.status = statuses;
  if (flags.stage !== undefined) o.stage = flags.stage.toLowerCase() as Stage;
  const triggers = triggersOf(flags.trigger);
  if (triggers.length > 0) o.trigger = triggers;
  if (flags.onlyArchived) o.archived = true;
  else if (flags.archived) o.archived = "all";
  if (flags.since !== undefined) o.createdFrom = flags.since;
  if (flags.until !== undefined) o.createdTo = flags.until;
  if (flags.search !== undefined) o.text = flags.search;
  if (flags.cursor !== undefined) o.cursor = flags.cursor;
  return o;
}

async function waitAndPrint(
  engine: Engine,
  id: string,
  json: boolean | undefined,
): Promise<number> {
  const [done] = (await waitWithWorkers(engine, [id])) as [RunDetail];
  if (json) printJson(runWithoutTimeline(done));
  else out(describeOutcome(done));
  return outcomeExitCode([done.status]);
}

const idsArg = (cmd: Command) => cmd.argument("<ids...>", "run ids");

/** `plainrun runs …`: list, show and manage stored runs. */
export function registerRuns(group: Command): void {
  storeOptions(
    group
      .command("list")
      .description("runs, newest first (archived runs only with --archived)")
      .option("--process <process>", "only this process (name or id)")
      .option("--status <status>", "only this status (repeatable, or comma-separated)", collect, [])
      .option("--stage <stage>", "draft or published")
      .option(
        "--trigger <trigger>",
        "manual, email, api, schedule, rerun or test (repeatable)",
        collect,
        [],
      )
      .option("--archived", "include archived runs")
      .option("--only-archived", "only archived runs")
      .option("--since <date>", "created at or after this date", dateArg)
      .option("--until <date>", "created before this date", dateArg)
      .option("--search <text>", "text in the inputs or outputs (ignoring case)")
      .option("--limit <n>", "runs per page (1 to 500)", intArg("--limit", 1, 500), 50)
      .option("--cursor <cursor>", "the next page, as the previous page printed"),
  ).action((flags: ListFlags) =>
    engineCommand(flags, async (engine) => {
      const page = await engine.runs.list(listOptions(flags));
      if (flags.json) return printJson(page);
      if (page.items.length === 0) out("No runs.");
      else out(runsTable(page.items, await processNames(engine)));
      if (page.next_cursor) out(`More: add --cursor ${page.next_cursor}`);
    }),
  );

  storeOptions(
    group
      .command("show")
      .description(
        "everything a run recorded: status history, inputs, log, outputs, error, question, timeline",
      )
      .argument("<id>", "run id"),
  ).action((id: string, flags: CommonFlags) =>
    engineCommand(flags, async (engine) => {
      const run = await engine.runs.get(id);
      const history = historyOf(await allEvents(engine, id));
      const p = await engine.processes.get(run.process_id).catch(() => undefined);
      if (flags.json) {
        const statusHistory = history.filter((h) => h.type === "status");
        return printJson({
          ...run,
          process_name: p?.name ?? null,
          status_history: statusHistory,
          history,
        });
      }
      out(describeRun(run, p?.name ?? "?", history));
    }),
  );

  storeOptions(
    idsArg(
      group
        .command("rerun")
        .description("new runs with the same inputs and files, on the stage's current version")
        .option("--exact-version", "run the original's exact version instead")
        .option(
          "--wait",
          "execute the new runs here and wait for them (exit 0 when all Succeeded, 3 when one waits for an answer)",
        ),
    ),
  ).action((ids: string[], flags: RerunFlags) =>
    engineCommand(flags, async (engine) => {
      const results = await engine.runs.rerunMany(ids, {
        by: whoAmI(),
        exactVersion: flags.exactVersion === true,
      });
      if (!flags.wait)
        return printBulk(results, flags.json, (r) => `done, new run ${r.ok ? r.run?.id : ""}`);
      const newIds = results.flatMap((r) => (r.ok && r.run ? [r.run.id] : []));
      const finished = new Map((await waitWithWorkers(engine, newIds)).map((d) => [d.id, d]));
      const withFinal = results.map((r) => {
        const run = r.ok && r.run ? finished.get(r.run.id) : undefined;
        return r.ok && run ? { ...r, run: runWithoutTimeline(run) } : r;
      });
      const code = printBulk(withFinal, flags.json, (r) =>
        r.ok && r.run ? `done, new run ${r.run.id} ${r.run.status}` : "done",
      );
      if (code !== 0) return code;
      return outcomeExitCode(withFinal.map((r) => (r.ok && r.run ? r.run.status : "Error")));
    }),
  );

  storeOptions(
    idsArg(
      group
        .command("archive")
        .description("hide runs from the default lists (their execution goes on)"),
    ),
  ).action((ids: string[], flags: CommonFlags) =>
    engineCommand(flags, async (engine) =>
      printBulk(await engine.runs.archiveMany(ids, { by: whoAmI() }), flags.json),
    ),
  );

  storeOptions(
    idsArg(group.command("unarchive").description("bring archived runs back to the lists")),
  ).action((ids: string[], flags: CommonFlags) =>
    engineCommand(flags, async (engine) =>
      printBulk(await engine.runs.unarchiveMany(ids, { by: whoAmI() }), flags.json),
    ),
  );

  storeOptions(
    idsArg(
      group
        .command("cancel")
        .description("cancel runs that are not final (a running one stops within a second)"),
    ),
  ).action((ids: string[], flags: CommonFlags) =>
    engineCommand(flags, async (engine) =>
      printBulk(await engine.runs.cancelMany(ids, { by: whoAmI() }), flags.json, (r) =>
        r.ok && r.run?.status === "Running" ? "done (stopping)" : "done",
      ),
    ),
  );

  storeOptions(
    group
      .command("answer")
      .description("answer the question a run waits on; the run resumes where it asked")
      .argument("<id>", "run id")
      .argument("<value>", "the answer: JSON when valid JSON, else text")
      .option("--wait", "execute the run here and wait until it is final or asks again"),
  ).action((id: string, value: string, flags: WaitFlags) =>
    engineCommand(flags, async (engine) => {
      const run = await engine.runs.answer(id, parseLooseJson(value), { by: whoAmI() });
      if (flags.wait) return waitAndPrint(engine, run.id, flags.json);
      if (flags.json) printJson(run);
      else
        out(`${run.id}: answered; it is ${run.status} (a worker resumes it: plainrun runs work)`);
      return 0;
    }),
  );

  storeOptions(
    group
      .command("work")
      .description("execute queued runs until Ctrl-C or SIGTERM (for runs started without --wait)")
      .option("--concurrency <n>", "runs executed at once", intArg("--concurrency", 1, 256), 4),
  ).action((flags: WorkFlags) =>
    engineCommand(flags, async (engine) => {
      const pool = await engine.startWorkers({ concurrency: flags.concurrency });
      if (flags.json)
        printJson({ event: "started", worker_id: pool.workerId, concurrency: flags.concurrency });
      else out(`Working with ${flags.concurrency} worker(s) (${pool.workerId}); Ctrl-C to stop.`);
      const signal = await new Promise<string>((resolve) => {
        const onInt = () => done("SIGINT");
        const onTerm = () => done("SIGTERM");
        const done = (name: string) => {
          process.off("SIGINT", onInt);
          process.off("SIGTERM", onTerm);
          // A second signal while stopping ends the process at once; unfinished runs are
          // taken over by another worker once their lease expires.
          process.once("SIGINT", () => process.exit(130));
          process.once("SIGTERM", () => process.exit(143));
          resolve(name);
        };
        process.on("SIGINT", onInt);
        process.on("SIGTERM", onTerm);
      });
      if (!flags.json)
        out(`${signal}: stopping (running runs get 5 s to finish, then go back to the queue)…`);
      await pool.stop({ graceMs: 5000 });
      if (flags.json) printJson({ event: "stopped", signal });
      else out("Stopped.");
      return 0;
    }),
  );
}
