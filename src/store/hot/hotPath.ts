// The hot path of the runs engine, precompiled per dialect: storing new runs, claiming
// Pending runs, writing finished runs and appending events. These run for every run, so
// they skip Kysely's query building (SQLite: prepared better-sqlite3 statements; Postgres:
// SQL text built once per row count, multi-row statements). Everything else in the store
// stays on Kysely. Same semantics as insertRuns, claimRuns, updateRun and insertEvents.

import type { Db } from "../queries/db.ts";
import type { NewRunRow, RunEventRow, RunRow } from "../schema.ts";

/** A run's end, written with the guard "still Running and leased by owner". */
export interface FinishedRun {
  id: string;
  owner: string;
  status: "Succeeded" | "Failed" | "Cancelled" | "TimedOut";
  outputs: string;
  log: string;
  timeline: string;
  error: string | null;
  finished_at: number;
  time_used_ms: number;
  search_text: string;
  /** Events this write adds (their seqs are reserved by the update). */
  eventCount: number;
}

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  now: number;
}

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
] as const satisfies ReadonlyArray<keyof RunRow>;

export type ClaimedRun = Pick<RunRow, (typeof CLAIMED_COLUMNS)[number]>;

/**
 * A claim in two steps inside one write transaction: selectPending picks Pending runs
 * oldest first (Postgres: locked, SKIP LOCKED, so concurrent claimers never pick the same
 * run); then each is either claimed (claimByIds: Running, leased) or, when the worker
 * executed it to its end within the transaction, written final straight away
 * (finishPending: the same row as a claim followed by finishRuns).
 */
export interface HotPath {
  insertRuns(db: Db, rows: readonly NewRunRow[]): Promise<void>;
  insertEvents(db: Db, rows: readonly RunEventRow[]): Promise<void>;
  /** Pending runs, oldest first, as they are before the claim. */
  selectPending(db: Db, limit: number): Promise<ClaimedRun[]>;
  /** Claims these Pending runs; returns those claimed, as after the claim (event_seq counts the Running event). */
  claimByIds(db: Db, ids: readonly string[], opts: ClaimOptions): Promise<ClaimedRun[]>;
  /** Per row: the run's new last event seq, or undefined when the guard did not hold. */
  finishRuns(db: Db, rows: readonly FinishedRun[]): Promise<Array<number | undefined>>;
  /**
   * Writes Pending runs final in one step, as claimed at startedAt by row.owner and then
   * finished (row.eventCount includes the Running event). Guard: still Pending.
   */
  finishPending(
    db: Db,
    rows: readonly FinishedRun[],
    startedAt: number,
  ): Promise<Array<number | undefined>>;
}

/** The runs table's columns, in insert order. */
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
] as const satisfies ReadonlyArray<keyof NewRunRow>;

export function runValues(r: NewRunRow): unknown[] {
  const out = new Array<unknown>(RUN_COLUMNS.length);
  for (let i = 0; i < RUN_COLUMNS.length; i++) {
    const v = r[RUN_COLUMNS[i] as keyof NewRunRow];
    out[i] = v === undefined ? null : v;
  }
  return out;
}
