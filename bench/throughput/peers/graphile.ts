/**
 * graphile-worker peer: no-op jobs on PostgreSQL in a dedicated schema.
 * Workers: `run()` with `concurrency` = N and a pool of N + 2 connections (its
 * performance page pairs concurrency 24 with maxPoolSize 25); LISTEN/NOTIFY wake-ups.
 * Client: `addJob` through `makeWorkerUtils`, one call per job. Success logging is off
 * (NO_LOG_SUCCESS, the documented switch) and the logger drops everything below error.
 */
import { createRequire } from "node:module";
import { Logger, makeWorkerUtils, type Runner, run, type WorkerUtils } from "graphile-worker";
import { Counter, type OnStart, PG_URL, type Subject } from "../subject.ts";
import { dropSchema } from "./pg.ts";

const version = (
  createRequire(import.meta.url)("graphile-worker/package.json") as { version: string }
).version;

const quietLogger = new Logger(() => (level, message) => {
  if (level === "error") console.error(`[graphile-worker] ${message}`);
});

export interface GraphileOptions {
  /** Concurrent addJob callers: the WorkerUtils pool gets this + 2 connections. */
  enqueueConcurrency: number;
}

export function createGraphile(opts: GraphileOptions): Subject {
  const schema = `plainrun_bench_graphile_${process.pid}`;
  let runner: Runner | undefined;
  let utils: WorkerUtils | undefined;
  const completed = new Counter();
  let failure: Error | undefined;

  return {
    name: "graphile",
    label: `graphile-worker ${version} (PostgreSQL)`,
    notes: [
      "graphile-worker: run() concurrency N, maxPoolSize N+2, LISTEN/NOTIFY; addJob via makeWorkerUtils (pool: callers + 2) per job; fresh schema per phase, dropped after.",
    ],

    async setup() {
      process.env.NO_LOG_SUCCESS = "1";
      completed.reset();
      failure = undefined;
      await dropSchema(schema);
      utils = await makeWorkerUtils({
        connectionString: PG_URL,
        schema,
        logger: quietLogger,
        maxPoolSize: opts.enqueueConcurrency + 2,
      });
      await utils.migrate();
    },

    async startWorkers(concurrency: number, onStart: OnStart) {
      runner = await run({
        connectionString: PG_URL,
        schema,
        concurrency,
        maxPoolSize: concurrency + 2,
        noHandleSignals: true,
        logger: quietLogger,
        taskList: {
          noop: async (payload) => {
            onStart((payload as { i: number }).i);
          },
        },
      });
      runner.events.on("job:complete", ({ error }) => {
        if (error) failure ??= error instanceof Error ? error : new Error(String(error));
        completed.add();
      });
    },

    async enqueue(i: number) {
      await utils!.addJob("noop", { i });
    },

    async waitCompleted(total: number) {
      await completed.wait(total);
      if (failure) throw failure;
    },

    async teardown() {
      const r = runner;
      const u = utils;
      runner = undefined;
      utils = undefined;
      if (r) await r.stop();
      if (u) await u.release();
      await dropSchema(schema);
    },
  };
}
