// Schedules: a published process run at cron times in a zone. `next_due_at` is the earliest
// slot not yet handled, so the scheduler reads only the schedules that are due; each slot
// handled (fired or skipped) is a row whose primary key (schedule_id, due_at) is the
// exactly-once guarantee across any number of scheduler processes.
import type { Kysely, Migration } from "kysely";

export const schedulesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("schedules")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("process_id", "text", (c) => c.notNull().references("processes.id"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("cron", "text", (c) => c.notNull())
      .addColumn("preset", "text")
      .addColumn("timezone", "text", (c) => c.notNull())
      .addColumn("starts_at", "bigint")
      .addColumn("ends_at", "bigint")
      .addColumn("inputs", "text", (c) => c.notNull())
      .addColumn("enabled", "integer", (c) => c.notNull())
      .addColumn("disabled_reason", "text")
      .addColumn("overlap", "text", (c) => c.notNull())
      .addColumn("next_due_at", "bigint")
      .addColumn("last_run_id", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("schedules_process")
      .on("schedules")
      .columns(["process_id", "created_at"])
      .execute();
    // The scheduler's question: which enabled schedules are due, and when is the next one.
    await db.schema
      .createIndex("schedules_due")
      .on("schedules")
      .columns(["enabled", "next_due_at"])
      .execute();

    await db.schema
      .createTable("schedule_slots")
      .addColumn("schedule_id", "text", (c) => c.notNull())
      .addColumn("due_at", "bigint", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("reason", "text")
      .addColumn("run_id", "text")
      .addColumn("recorded_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("schedule_slots_pk", ["schedule_id", "due_at"])
      .execute();
  },
};
