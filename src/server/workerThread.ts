// The worker role in a worker thread of the serve process: its own event loop and its own
// database connection, so executing runs never delays the API's answers (on SQLite, the
// API's event loop would otherwise spend most of its time on the workers' writes).
// Cross-thread signals ride on the store's notify/listen: the main thread's notify() (new
// runs, answers, cancels) is posted to the thread, whose listen() hears it as it would hear
// PostgreSQL's NOTIFY from another process.
import { startModuleWorker } from "../engine/moduleWorker.ts";
import type { Store } from "../store/index.ts";

export interface WorkerThreadOptions {
  url: string;
  schema?: string | undefined;
  poolSize?: number | undefined;
  concurrency: number;
  logLevel: string;
  /** Fallback poll for Pending runs (ms). */
  pollMs?: number;
  /** SQLite: the write lock shared with the main thread (see writeLock.ts). */
  writeLock?: SharedArrayBuffer | undefined;
}

export interface WorkerThreadHandle {
  readonly workerId: string;
  /** Sends a store notification to the thread. */
  notify(channel: string, payload: string): void;
  /** Stops claiming, lets runs finish for graceMs, hands the rest back, ends the thread. */
  stop(graceMs: number): Promise<void>;
}

export type ToThread =
  | { type: "notify"; channel: string; payload: string }
  | { type: "stop"; graceMs: number };
export type FromThread =
  | { type: "ready"; workerId: string }
  | { type: "stopped" }
  | { type: "failed"; message: string };

/** A store whose notify() also reaches the worker thread (after the current commit). */
export function forwardNotifications(
  store: Store,
  send: (channel: string, payload: string) => void,
): Store {
  const dialect = store.dialect;
  return {
    ...store,
    dialect: {
      ...dialect,
      async notify(db, channel, payload) {
        await dialect.notify(db, channel, payload);
        // notify() is called inside the transaction: deliver once it has committed.
        setImmediate(() => send(channel, payload));
      },
    },
  };
}

export function startWorkerThread(opts: WorkerThreadOptions): Promise<WorkerThreadHandle> {
  const worker = startModuleWorker(new URL("./workerThreadMain.ts", import.meta.url), {
    workerData: opts,
  });
  let stopped: (() => void) | undefined;
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return new Promise<WorkerThreadHandle>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m: FromThread) => {
      if (m.type === "failed") reject(new Error(`worker thread: ${m.message}`));
      if (m.type === "stopped") stopped?.();
      if (m.type !== "ready") return;
      worker.off("error", reject);
      worker.on("error", (err) => process.stderr.write(`plainrun worker thread: ${err}\n`));
      resolve({
        workerId: m.workerId,
        notify(channel, payload) {
          worker.postMessage({ type: "notify", channel, payload } satisfies ToThread);
        },
        async stop(graceMs) {
          const done = new Promise<void>((r) => {
            stopped = r;
          });
          worker.postMessage({ type: "stop", graceMs } satisfies ToThread);
          await Promise.race([done, exited]);
          await worker.terminate();
        },
      });
    });
    worker.once("exit", (code) =>
      reject(new Error(`worker thread exited (${code}) before it was ready`)),
    );
  });
}
