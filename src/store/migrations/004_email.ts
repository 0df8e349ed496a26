// Email: each process's address token and sender rule (one row per process, created when its
// addresses are first shown), and the emails runs send (the intent is stored before sending,
// so a resumed run never sends the same statement's email twice).
import type { Kysely, Migration } from "kysely";

export const emailMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("email_addresses")
      .addColumn("process_id", "text", (c) => c.primaryKey().references("processes.id"))
      .addColumn("token", "text", (c) => c.notNull().unique())
      .addColumn("senders", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("sent_emails")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("step", "text", (c) => c.notNull())
      .addColumn("message_id", "text", (c) => c.notNull())
      .addColumn("recipients", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("answer", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("sent_emails_run_step", ["run_id", "step"])
      .execute();
  },
};
