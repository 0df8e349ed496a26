// Run events: an append-only feed per run, numbered by runs.event_seq: every write that
// changes a run row adds its events' count to it and returns the new value.
import type { StoreDialect } from "../dialects/dialect.ts";
import type { RunEventRow } from "../schema.ts";
import type { Db } from "./db.ts";
import { batches, statementText, valueRows } from "./statements.ts";

export interface NewEvent {
  type: string;
  data: unknown;
}

/**
 * Numbers `events` so that the last one gets `lastSeq` (the value updateRun returned after
 * adding events.length to the run's counter).
 */
export function numberEvents(
  runId: string,
  lastSeq: number,
  events: readonly NewEvent[],
  at: number,
): RunEventRow[] {
  const first = lastSeq - events.length + 1;
  return events.map((e, i) => ({
    run_id: runId,
    seq: first + i,
    at,
    type: e.type,
    data: JSON.stringify(e.data ?? null),
  }));
}

const insertText = statementText(
  (n) =>
    `insert into run_events (run_id, seq, at, type, data) values ${valueRows(n, "(?, ?, ?, ?, ?)")}`,
);

/** Appends events (numbered by numberEvents), many rows per statement. */
export async function insertEvents(
  dialect: StoreDialect,
  db: Db,
  rows: readonly RunEventRow[],
): Promise<void> {
  for (const part of batches(dialect, rows, 5, 64)) {
    const params: unknown[] = [];
    for (const e of part) params.push(e.run_id, e.seq, e.at, e.type, e.data);
    await dialect.exec(db, insertText(dialect, part.length), params);
  }
}

export async function listEvents(
  db: Db,
  runId: string,
  afterSeq: number,
  limit: number,
): Promise<RunEventRow[]> {
  return db
    .selectFrom("run_events")
    .selectAll()
    .where("run_id", "=", runId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
}
