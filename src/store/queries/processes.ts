// Processes: one row each, the draft inline, settings and starred outputs as JSON.
import type { Insertable, Updateable } from "kysely";
import type { ProcessesTable, ProcessRow } from "../schema.ts";
import type { Db } from "./db.ts";

export async function insertProcess(db: Db, row: Insertable<ProcessesTable>): Promise<void> {
  await db.insertInto("processes").values(row).execute();
}

export async function updateProcess(
  db: Db,
  id: string,
  patch: Updateable<ProcessesTable>,
): Promise<ProcessRow | undefined> {
  return db
    .updateTable("processes")
    .set(patch)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/** Finds a process by id, or else by its exact name. */
export async function findProcess(db: Db, idOrName: string): Promise<ProcessRow | undefined> {
  const byId = await db
    .selectFrom("processes")
    .selectAll()
    .where("id", "=", idOrName)
    .executeTakeFirst();
  if (byId) return byId;
  return db.selectFrom("processes").selectAll().where("name", "=", idOrName).executeTakeFirst();
}

export async function findProcessByName(db: Db, name: string): Promise<ProcessRow | undefined> {
  return db.selectFrom("processes").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function listProcesses(db: Db): Promise<ProcessRow[]> {
  return db.selectFrom("processes").selectAll().orderBy("name").execute();
}
