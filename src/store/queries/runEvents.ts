// Run events: an append-only feed per run, numbered by runs.event_seq (see updateRun.ts).
import type { RunEventRow } from "../schema.ts";
import { chunks, type Db } from "./db.ts";

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

export async function insertEvents(db: Db, rows: RunEventRow[]): Promise<void> {
  for (const part of chunks(rows, 5)) await db.insertInto("run_events").values(part).execute();
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
