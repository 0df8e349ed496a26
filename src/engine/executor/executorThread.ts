// One executor: a worker thread with its own event loop, database connection and worker pool,
// under V8 resource limits, so a run that exhausts memory ends this thread, never the
// process. It beats every beatMs; the supervisor (executors.ts) terminates it when the beats
// stop for watchdogMs (a statement holding its event loop) and treats that as a death.
import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import type { RunLimits } from "../../interpreter/limits.ts";
import type { RunEventNotice } from "../bus.ts";
import { startModuleWorker } from "../moduleWorker.ts";
import type { MailSettings } from "../worker/outbox.ts";
import type { DeathReason } from "./deaths.ts";

/** The thread's workerData. */

export interface ExecutorData {
  url: string;
  poolSize?: number | undefined;
  concurrency: number;
  logLevel: string;
  /** Fallback poll for Pending runs (ms). */
  pollMs?: number | undefined;
  leaseMs?: number | undefined;
  /** Its lease owner name: the supervisor finds its runs by it when it dies. */
  workerId: string;
  /** false: a quarantine, which executes only the runs handed to it with adopt. */
  claim: boolean;
  /** SQLite: this thread does the WAL checkpoints. */
  checkpoints: boolean;
  /** SQLite: the write lock shared by the process's threads, and this thread's slot in it. */
  writeLock?: SharedArrayBuffer | undefined;
  lockSlot: number;
  beatMs: number;
  /** The heap bound the thread enforces itself (see executorMain.ts). */
  memoryMb: number;
  /** Where `send an email` goes. */
  mail?: MailSettings | undefined;
  /** How numeric dates read when a process does not say (the server's --date-order). */
  dateOrder?: "day" | "month" | undefined;
  /** Bounds on each run's values, as the engine's inline workers apply them (WorkerOptions.runLimits). */
  runLimits?: Partial<RunLimits> | undefined;
  /**
   * Cancel requests that reach the run even inside one long statement: the supervisor posts
   * the run id on `cancelPort`, then adds 1 to `cancelFlag[0]`; the interpreter's look at the
   * cancel signal (between statements and inside long ones) reads the flag, and when it moved
   * takes the ids from the port synchronously (receiveMessageOnPort).
   */
  cancelFlag: SharedArrayBuffer;
  cancelPort: MessagePort;
}

/** What startExecutor fills in itself. */
export type ExecutorStart = Omit<ExecutorData, "cancelFlag" | "cancelPort">;

/** The exit code of an executor that passed its memory bound. */
export const MEMORY_EXIT_CODE = 87;

/** V8's own heap limit for an executor: a backstop well above the bound it enforces itself. */
export function hardLimitMb(memoryMb: number): number {
  return 2 * memoryMb + 64;
}

export interface ExecutorLimits {
  memoryMb: number;
  watchdogMs: number;
}

export type ToExecutor =
  | { type: "notify"; channel: string; payload: string }
  | { type: "adopt"; runId: string; from: string }
  | { type: "stop"; graceMs: number };
export type FromExecutor =
  | { type: "ready" }
  | { type: "beat" }
  | { type: "inline"; ids: string[] | null }
  | { type: "adopted"; runId: string; ok: boolean }
  | { type: "stopped" }
  | { type: "failed"; message: string }
  | { type: "events"; notices: RunEventNotice[] };

export interface ExecutorHandle {
  readonly workerId: string;
  readonly slot: number;
  /** Pending runs it is executing inline right now (suspects if it dies). */
  readonly inlineIds: readonly string[];
  /** Resolves when it dies (not when it is stopped), with the reason. */
  readonly died: Promise<DeathReason>;
  /** Sends a store notification to the thread. */
  notify(channel: string, payload: string): void;
  /** Cancels a run it executes, even in the middle of a statement (see ExecutorData.cancelFlag). */
  cancel(runId: string): void;
  /** Has it take over and execute one run held by `from`; rejects if it dies meanwhile. */
  adopt(runId: string, from: string): Promise<boolean>;
  /** Stops claiming, lets runs finish for graceMs, hands the rest back, ends the thread. */
  stop(graceMs: number): Promise<void>;
}

