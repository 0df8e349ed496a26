// Extends a worker's leases in one statement and reports which of its runs a user asked
// to cancel (the cross-process cancel signal piggybacks on the heartbeat).
import type { Db } from "./db.ts";

export interface RenewOptions {
  owner: string;
  ids: readonly string[];
  leaseMs: number;
  now: number;
}

export interface RenewedLease {
  id: string;
  cancel_requested: number;
}

/** Runs missing from the result are no longer this worker's (taken over or final). */
export async function renewLeases(db: Db, opts: RenewOptions): Promise<RenewedLease[]> {
  if (opts.ids.length === 0) return [];
  return db
    .updateTable("runs")
    .set({ lease_expires_at: opts.now + opts.leaseMs, heartbeat_at: opts.now })
    .where("id", "in", opts.ids)
    .where("status", "=", "Running")
    .where("lease_owner", "=", opts.owner)
    .returning(["id", "cancel_requested"])
    .execute();
}
