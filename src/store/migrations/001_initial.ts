// The first schema. Types are chosen to mean the same on both dialects: text, bigint
// (SQLite gives it integer affinity), integer flags; only the blob type differs.
import type { Kysely, Migration } from "kysely";

export function initialMigration(blobType: "blob" | "bytea"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("sources")
        .addColumn("hash", "text", (c) => c.primaryKey())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("inputs", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("processes")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("draft_source", "text", (c) => c.notNull())
        .addColumn("draft_hash", "text", (c) => c.notNull())
        .addColumn("draft_inputs", "text", (c) => c.notNull())
        .addColumn("published_hash", "text")
        .addColumn("settings", "text", (c) => c.notNull())
        .addColumn("starred_outputs", "text", (c) => c.notNull())
        .addColumn("latest_version", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("versions")
        .addColumn("process_id", "text", (c) => c.notNull().references("processes.id"))
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("source_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("versions_pk", ["process_id", "version"])
        .execute();

      await db.schema
        .createTable("runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("process_id", "text", (c) => c.notNull().references("processes.id"))
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("version", "integer")
        .addColumn("source_hash", "text", (c) => c.notNull())
        .addColumn("trigger", "text", (c) => c.notNull())
        .addColumn("trigger_details", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("inputs", "text", (c) => c.notNull())
        .addColumn("input_values", "text", (c) => c.notNull())
        .addColumn("file_ids", "text", (c) => c.notNull())
        .addColumn("outputs", "text")
        .addColumn("log", "text")
        .addColumn("error", "text")
        .addColumn("question", "text")
        .addColumn("exec_state", "text")
        .addColumn("timeline", "text")
        .addColumn("search_text", "text", (c) => c.notNull())
        .addColumn("rerun_of", "text")
        .addColumn("archived", "integer", (c) => c.notNull())
        .addColumn("lease_owner", "text")
        .addColumn("lease_expires_at", "bigint")
        .addColumn("heartbeat_at", "bigint")
        .addColumn("running_since", "bigint")
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("recoveries", "integer", (c) => c.notNull())
        .addColumn("time_used_ms", "bigint", (c) => c.notNull())
        .addColumn("time_limit_ms", "bigint", (c) => c.notNull())
        .addColumn("cancel_requested", "integer", (c) => c.notNull())
        .addColumn("cancelled_by", "text")
        .addColumn("event_seq", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("started_at", "bigint")
        .addColumn("finished_at", "bigint")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      // The claim scans Pending runs oldest first; recovery scans expired Running leases.
      await db.schema.createIndex("runs_status_id").on("runs").columns(["status", "id"]).execute();
      await db.schema
        .createIndex("runs_status_lease")
        .on("runs")
        .columns(["status", "lease_expires_at"])
        .execute();
      await db.schema
        .createIndex("runs_process_id")
        .on("runs")
        .columns(["process_id", "id"])
        .execute();
      await db.schema.createIndex("runs_rerun_of").on("runs").column("rerun_of").execute();

      await db.schema
        .createTable("run_events")
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("run_events_pk", ["run_id", "seq"])
        .execute();

      await db.schema
        .createTable("files")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("bytes", blobType, (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("idempotency_keys")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("body_hash", "text", (c) => c.notNull())
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
    },
  };
}
