// Claims runs for a worker: Pending runs oldest first, or Running runs whose lease expired
// (their worker died). One WITH candidates … UPDATE … RETURNING: atomic on SQLite,
// and on Postgres the candidates are locked with SKIP LOCKED so claimers never collide.
import { sql } from "kysely";
import type { StoreDialect } from "../dialects/dialect.ts";
import type { RunRow } from "../schema.ts";
import type { Db } from "./db.ts";

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
  now: number;
  /** Claim expired leases instead of Pending runs. */
  expired?: boolean;
}

/** A claimed run; its event_seq already counts the "Running" status event to insert. */
export async function claimRuns(
  dialect: StoreDialect,
  db: Db,
  opts: ClaimOptions,
): Promise<RunRow[]> {
  const { owner, leaseMs, limit, now } = opts;
  let candidates = db.selectFrom("runs").select("id").limit(limit);
  candidates = opts.expired
    ? candidates
        .where("status", "=", "Running")
        .where("lease_expires_at", "<", now)
        .orderBy("lease_expires_at")
    : candidates.where("status", "=", "Pending").orderBy("id");
  const locked = dialect.lockForClaim(candidates);
  // A CTE runs once: as a plain IN (subquery) Postgres may re-run a SKIP LOCKED LIMIT
  // subquery per row and claim more than `limit`.
  return db
    .with("candidates", () => locked)
    .updateTable("runs")
    .set({
      status: "Running",
      lease_owner: owner,
      lease_expires_at: now + leaseMs,
      heartbeat_at: now,
      running_since: now,
      attempts: (eb) => eb("attempts", "+", 1),
      // A lost worker's time counts up to its last heartbeat (time limits stay honest).
      time_used_ms: opts.expired
        ? sql<number>`time_used_ms + coalesce(heartbeat_at - running_since, 0)`
        : sql<number>`time_used_ms`,
      recoveries: opts.expired ? (eb) => eb("recoveries", "+", 1) : sql<number>`recoveries`,
      started_at: sql<number>`coalesce(started_at, ${now})`,
      event_seq: (eb) => eb("event_seq", "+", 1),
      updated_at: now,
    })
    .where("id", "in", (eb) => eb.selectFrom("candidates").select("candidates.id"))
    .where("status", "=", opts.expired ? "Running" : "Pending")
    .returningAll()
    .execute();
}
