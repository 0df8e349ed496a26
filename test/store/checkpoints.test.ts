// The WAL checkpoint policy has one owner, the SQLite dialect: a store checkpoints in the
// background once busy (its own auto-checkpoint kept only as a backstop), or never, when
// another store of the process on the same file does (`plainrun serve`'s API thread).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(checkpoints?: "background" | "none"): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), "plainrun-wal-"));
  dirs.push(dir);
  const store = await openStore({
    url: `sqlite:${join(dir, "s.sqlite")}`,
    ...(checkpoints ? { checkpoints } : {}),
  });
  stores.push(store);
  return store;
}

async function autoCheckpointAfterCommits(store: Store, commits: number): Promise<number> {
  for (let i = 0; i < commits; i++) {
    await store.dialect.writeTransaction((trx) => sql`select 1`.execute(trx));
  }
  const rows = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
    store.db,
  );
  return rows.rows[0]?.wal_autocheckpoint as number;
}

describe("the WAL checkpoint policy (SQLite)", () => {
  it("a store checkpoints in the background once busy, its own checkpoint only a backstop", async () => {
    expect(await autoCheckpointAfterCommits(await open(), 150)).toBe(8000);
  });

  it("a store told another one checkpoints never does, however busy", async () => {
    expect(await autoCheckpointAfterCommits(await open("none"), 150)).toBe(0);
  });
});
