/**
 * BullMQ peer: no-op jobs on Redis. One Queue (client side) and one Worker with
 * `concurrency` = the benchmark's concurrency, as the BullMQ docs recommend for many
 * small jobs in one process. Completed jobs are removed (`removeOnComplete`), the
 * setting the BullMQ production guide recommends so Redis does not grow without bound.
 */
import { createRequire } from "node:module";
import { Queue, Worker } from "bullmq";
import { Counter, type OnStart, REDIS, type Subject } from "../subject.ts";

const version = (createRequire(import.meta.url)("bullmq/package.json") as { version: string })
  .version;

const PREFIX = "plainrun-bench";

export function createBullmq(): Subject {
  let queue: Queue | undefined;
  let worker: Worker | undefined;
  let queueName = "";
  let generation = 0;
  const completed = new Counter();
  let failure: Error | undefined;

  return {
    name: "bullmq",
    label: `BullMQ ${version} (Redis)`,
    notes: [
      "BullMQ: Queue.add per job; one Worker, concurrency N; removeOnComplete; fresh queue per phase, obliterated after.",
    ],

    async setup() {
      generation += 1;
      queueName = `throughput-${process.pid}-${generation}`;
      completed.reset();
      failure = undefined;
      queue = new Queue(queueName, {
        connection: { ...REDIS },
        prefix: PREFIX,
        defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
      });
      await queue.waitUntilReady();
      await queue.obliterate({ force: true });
    },

    async startWorkers(concurrency: number, onStart: OnStart) {
      worker = new Worker(
        queueName,
        async (job) => {
          onStart((job.data as { i: number }).i);
        },
        { connection: { ...REDIS }, prefix: PREFIX, concurrency },
      );
      worker.on("completed", () => completed.add());
      worker.on("failed", (_job, err) => {
        failure ??= err;
      });
      worker.on("error", (err) => {
        failure ??= err;
      });
      await worker.waitUntilReady();
    },

    async enqueue(i: number) {
      await queue!.add("noop", { i });
    },

    async waitCompleted(total: number) {
      await completed.wait(total);
      if (failure) throw failure;
    },

    async teardown() {
      const w = worker;
      const q = queue;
      worker = undefined;
      queue = undefined;
      if (w) await w.close(true);
      if (q) {
        await q.obliterate({ force: true }).catch(() => {});
        await q.close();
      }
    },
  };
}
