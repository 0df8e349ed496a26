// Suite runs survive the death of the server executing them: the executing process is the
// suite run's owner and renews heartbeat_at while it runs; a suite run Running with a stale
// (or no) heartbeat is taken over by another server, which resumes it (recoveries counts the
// takeovers; engine/suite/recovery.ts). A Running suite run from before this migration has
// no heartbeat, so the next server resumes it.
import type { Kysely, Migration } from "kysely";

export const suiteHeartbeatMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // One column per statement: SQLite adds one column per ALTER TABLE.
    await db.schema.alterTable("suite_runs").addColumn("owner", "text").execute();
    await db.schema.alterTable("suite_runs").addColumn("heartbeat_at", "bigint").execute();
    await db.schema
      .alterTable("suite_runs")
      .addColumn("recoveries", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    // The recovery sweep looks for Running suite runs only.
    await db.schema.createIndex("suite_runs_status").on("suite_runs").column("status").execute();
  },
};
