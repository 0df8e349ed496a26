// The Test Suite: test cases (a Succeeded run kept as a baseline), suite runs (one execution
// of the cases of some processes on a stage) and each case's result in a suite run, written
// when the case ends (so a suite of many cases costs a few multi-row inserts).
import type { Kysely, Migration } from "kysely";

export const testSuiteMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("test_cases")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("process_id", "text", (c) => c.notNull().references("processes.id"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("inputs", "text", (c) => c.notNull())
      .addColumn("input_values", "text", (c) => c.notNull())
      .addColumn("file_ids", "text", (c) => c.notNull())
      .addColumn("expected", "text", (c) => c.notNull())
      .addColumn("compare", "text")
      .addColumn("ignore", "text", (c) => c.notNull())
      .addColumn("answers", "text", (c) => c.notNull())
      .addColumn("source_run_id", "text")
      .addColumn("created_by", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("test_cases_process_name", ["process_id", "name"])
      .execute();

    await db.schema
      .createTable("suite_runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("processes", "text", (c) => c.notNull())
      .addColumn("missing", "text", (c) => c.notNull())
      .addColumn("started_by", "text")
      .addColumn("total", "integer", (c) => c.notNull())
      .addColumn("passed", "integer", (c) => c.notNull())
      .addColumn("failed", "integer", (c) => c.notNull())
      .addColumn("errored", "integer", (c) => c.notNull())
      .addColumn("cancelled", "integer", (c) => c.notNull())
      .addColumn("cancel_requested", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("finished_at", "bigint")
      .execute();

    await db.schema
      .createTable("suite_results")
      .addColumn("suite_run_id", "text", (c) => c.notNull())
      .addColumn("case_id", "text", (c) => c.notNull())
      .addColumn("process_id", "text", (c) => c.notNull())
      .addColumn("case_name", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("run_id", "text")
      .addColumn("diff", "text", (c) => c.notNull())
      .addColumn("reason", "text")
      .addColumn("finished_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("suite_results_pk", ["suite_run_id", "case_id"])
      .execute();
    // A process's last result (the Test Suite page, the process page).
    await db.schema
      .createIndex("suite_results_process")
      .on("suite_results")
      .columns(["process_id", "suite_run_id"])
      .execute();
  },
};
