// SQLite through better-sqlite3: one connection, WAL, prepared statements cached.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "../schema.ts";
import type { StoreDialect } from "./dialect.ts";

/** Kysely prepares every query anew; caching statements by SQL text saves most of that cost. */
function withStatementCache(raw: BetterSqlite3.Database, max = 500) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text);
      } else {
        stmt = raw.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

// The one owner of the WAL checkpoint policy. Checkpoints (copying committed pages into the
// database file, with its fsyncs) cost more than the commits themselves on a busy store. A
// small thread with its own connection does them in the background (PASSIVE: never blocks
// the writer), started once the store proves busy; the writer's own automatic checkpoint
// stays as a backstop, at a larger WAL size, in case that thread lags. A process that opens
// several stores on one file (`plainrun serve`: its API thread and its executors) has one
// of them do this ("background") and the others never checkpoint ("none"), so the thread
// that answers requests never pays for a checkpoint.
const CHECKPOINTER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 0");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;
const CHECKPOINT_EVERY_MS = 50;
const BACKSTOP_PAGES = 8000;
const BUSY_AFTER_COMMITS = 100;

function onDiskPath(path: string): boolean {
  return path !== "" && path !== ":memory:" && !path.startsWith("file::memory:");
}

function startCheckpointer(path: string): (() => Promise<void>) | undefined {
  try {
    const worker = new Worker(CHECKPOINTER, {
      eval: true,
      execArgv: [],
      workerData: {
        module: createRequire(import.meta.url).resolve("better-sqlite3"),
        path,
        everyMs: CHECKPOINT_EVERY_MS,
      },
    });
    worker.unref();
    worker.on("error", () => {});
    const exited = new Promise<void>((r) => worker.once("exit", () => r()));
    return async () => {
      worker.postMessage("stop");
      const t = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(t);
    };
  } catch {
    return undefined;
  }
}

/**
 * background: this store checkpoints the WAL (see above; the default). none: it never does,
 * another store of the process on the same file does.
 */
export type Checkpoints = "background" | "none";

export function createSqliteDialect(
  path: string,
  checkpoints: Checkpoints = "background",
): StoreDialect {
  const raw = new BetterSqlite3(path);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  raw.pragma("busy_timeout = 10000");
  raw.pragma("foreign_keys = ON");
  // The whole working set of a busy store in memory (64 MiB), instead of the 2 MiB default.
  raw.pragma("cache_size = -65536");
  // Started once the store proves busy, so a short-lived store (a CLI command) never
  // pays for the thread.
  let commits = onDiskPath(path) && checkpoints === "background" ? 0 : Number.NEGATIVE_INFINITY;
  if (checkpoints === "none") raw.pragma("wal_autocheckpoint = 0");
  let stopCheckpointer: (() => Promise<void>) | undefined;
  const counted = () => {
    if (++commits !== BUSY_AFTER_COMMITS) return;
    stopCheckpointer = startCheckpointer(path);
    if (stopCheckpointer) raw.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  };
  const begin = raw.prepare("begin immediate");
  const commit = raw.prepare("commit");
  const rollback = raw.prepare("rollback");
  // exec's statements: few texts (statements.ts builds each once per row count).
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
  });
  return {
    name: "sqlite",
    blobType: "blob",
    schema: undefined,
    db,
    writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
      // Holding Kysely's connection lock, so no other query interleaves; the transaction
      // statements themselves run directly (prepared once).
      return db.connection().execute(async (conn) => {
        begin.run();
        try {
          const result = await fn(conn);
          commit.run();
          counted();
          return result;
        } catch (err) {
          if (raw.inTransaction) rollback.run();
          throw err;
        }
      });
    },
    async exec<R>(_conn: Kysely<Database>, text: string, params: readonly unknown[]) {
      if (!raw.inTransaction) throw new Error("store: exec runs only inside writeTransaction");
      let st = prepared.get(text);
      if (!st) {
        st = raw.prepare(text);
        prepared.set(text, st);
      }
      if (st.reader) return st.all(params) as R[];
      st.run(params);
      return [];
    },
    writeConcurrency: 1,
    lockRows: "",
    notify: async () => {},
    listen: async () => async () => {},
    async destroy() {
      commits = Number.NEGATIVE_INFINITY;
      await stopCheckpointer?.();
      await db.destroy();
    },
  };
}
