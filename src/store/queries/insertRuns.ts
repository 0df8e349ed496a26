// Stores new runs (startRun groups concurrent calls into one call): the one insert of a
// run row, a prepared statement per row on SQLite, multi-row statements on PostgreSQL.
import type { StoreDialect } from "../dialects/dialect.ts";
import type { NewRunRow, RunRow } from "../schema.ts";
import type { Db } from "./db.ts";
import { RUN_COLUMNS } from "./runColumns.ts";
import { batches, statementText, valueRows } from "./statements.ts";

/** The columns the caller decides for a new run; newRunRow gives the others. */
export type NewRunFields = Pick<
  RunRow,
  | "id"
  | "process_id"
  | "stage"
  | "version"
  | "source_hash"
  | "trigger"
  | "trigger_details"
  | "inputs"
  | "input_values"
  | "file_ids"
  | "search_text"
  | "rerun_of"
  | "time_limit_ms"
  | "created_at"
>;

/**
 * A new Pending run's row: what every run starts as. A literal typed as the whole row, so
 * it cannot miss a column (and is cheap to build: a spread of defaults is ~50× slower).
 */
export function newRunRow(f: NewRunFields): RunRow {
  return {
    id: f.id,
    process_id: f.process_id,
    stage: f.stage,
    version: f.version,
    source_hash: f.source_hash,
    trigger: f.trigger,
    trigger_details: f.trigger_details,
    status: "Pending",
    inputs: f.inputs,
    input_values: f.input_values,
    file_ids: f.file_ids,
    outputs: null,
    log: null,
    error: null,
    question: null,
    exec_state: null,
    timeline: null,
    search_text: f.search_text,
    rerun_of: f.rerun_of,
    archived: 0,
    lease_owner: null,
    lease_expires_at: null,
    heartbeat_at: null,
    running_since: null,
    attempts: 0,
    recoveries: 0,
    time_used_ms: 0,
    time_limit_ms: f.time_limit_ms,
    cancel_requested: 0,
    cancelled_by: null,
    // Its first event, "Pending", is stored with it.
    event_seq: 1,
    created_at: f.created_at,
    started_at: null,
    finished_at: null,
    updated_at: f.created_at,
  };
}

const insertText = statementText(
  (n) =>
    `insert into runs (${RUN_COLUMNS.join(", ")}) values ${valueRows(n, `(${RUN_COLUMNS.map(() => "?").join(", ")})`)}`,
);

export async function insertRuns(
  dialect: StoreDialect,
  db: Db,
  rows: readonly NewRunRow[],
): Promise<void> {
  for (const part of batches(dialect, rows, RUN_COLUMNS.length, 1)) {
    const params: unknown[] = [];
    for (const r of part) {
      for (const c of RUN_COLUMNS) {
        const v = r[c];
        params.push(v === undefined ? null : v);
      }
    }
    await dialect.exec(db, insertText(dialect, part.length), params);
  }
}
