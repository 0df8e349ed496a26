// The human formats of runs and tables, and the two ways output is written (text, JSON).
import type { Run } from "../engine/index.ts";
import type { Json } from "../interpreter/types.ts";
import { isFinalStatus } from "../store/index.ts";

export function out(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

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
