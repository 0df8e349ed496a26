// Claims runs for a worker, the one place a run becomes Running under a lease: Pending runs
// oldest first (selectPending, then claimByIds, inside one write transaction so the worker
// can execute a short run to its end in between; see finishPending), or Running runs whose
// lease expired because their worker died (claimExpired). On PostgreSQL the candidates are
// locked with SKIP LOCKED so concurrent claimers never pick the same run.
import type { StoreDialect } from "../dialects/dialect.ts";
import type { Db } from "./db.ts";
import { CLAIMED_COLUMNS, type ClaimedRun } from "./runColumns.ts";
import { statementText } from "./statements.ts";

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  now: number;
}

// Parameters: owner, lease expiry, now ×3 (in this order, as "?" are positional on SQLite).
const CLAIM_SET = `status = 'Running', lease_owner = ?, lease_expires_at = ?, heartbeat_at = ?,
  running_since = ?, attempts = attempts + 1, started_at = coalesce(started_at, ?),
  event_seq = event_seq + 1`;
const claimParams = (o: ClaimOptions) => [o.owner, o.now + o.leaseMs, o.now, o.now, o.now];
const RETURNING = `returning ${CLAIMED_COLUMNS.join(", ")}`;

const selectPendingText = statementText(
  (_, dialect) => `select ${CLAIMED_COLUMNS.join(", ")} from runs where status = 'Pending'
    order by id limit ?${dialect.lockRows}`,
);

/** Pending runs, oldest first, as they are before the claim (PostgreSQL: locked, skipping locked ones). */
export async function selectPending(
  dialect: StoreDialect,
  db: Db,
  limit: number,
): Promise<ClaimedRun[]> {
  if (limit <= 0) return [];
  return dialect.exec<ClaimedRun>(db, selectPendingText(dialect, 1), [limit]);
}

const claimByIdsText = statementText(
  (n) => `update runs set ${CLAIM_SET}, updated_at = ?
    where id in (${Array.from({ length: n }, () => "?").join(", ")}) and status = 'Pending'
    ${RETURNING}`,
);

/**
 * Claims these Pending runs; returns those claimed, oldest first, as after the claim
 * (event_seq already counts the "Running" status event the caller inserts).
 */
export async function claimByIds(
  dialect: StoreDialect,
  db: Db,
  ids: readonly string[],
  o: ClaimOptions,
): Promise<ClaimedRun[]> {
  if (ids.length === 0) return [];
  const rows = await dialect.exec<ClaimedRun>(db, claimByIdsText(dialect, ids.length), [
    ...claimParams(o),
    o.now,
    ...ids,
  ]);
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// A CTE runs once: as a plain IN (subquery) PostgreSQL may re-run a SKIP LOCKED LIMIT
// subquery per row and claim more than the limit.
const claimExpiredText = statementText(
  (_, dialect) => `with candidates as (
      select id from runs where status = 'Running' and lease_expires_at < ?
      order by lease_expires_at limit ?${dialect.lockRows})
    update runs set ${CLAIM_SET}, updated_at = ?,
      time_used_ms = time_used_ms + coalesce(heartbeat_at - running_since, 0),
      recoveries = recoveries + 1
    where id in (select id from candidates) and status = 'Running'
    ${RETURNING}`,
);

/**
 * Takes over up to `limit` Running runs whose lease expired before `now`. A lost worker's
 * time counts up to its last heartbeat, so time limits stay honest.
 */
export async function claimExpired(
  dialect: StoreDialect,
  db: Db,
  o: ClaimOptions & { limit: number },
): Promise<ClaimedRun[]> {
  if (o.limit <= 0) return [];
  return dialect.exec<ClaimedRun>(db, claimExpiredText(dialect, 1), [
    o.now,
    o.limit,
    ...claimParams(o),
    o.now,
  ]);
}
