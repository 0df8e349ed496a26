// Source texts by content hash. Inserting an existing hash is a no-op: a hash's text never changes.
import type { Insertable, Selectable } from "kysely";
import type { SourcesTable } from "../schema.ts";
import type { Db } from "./db.ts";

export async function insertSource(db: Db, row: Insertable<SourcesTable>): Promise<void> {
  await db
    .insertInto("sources")
    .values(row)
    .onConflict((oc) => oc.column("hash").doNothing())
    .execute();
}

export async function getSource(
  db: Db,
  hash: string,
): Promise<Selectable<SourcesTable> | undefined> {
  return db.selectFrom("sources").selectAll().where("hash", "=", hash).executeTakeFirst();
}
