// A fresh, isolated store per test: a temp SQLite file, or a Postgres schema of its own
// (so parallel vitest files never see each other's rows). Drop it with cleanup().
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { insertProcess, insertSource, openStore, type Store } from "../../src/store/index.ts";

export const PG_URL = process.env.PLAINRUN_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export const dialects = ["sqlite", "postgres"] as const;
export type TestDialect = (typeof dialects)[number];

export interface TestStore {
  store: Store;
  /** What a child process passes to openStore to reach the same data. */
  url: string;
  schema: string | undefined;
  /** Opens another connection to the same data (another "process" in-process). */
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

let counter = 0;

export async function createTestStore(dialect: TestDialect): Promise<TestStore> {
  const opened: Store[] = [];
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "plainrun-test-"));
    const url = `sqlite:${join(dir, "store.sqlite")}`;
    const open = async () => {
      const s = await openStore({ url });
      opened.push(s);
      return s;
    };
    const store = await open();
    return {
      store,
      url,
      schema: undefined,
      reopen: open,
      async cleanup() {
        await Promise.all(opened.map((s) => s.close().catch(() => {})));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  counter += 1;
  const schema = `t_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const open = async () => {
    const s = await openStore({ url: PG_URL, schema });
    opened.push(s);
    return s;
  };
  const store = await open();
  return {
    store,
    url: PG_URL,
    schema,
    reopen: open,
    async cleanup() {
      await Promise.all(opened.map((s) => s.close().catch(() => {})));
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Stores the one-line published process "P" (id `p1`) that store-level run tests attach runs to. */
export async function insertPlainProcess(store: Store): Promise<void> {
  await insertSource(store.db, { hash: "h", source: "say 1", inputs: "[]", created_at: 1 });
  await insertProcess(store.db, {
    id: "p1",
    name: "P",
    description: "",
    draft_source: "say 1",
    draft_hash: "h",
    draft_inputs: "[]",
    published_hash: "h",
    settings: "{}",
    starred_outputs: "[]",
    latest_version: 1,
    created_at: 1,
    updated_at: 1,
  });
}