const MODULE = new URL("./executorMain.ts", import.meta.url);

export function startExecutor(
  start: ExecutorStart,
  limits: ExecutorLimits,
  /** The run events the executor committed (see executorMain.ts). */
  onEvents: (notices: RunEventNotice[]) => void = () => {},
): Promise<ExecutorHandle> {
  const cancels = new MessageChannel();
  const cancelFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancelFlag);
  const data: ExecutorData = { ...start, cancelFlag, cancelPort: cancels.port2 };
  const worker: Worker = startModuleWorker(MODULE, {
    workerData: data,
    transferList: [cancels.port2],
    resourceLimits: { maxOldGenerationSizeMb: hardLimitMb(limits.memoryMb) },
  });
  let stopping = false;
  let reason: DeathReason | undefined;
  let inlineIds: string[] = [];
  let lastBeat = Date.now();
  let onStopped: (() => void) | undefined;
  const adoptions = new Map<
    string,
    { resolve: (ok: boolean) => void; reject: (e: Error) => void }
  >();
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  let watchdog: NodeJS.Timeout | undefined;

  worker.on("error", (err: Error & { code?: string }) => {
    reason ??=
      err.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? { kind: "memory", limitMb: limits.memoryMb }
        : { kind: "crashed", message: err.message };
  });
  const died = exited.then((code) => {
    clearInterval(watchdog);
    cancels.port1.close();
    const why: DeathReason =
      code === MEMORY_EXIT_CODE
        ? { kind: "memory", limitMb: limits.memoryMb }
        : (reason ?? { kind: "crashed", message: `it exited with code ${code}` });
    for (const a of adoptions.values()) a.reject(new Error("the executor died"));
    adoptions.clear();
    onStopped?.();
    return why;
  });

  return new Promise<ExecutorHandle>((resolve, reject) => {
    const early = (code: number) =>
      reject(new Error(`the executor exited (${code}) before it was ready`));
    worker.once("exit", early);
    worker.on("message", (m: FromExecutor) => {
      switch (m.type) {
        case "beat":
          lastBeat = Date.now();
          return;
        case "inline":
          inlineIds = m.ids ?? [];
          return;
        case "adopted":
          adoptions.get(m.runId)?.resolve(m.ok);
          adoptions.delete(m.runId);
          return;
        case "stopped":
          onStopped?.();
          return;
        case "events":
          onEvents(m.notices);
          return;
        case "failed":
          stopping = true;
          reject(new Error(`the executor could not start: ${m.message}`));
          void worker.terminate();
          return;
        case "ready":
          break;
      }
      worker.off("exit", early);
      lastBeat = Date.now();
      watchdog = setInterval(
        () => {
          if (stopping || Date.now() - lastBeat <= limits.watchdogMs) return;
          reason ??= { kind: "unresponsive", afterMs: limits.watchdogMs };
          void worker.terminate();
        },
        Math.min(1000, limits.watchdogMs / 4),
      );
      watchdog.unref();
      resolve({
        workerId: data.workerId,
        slot: data.lockSlot,
        get inlineIds() {
          return inlineIds;
        },
        // A stopped executor's exit is no death: `died` then never resolves for the caller.
        died: died.then((r) => (stopping ? new Promise<DeathReason>(() => {}) : r)),
        notify(channel, payload) {
          worker.postMessage({ type: "notify", channel, payload } satisfies ToExecutor);
        },
        cancel(runId) {
          // The message first: the thread reads the port once it sees the flag move.
          cancels.port1.postMessage(runId);
          Atomics.add(flag, 0, 1);
        },
        adopt(runId, from) {
          return new Promise<boolean>((res, rej) => {
            adoptions.set(runId, { resolve: res, reject: rej });
            worker.postMessage({ type: "adopt", runId, from } satisfies ToExecutor);
          });
        },
        async stop(graceMs) {
          stopping = true;
          const done = new Promise<void>((r) => {
            onStopped = r;
          });
          worker.postMessage({ type: "stop", graceMs } satisfies ToExecutor);
          await Promise.race([done, exited]);
          await worker.terminate();
        },
      });
    });
  });
}
