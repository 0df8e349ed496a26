// Content-addressed blobs: the id is the sha-256 of the bytes, so storing twice is a no-op.
import type { FileRow } from "../schema.ts";
import { chunks, type Db } from "./db.ts";

export async function insertFiles(db: Db, rows: FileRow[]): Promise<void> {
  for (const part of chunks(rows, 6)) {
    await db
      .insertInto("files")
      .values(part)
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }
}

export async function getFiles(db: Db, ids: readonly string[]): Promise<FileRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("files").selectAll().where("id", "in", ids).execute();
  // SQLite gives a Buffer, pg a Buffer too; normalize to a plain Uint8Array view.
  return rows.map((r) => ({ ...r, bytes: new Uint8Array(r.bytes) }));
}

export type FileMeta = Omit<FileRow, "bytes">;

export async function getFileMetas(db: Db, ids: readonly string[]): Promise<FileMeta[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("files")
    .select(["id", "name", "type", "size", "created_at"])
    .where("id", "in", ids)
    .execute();
}
