// Migrations defined in code (no files to ship), applied in name order at open.
import type { Migration, MigrationProvider } from "kysely";
import { initialMigration } from "./001_initial.ts";
import { authMigration } from "./002_auth.ts";
import { runIndexesMigration } from "./003_run_indexes.ts";
import { emailMigration } from "./004_email.ts";
import { testSuiteMigration } from "./005_test_suite.ts";
import { runSearchMigration } from "./006_run_search.ts";
import { suiteHeartbeatMigration } from "./007_suite_heartbeat.ts";
import { schedulesMigration } from "./008_schedules.ts";
import { runSearchPgMigration } from "./009_run_search_pg.ts";
import { runSearchOpenMigration } from "./010_run_search_open.ts";

export function migrationProvider(blobType: "blob" | "bytea"): MigrationProvider {
  const migrations: Record<string, Migration> = {
    "001_initial": initialMigration(blobType),
    "002_auth": authMigration,
    "003_run_indexes": runIndexesMigration,
    "004_email": emailMigration,
    "005_test_suite": testSuiteMigration,
    "006_run_search": runSearchMigration(blobType),
    "007_suite_heartbeat": suiteHeartbeatMigration,
    "008_schedules": schedulesMigration,
    "009_run_search_pg": runSearchPgMigration(blobType),
    "010_run_search_open": runSearchOpenMigration(blobType),
  };
  return { getMigrations: async () => migrations };
}
