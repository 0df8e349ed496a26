// The runs table's columns, listed once: the insert writes them in this order, and the
// summary (lists) and claim (workers) read subsets of them. RunsTable in schema.ts is
// their type; the check below fails to compile when the two disagree.
import type { RunRow, RunsTable } from "../schema.ts";

export const RUN_COLUMNS = [
  "id",
  "process_id",
  "stage",
  "version",
  "source_hash",
  "trigger",
  "trigger_details",
  "status",
  "inputs",
  "input_values",
  "file_ids",
  "outputs",
  "log",
  "error",
  "question",
  "exec_state",
  "timeline",
  "search_text",
  "rerun_of",
  "archived",
  "lease_owner",
  "lease_expires_at",
  "heartbeat_at",
  "running_since",
  "attempts",
  "recoveries",
  "time_used_ms",
  "time_limit_ms",
  "cancel_requested",
  "cancelled_by",
  "event_seq",
  "created_at",
  "started_at",
  "finished_at",
  "updated_at",
] as const satisfies ReadonlyArray<keyof RunsTable>;

export type RunColumn = (typeof RUN_COLUMNS)[number];
// Every column of RunsTable is listed (a missing one makes this `never`, a type error).
const listsEveryColumn: [Exclude<keyof RunsTable, RunColumn>] extends [never] ? true : never = true;
void listsEveryColumn;

/** Columns a run summary leaves out: the interpreter's state, the timeline and the lease. */
const DETAIL_COLUMNS = [
  "input_values",
  "exec_state",
  "timeline",
  "search_text",
  "lease_owner",
  "lease_expires_at",
  "heartbeat_at",
  "running_since",
] as const satisfies readonly RunColumn[];

export type SummaryColumn = Exclude<RunColumn, (typeof DETAIL_COLUMNS)[number]>;

/** The columns of a run summary (lists, the API's run object). */
export const SUMMARY_COLUMNS = RUN_COLUMNS.filter(
  (c): c is SummaryColumn => !(DETAIL_COLUMNS as readonly string[]).includes(c),
);

export type RunSummaryRow = Pick<RunRow, SummaryColumn>;

/** The columns a claim reads: what a worker needs to execute the run. */
export const CLAIMED_COLUMNS = [
  "id",
  "source_hash",
  "inputs",
  "input_values",
  "file_ids",
  "exec_state",
  "attempts",
  "recoveries",
  "time_used_ms",
  "time_limit_ms",
  "cancel_requested",
  "event_seq",
] as const satisfies readonly RunColumn[];

export type ClaimedRun = Pick<RunRow, (typeof CLAIMED_COLUMNS)[number]>;
