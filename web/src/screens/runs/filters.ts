// The runs list's filters live in the URL, so a filtered list can be shared and reloaded.
import type { Run, RunStatus } from "../../api/client";

export interface RunFilters {
  status: RunStatus[];
  stage: "" | "draft" | "published";
  trigger: Run["trigger"][];
  from: string;
  to: string;
  text: string;
  archived: boolean;
  cursor: string;
}

export function readFilters(params: URLSearchParams): RunFilters {
  const list = (name: string) => (params.get(name) ?? "").split(",").filter(Boolean);
  const stage = params.get("stage");
  return {
    status: list("status") as RunStatus[],
    stage: stage === "draft" || stage === "published" ? stage : "",
    trigger: list("trigger") as Run["trigger"][],
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    text: params.get("text") ?? "",
    archived: params.get("archived") === "1",
    cursor: params.get("cursor") ?? "",
  };
}

export function writeFilters(f: RunFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status.length) p.set("status", f.status.join(","));
  if (f.stage) p.set("stage", f.stage);
  if (f.trigger.length) p.set("trigger", f.trigger.join(","));
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  if (f.text) p.set("text", f.text);
  if (f.archived) p.set("archived", "1");
  if (f.cursor) p.set("cursor", f.cursor);
  return p;
}

/** Local midnight of a yyyy-mm-dd date as an ISO instant (plus `days`). */
function dayStart(date: string, days = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).toISOString();
}

/** The query of GET /runs for these filters. */
export function listQuery(f: RunFilters, process: string | undefined) {
  const q: Record<string, string> = {};
  if (process) q.process = process;
  if (f.status.length) q.status = f.status.join(",");
  if (f.stage) q.stage = f.stage;
  if (f.trigger.length) q.trigger = f.trigger.join(",");
  const from = dayStart(f.from);
  const to = dayStart(f.to, 1);
  if (from) q.created_from = from;
  if (to) q.created_to = to;
  if (f.text.trim()) q.text = f.text.trim();
  if (f.archived) q.archived = "all";
  if (f.cursor) q.cursor = f.cursor;
  return q;
}
