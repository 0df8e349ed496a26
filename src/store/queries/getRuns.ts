// Reads runs by id. The list view leaves out the heavy columns (state, timeline).
import type { RunRow } from "../schema.ts";
import type { Db } from "./db.ts";

export async function getRun(db: Db, id: string): Promise<RunRow | undefined> {
  return db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function getRuns(db: Db, ids: readonly string[]): Promise<RunRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("runs").selectAll().where("id", "in", ids).execute();
}
