// Inside an executor thread (see executorThread.ts): open the store, start a worker pool, beat,
// hear the supervisor's notifications through the store's listen(), adopt the runs it is
// handed, stop when told.
import v8 from "node:v8";
import vm from "node:vm";
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import pino from "pino";
import { openStore, type Store } from "../../store/index.ts";
import type { EngineBus, RunEventNotice } from "../bus.ts";
import { createEngine } from "../engine.ts";
import {
  type ExecutorData,
  type FromExecutor,
  MEMORY_EXIT_CODE,
  type ToExecutor,
} from "./executorThread.ts";
import { WriteLock, withWriteLock } from "./writeLock.ts";

const opts = workerData as ExecutorData;

/**
 * Posts the run events this thread commits to its supervisor (gathered per event-loop turn),
 * whose bus hands them to the live streams and announces them to other processes.
 */
function postEvents(bus: EngineBus): void {
  let queue: RunEventNotice[] = [];
  bus.onCommitted((n) => {
    if (queue.length === 0) {
      setImmediate(() => {
        const notices = queue;
        queue = [];
        post({ type: "events", notices });
      });
    }
    queue.push(n);
  });
}
const port = parentPort;
if (!port) throw new Error("executorMain runs in a worker thread");

const listeners = new Map<string, Set<(payload: string) => void>>();
const post = (m: FromExecutor) => port?.postMessage(m);
const deliver = (channel: string, payload: string) => {
  for (const fn of listeners.get(channel) ?? []) fn(payload);
};

/**
 * Cancel requests (see ExecutorData.cancelFlag): heard on the event loop when it is free, and
 * taken synchronously by pollCancels() when the flag moved, which the worker pool calls each
 * time the interpreter looks at a run's cancel signal, inside long statements too.
 */
function cancels(channel: string): () => void {
  const flag = new Int32Array(opts.cancelFlag);
  let seen = 0;
  opts.cancelPort.on("message", (id: string) => deliver(channel, id));
  return () => {
    const now = Atomics.load(flag, 0);
    if (now === seen) return;
    seen = now;
    for (
      let m = receiveMessageOnPort(opts.cancelPort);
      m;
      m = receiveMessageOnPort(opts.cancelPort)
    ) {
      deliver(channel, m.message as string);
    }
  };
}

/**
 * A test hook, off unless PLAINRUN_TEST_HANG_AFTER_LOG is set: once a run has logged that
 * line, this thread blocks (as a statement stuck in native code would), so the watchdog
 * can be tested. Never set it on a real server.
 */
function testHang(): ((state: { log: readonly string[] }) => void) | undefined {
  const line = process.env.PLAINRUN_TEST_HANG_AFTER_LOG;
  if (!line) return undefined;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return (state) => {
    if (!state.log.includes(line)) return;
    for (;;) Atomics.wait(cell, 0, 0, 100);
  };
}
/**
 * The memory bound, enforced here rather than by V8 alone: when the live heap passes it (checked
 * between slices, after a full collection), the thread exits with MEMORY_EXIT_CODE. V8's own
 * limit (resourceLimits, set well above) is only the backstop: reaching it can abort the
 * whole process instead of the thread.
 */
function guardMemory(limitMb: number): NodeJS.Timeout {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const limit = limitMb * 1024 * 1024;
  return setInterval(() => {
    if (v8.getHeapStatistics().used_heap_size < limit) return;
    gc();
    if (v8.getHeapStatistics().used_heap_size >= limit) process.exit(MEMORY_EXIT_CODE);
  }, 20);
}

async function main() {
  guardMemory(opts.memoryMb);
  const logger = pino({ level: opts.logLevel }, pino.destination(2));
  const opened = await openStore({
    url: opts.url,
    ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
    // SQLite: the claiming executor checkpoints the WAL, the other stores of the process never.
    checkpoints: opts.checkpoints ? "background" : "none",
  });
  const locked = opts.writeLock
    ? withWriteLock(opened, new WriteLock(opts.writeLock, opts.lockSlot))
    : opened;
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
  const pollCancels = cancels(opened.channels.cancel);
  // Its supervisor announces this thread's events to other processes, once posted.
  const engine = createEngine({ store, logger, announceEvents: false });
  postEvents(engine.bus);
  const hang = testHang();
  const pool = await engine.startWorkers({
    concurrency: opts.concurrency,
    logger,
    workerId: opts.workerId,
    claim: opts.claim,
    dateOrder: opts.dateOrder,
    onInline: (ids) => post({ type: "inline", ids: ids ? [...ids] : null }),
    pollCancels,
    ...(hang ? { afterSlice: hang } : {}),
    ...(opts.runLimits ? { runLimits: opts.runLimits } : {}),
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
    ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}),
    ...(opts.mail ? { mail: opts.mail } : {}),
  });
  const beat = setInterval(() => post({ type: "beat" }), opts.beatMs);
  port?.on("message", (m: ToExecutor) => {
    if (m.type === "notify") {
      deliver(m.channel, m.payload);
      return;
    }
    if (m.type === "adopt") {
      pool.adopt(m.runId, m.from).then(
        (ok) => post({ type: "adopted", runId: m.runId, ok }),
        (err: unknown) => {
          logger.error({ err, runId: m.runId }, "could not take over a run");
          post({ type: "adopted", runId: m.runId, ok: false });
        },
      );
      return;
    }
    if (m.type === "stop") {
      void (async () => {
        try {
          await pool.stop({ graceMs: m.graceMs });
          clearInterval(beat);
          await engine.close();
          await store.close();
        } finally {
          logger.flush();
          post({ type: "stopped" });
          opts.cancelPort.close();
          port?.close();
        }
      })();
    }
  });
  post({ type: "ready" });
}

main().catch((err: unknown) => {
  post({
    type: "failed",
    message: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
});
