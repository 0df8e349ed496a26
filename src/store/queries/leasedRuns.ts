// The Running runs a lease owner holds: when an executor dies, its supervisor looks up what
// it was executing by its lease owner name.
import type { RunRow } from "../schema.ts";
import type { Db } from "./db.ts";

export async function runsLeasedBy(db: Db, owner: string): Promise<RunRow[]> {
  return db
    .selectFrom("runs")
    .selectAll()
    .where("lease_owner", "=", owner)
    .where("status", "=", "Running")
    .execute();
}
