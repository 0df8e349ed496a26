// Published versions: append-only; (process_id, version) is unique, so two concurrent
// publishes cannot both take the same number.
import type { Selectable } from "kysely";
import type { VersionsTable } from "../schema.ts";
import type { Db } from "./db.ts";

export type VersionRow = Selectable<VersionsTable> & { source: string; inputs: string };

export async function insertVersion(db: Db, row: Selectable<VersionsTable>): Promise<void> {
  await db.insertInto("versions").values(row).execute();
}

function selectVersions(db: Db) {
  return db
    .selectFrom("versions")
    .innerJoin("sources", "sources.hash", "versions.source_hash")
    .select([
      "versions.process_id",
      "versions.version",
      "versions.source_hash",
      "versions.created_at",
      "sources.source",
      "sources.inputs",
    ]);
}

export async function listVersions(db: Db, processId: string): Promise<VersionRow[]> {
  return selectVersions(db)
    .where("versions.process_id", "=", processId)
    .orderBy("versions.version", "desc")
    .execute();
}

export async function getVersion(
  db: Db,
  processId: string,
  version: number,
): Promise<VersionRow | undefined> {
  return selectVersions(db)
    .where("versions.process_id", "=", processId)
    .where("versions.version", "=", version)
    .executeTakeFirst();
}
