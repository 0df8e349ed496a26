// Indexes that only cover the runs that need them, so the hot path (a run stored, executed
// and finished) touches fewer index pages: expired leases are looked for among Running runs
// only, and re-runs among runs that are one. Same SQL on both dialects.
import { type Kysely, type Migration, sql } from "kysely";

export const runIndexesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex("runs_status_lease").execute();
    await sql`create index runs_running_lease on runs (lease_expires_at) where status = 'Running'`.execute(
      db,
    );
    await db.schema.dropIndex("runs_rerun_of").execute();
    await sql`create index runs_rerun_of on runs (rerun_of) where rerun_of is not null`.execute(db);
  },
};
