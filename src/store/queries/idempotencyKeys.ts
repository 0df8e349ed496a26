// Idempotency keys: the first request with a key wins; the unique key settles races.
import type { Selectable } from "kysely";
import type { IdempotencyKeysTable } from "../schema.ts";
import { chunks, type Db } from "./db.ts";

export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;

/** Inserts the keys that are new and returns those (the others already existed). */
export async function insertIdempotencyKeys(
  db: Db,
  rows: IdempotencyKeyRow[],
): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of chunks(rows, 4)) {
    const got = await db
      .insertInto("idempotency_keys")
      .values(part)
      .onConflict((oc) => oc.column("key").doNothing())
      .returning("key")
      .execute();
    for (const r of got) inserted.add(r.key);
  }
  return inserted;
}

export async function getIdempotencyKey(
  db: Db,
  key: string,
): Promise<IdempotencyKeyRow | undefined> {
  return db.selectFrom("idempotency_keys").selectAll().where("key", "=", key).executeTakeFirst();
}
