// Inside the worker thread (see workerThread.ts): open the store, start the worker pool, hear
// the main thread's notifications through the store's listen(), stop when told.
import { parentPort, workerData } from "node:worker_threads";
import { sql } from "kysely";
import pino from "pino";
import { createEngine } from "../engine/index.ts";
import { openStore, type Store } from "../store/index.ts";
import type { FromThread, ToThread, WorkerThreadOptions } from "./workerThread.ts";
import { WriteLock, withWriteLock } from "./writeLock.ts";

const opts = workerData as WorkerThreadOptions;
const port = parentPort;
if (!port) throw new Error("workerThreadMain runs in a worker thread");

const listeners = new Map<string, Set<(payload: string) => void>>();
const post = (m: FromThread) => port?.postMessage(m);

async function main() {
  const logger = pino({ level: opts.logLevel }, pino.destination(2));
  const opened = await openStore({
    url: opts.url,
    ...(opts.schema ? { schema: opts.schema } : {}),
    ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
  });
  const locked = opts.writeLock ? withWriteLock(opened, new WriteLock(opts.writeLock)) : opened;
  const dialect = locked.dialect;
  const store: Store = {
    ...locked,
    dialect: {
      ...dialect,
      async listen(channel, onPayload) {
        const set = listeners.get(channel) ?? new Set<(payload: string) => void>();
        listeners.set(channel, set);
        set.add(onPayload);
        const inner = await dialect.listen(channel, onPayload);
        return async () => {
          set.delete(onPayload);
          await inner();
        };
      },
    },
  };
  // SQLite: this thread does the WAL checkpoints (every connection of the process has
  // auto-checkpoints off), outside the write lock, so the API thread never pays for one.
  let checkpoints: NodeJS.Timeout | undefined;
  if (opts.writeLock) {
    await sql`pragma wal_autocheckpoint = 0`.execute(opened.db);
    checkpoints = setInterval(() => {
      sql`pragma wal_checkpoint(PASSIVE)`.execute(opened.db).catch((err) => {
        logger.warn({ err }, "WAL checkpoint failed");
      });
    }, 1000);
  }
  const engine = createEngine({ store, logger });
  const pool = await engine.startWorkers({
    concurrency: opts.concurrency,
    logger,
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
  });
  port?.on("message", (m: ToThread) => {
    if (m.type === "notify") {
      for (const fn of listeners.get(m.channel) ?? []) fn(m.payload);
      return;
    }
    if (m.type === "stop") {
      void (async () => {
        try {
          await pool.stop({ graceMs: m.graceMs });
          if (checkpoints) clearInterval(checkpoints);
          await engine.close();
          await store.close();
        } finally {
          logger.flush();
          post({ type: "stopped" });
          port?.close();
        }
      })();
    }
  });
  post({ type: "ready", workerId: pool.workerId });
}

main().catch((err: unknown) => {
  post({
    type: "failed",
    message: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
});
