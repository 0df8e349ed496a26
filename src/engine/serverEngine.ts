// The engine of a `plainrun serve` process, opened from a store URL: the store of the calling
// thread (the API's) and, with the worker role, the execution of runs, in executor threads
// (executor/) or on the calling thread. What that needs is decided here, not by the server:
// on SQLite the threads share one write lock (executor/writeLock.ts) and only the claiming
// executor's store checkpoints the WAL (store/dialects/sqlite.ts), and the calling thread's
// notifications (new runs, answers, cancels) are posted to the executors
// (executor/forward.ts).

import type { RunLimits } from "../interpreter/limits.ts";
import type { DateOrder } from "../interpreter/types.ts";
import { openStore, type Store } from "../store/index.ts";
import { createEngine, type Engine } from "./engine.ts";
import type { ExecutorsHandle } from "./executor/executors.ts";
import { forwardNotifications } from "./executor/forward.ts";
import { newWriteLockBuffer, WriteLock, withWriteLock } from "./executor/writeLock.ts";
import type { EngineLimits } from "./limits.ts";
import type { MailSettings } from "./worker/outbox.ts";
import type { Logger, WorkerPoolHandle } from "./worker/pool.ts";

export interface ServerEngineOptions {
  url: string;
  poolSize?: number;
  limits?: Partial<EngineLimits>;
  logger: Logger;
  /** Execute runs here (the worker role); absent: this process only stores and reads. */
  workers?: {
    concurrency: number;
    /** true: in executor threads under a memory bound and a watchdog; false: on this thread. */
    inThreads: boolean;
    logLevel: string;
    memoryMb: number;
    watchdogMs: number;
    /** Where `send an email` goes. */
    mail?: MailSettings;
    /** How numeric dates read when a process does not say. */
    dateOrder?: DateOrder | undefined;
    /** Bounds on each run's values, the same in executors and on this thread. */
    runLimits?: Partial<RunLimits> | undefined;
  };
}

export interface ServerEngine {
  readonly store: Store;
  readonly engine: Engine;
  /** Whether runs execute here (the worker role). */
  readonly executing: boolean;
  /**
   * Resolves once runs execute (the executor threads load their code and open their
   * connections meanwhile, so the caller can build its HTTP app at the same time); rejects
   * when they could not start.
   */
  readonly started: Promise<void>;
  /**
   * Stops executing runs (they finish for graceMs, the rest are handed back), then closes
   * the engine and the store.
   */
  close(graceMs: number): Promise<void>;
}

/** Fallback poll of an executor for Pending runs, should a wake-up be lost. */
const EXECUTOR_POLL_MS = 250;

export async function openServerEngine(opts: ServerEngineOptions): Promise<ServerEngine> {
  const inThreads = opts.workers?.inThreads === true;
  const sqlite = !/^postgres(ql)?:\/\//.test(opts.url);
  const lockBuffer = inThreads && sqlite ? newWriteLockBuffer() : undefined;
  const opened = await openStore({
    url: opts.url,
    ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
    // The claiming executor checkpoints the WAL: this thread, which answers requests, never does.
    ...(lockBuffer ? { checkpoints: "none" as const } : {}),
  });
  let executors: ExecutorsHandle | undefined;
  const store = inThreads
    ? forwardNotifications(
        lockBuffer ? withWriteLock(opened, new WriteLock(lockBuffer)) : opened,
        (channel, payload) => executors?.notify(channel, payload),
      )
    : opened;
  const engine = createEngine({
    store,
    logger: opts.logger,
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  let pool: WorkerPoolHandle | undefined;
  const w = opts.workers;
  let starting: Promise<ExecutorsHandle> | undefined;
  try {
    if (w && inThreads) {
      starting = engine.startExecutors({
        url: opts.url,
        poolSize: opts.poolSize,
        concurrency: w.concurrency,
        logLevel: w.logLevel,
        pollMs: EXECUTOR_POLL_MS,
        writeLock: lockBuffer,
        memoryMb: w.memoryMb,
        watchdogMs: w.watchdogMs,
        mail: w.mail,
        dateOrder: w.dateOrder,
        ...(w.runLimits ? { runLimits: w.runLimits } : {}),
      });
      // Awaited by `started`; a failure meanwhile must not count as unhandled.
      starting.catch(() => {});
    } else if (w) {
      pool = await engine.startWorkers({
        concurrency: w.concurrency,
        logger: opts.logger,
        dateOrder: w.dateOrder,
        ...(w.runLimits ? { runLimits: w.runLimits } : {}),
        ...(w.mail ? { mail: w.mail } : {}),
      });
    }
  } catch (err) {
    await engine.close().catch(() => {});
    await store.close().catch(() => {});
    throw err;
  }
  const started = (async () => {
    if (starting) executors = await starting;
  })();
  started.catch(() => {});
  return {
    store,
    engine,
    executing: w !== undefined,
    started,
    async close(graceMs) {
      await started.catch(() => {});
      await pool?.stop({ graceMs });
      await executors?.stop(graceMs);
      await engine.close();
      await store.close();
    },
  };
}
