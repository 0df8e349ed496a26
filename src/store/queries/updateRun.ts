// A guarded change to one run (cancel, answer, archive, checkpoint, question, hand-back):
// an UPDATE guarded by what the writer expects (status, lease owner, event counter), which
// also reserves sequence numbers for its events. A guard that does not hold changes nothing,
// so a final state can never be overwritten. The other writes of a run row, each guarded
// the same way: claimRuns.ts (claimByIds, claimExpired), finishRuns.ts (finishRuns,
// finishPending) and renewLeases.ts.
import type { Updateable } from "kysely";
import type { RunStatus, RunsTable } from "../schema.ts";
import type { Db } from "./db.ts";

export interface RunGuard {
  /** The run must be in one of these statuses. */
  statuses?: readonly RunStatus[];
  /** The run must be leased by this worker. */
  owner?: string;
  /** The run's event counter must still be this (optimistic concurrency). */
  eventSeq?: number;
}

/** Returns the run's new last event seq, or undefined when the guard did not hold. */
export async function updateRun(
  db: Db,
  id: string,
  guard: RunGuard,
  set: Updateable<RunsTable>,
  eventCount: number,
): Promise<number | undefined> {
  let q = db
    .updateTable("runs")
    .set({ ...set, event_seq: (eb) => eb("event_seq", "+", eventCount) })
    .where("id", "=", id);
  if (guard.statuses) q = q.where("status", "in", guard.statuses);
  if (guard.owner !== undefined) q = q.where("lease_owner", "=", guard.owner);
  if (guard.eventSeq !== undefined) q = q.where("event_seq", "=", guard.eventSeq);
  const row = await q.returning("event_seq").executeTakeFirst();
  return row?.event_seq;
}
