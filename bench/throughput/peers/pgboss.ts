/**
 * pg-boss peer: no-op jobs on PostgreSQL in a dedicated schema.
 * pg-boss 10 dropped teamSize/teamConcurrency; its docs say to call `work()` several
 * times for concurrency and to use `batchSize` for throughput. So: N `work()` loops
 * (N = the benchmark's concurrency), each fetching up to `batchSize` jobs per poll,
 * polling at the minimum interval it allows (0.5 s; pg-boss 10 has no LISTEN/NOTIFY
 * wake-up). Client: `send` per job, on the same instance (pool: N + callers + 2).
 * Completion is confirmed by pg-boss itself: after every handler has run, the queue is
 * polled until no job is left before the `completed` state (completion is written by
 * pg-boss after the handler returns, asynchronously).
 */
import { createRequire } from "node:module";
import PgBoss from "pg-boss";
import { Counter, type OnStart, PG_URL, type Subject, sleep } from "../subject.ts";
import { dropSchema } from "./pg.ts";

const version = (createRequire(import.meta.url)("pg-boss/package.json") as { version: string })
  .version;

export interface PgBossOptions {
  /** Number of work() loops. */
  concurrency: number;
  /** Concurrent send() callers; one pg-boss instance serves both, so its pool is the sum + 2. */
  enqueueConcurrency: number;
  /** Jobs fetched per poll by each of the N work() loops. */
  batchSize?: number;
  /** Seconds between polls when a loop finds nothing (pg-boss minimum: 0.5). */
  pollingIntervalSeconds?: number;
}

export function createPgboss(opts: PgBossOptions): Subject {
  const batchSize = opts.batchSize ?? 200;
  const pollingIntervalSeconds = opts.pollingIntervalSeconds ?? 0.5;
  const poolSize = opts.concurrency + opts.enqueueConcurrency + 2;
  const schema = `plainrun_bench_pgboss_${process.pid}`;
  const queueName = "noop";
  let boss: PgBoss | undefined;
  const handled = new Counter();
  let failure: Error | undefined;
  let stopped = false;

  return {
    name: "pgboss",
    label: `pg-boss ${version} (PostgreSQL)`,
    notes: [
      `pg-boss: send per job; N work() loops, batchSize ${batchSize}, pollingIntervalSeconds ${pollingIntervalSeconds} (its minimum; no NOTIFY wake-up); one instance, pool ${poolSize}; fresh schema per phase, dropped after.`,
    ],

    async setup() {
      handled.reset();
      failure = undefined;
      stopped = false;
      await dropSchema(schema);
      boss = new PgBoss({ connectionString: PG_URL, schema, max: poolSize });
      boss.on("error", (err: Error) => {
        failure ??= err;
      });
      await boss.start();
      await boss.createQueue(queueName);
    },

    async startWorkers(concurrency: number, onStart: OnStart) {
      const b = boss!;
      for (let w = 0; w < concurrency; w++) {
        await b.work<{ i: number }>(
          queueName,
          { batchSize, pollingIntervalSeconds },
          async (jobs) => {
            for (const job of jobs) onStart(job.data.i);
            handled.add(jobs.length);
          },
        );
      }
    },

    async enqueue(i: number) {
      await boss!.send(queueName, { i });
    },

    async waitCompleted(total: number) {
      await handled.wait(total);
      // pg-boss marks jobs completed after the handler returns, without awaiting it in
      // the work loop: confirm from the database that nothing is left unfinished.
      while (!stopped) {
        if (failure) throw failure;
        const left = await boss!.getQueueSize(queueName, { before: "completed" });
        if (left === 0) return;
        await sleep(2);
      }
    },

    async teardown() {
      stopped = true;
      const b = boss;
      boss = undefined;
      if (b) await b.stop({ graceful: false, wait: true, timeout: 5000 });
      await dropSchema(schema);
    },
  };
}
