// Checking source off the caller's thread: a parse of a large source takes up to a second,
// which on the API's event loop would hold every other request (/health included). Small
// sources (most processes) are checked inline; larger ones go to a few worker threads,
// started on first use, with a bounded queue and a time bound per source.
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { type Compiled, compileSource, type Diagnostic } from "./compileCache.ts";
import { EngineError } from "./errors.ts";
import { startModuleWorker } from "./moduleWorker.ts";

/** What a check tells: the program itself stays in the thread that parsed it. */
export interface CompileSummary {
  hash: string;
  inputs: string[];
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
}

export interface CompileWorkerOptions {
  /** Threads for large sources (default: the cores but one, 1 to 2). 0: check everything inline. */
  threads?: number;
  /** Sources up to this many characters are checked inline (default 4096: ~20 ms at most). */
  inlineMax?: number;
  /** Sources waiting for a thread beyond the busy ones; more are refused (default 32). */
  maxQueue?: number;
  /** Longest check of one source (default 20 s); the thread is replaced after it. */
  timeoutMs?: number;
}

interface Job {
  source: string;
  resolve: (s: CompileSummary) => void;
  reject: (err: unknown) => void;
}

export type CompileRequest = { id: number; source: string };
export type CompileAnswer = { id: number; summary: CompileSummary } | { id: number; error: string };

const summarize = (source: string): CompileSummary => {
  const { hash, inputs, diagnostics, errors } = compileSource(source);
  return { hash, inputs, diagnostics, errors };
};

/** A worker thread that runs this module's sibling compileThread. */
function compileThread(): Worker {
  return startModuleWorker(new URL("./compileThread.ts", import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
}

class Slot {
  worker: Worker | undefined;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class CompileWorkers {
  private readonly threads: number;
  private readonly inlineMax: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: CompileWorkerOptions = {}) {
    // One core stays free for the event loop the checks must not slow.
    this.threads = opts.threads ?? Math.max(1, Math.min(2, availableParallelism() - 1));
    this.inlineMax = opts.inlineMax ?? 4096;
    this.maxQueue = opts.maxQueue ?? 32;
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    for (let i = 0; i < this.threads; i++) this.slots.push(new Slot());
  }

  /**
   * Diagnostics, input names and hash of the source; never blocks the caller for long.
   * Checked inline, the answer is the whole Compiled (program included) for the cache.
   */
  compile(source: string): Promise<CompileSummary | Compiled> {
    if (this.threads === 0 || source.length <= this.inlineMax || this.closed) {
      return Promise.resolve(compileSource(source));
    }
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(
        new EngineError(
          "busy",
          `The server is checking ${this.maxQueue + this.threads} large sources already: try again in a moment.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ source, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift() as Job;
      this.run(slot, job);
    }
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    const worker = slot.worker ?? this.startWorker(slot);
    const id = this.nextId++;
    const done = (answer: CompileAnswer) => {
      if (answer.id !== id) return;
      worker.off("message", done);
      this.finish(slot);
      if ("summary" in answer) job.resolve(answer.summary);
      else job.reject(new EngineError("invalid", `The source could not be read: ${answer.error}`));
    };
    worker.on("message", done);
    worker.ref();
    slot.timer = setTimeout(() => {
      worker.off("message", done);
      this.replace(slot, worker);
      job.reject(
        new EngineError(
          "too_large",
          `Checking the source took longer than ${this.timeoutMs / 1000} s: make it shorter.`,
        ),
      );
    }, this.timeoutMs);
    worker.postMessage({ id, source: job.source } satisfies CompileRequest);
  }

  private startWorker(slot: Slot): Worker {
    const worker = compileThread();
    slot.worker = worker;
    const lost = (why: string) => {
      if (slot.worker !== worker) return;
      const job = slot.job;
      this.replace(slot, worker);
      job?.reject(new EngineError("too_large", `The source is too large to check (${why}).`));
    };
    worker.on("error", (err) => lost(err.message));
    worker.on("exit", (code) => lost(`the checker stopped with code ${code}`));
    return worker;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    // An idle thread does not keep the process alive.
    slot.worker?.unref();
    this.pump();
  }

  /** Drops a thread that died or overran; the next job starts a fresh one. */
  private replace(slot: Slot, worker: Worker): void {
    if (slot.worker === worker) slot.worker = undefined;
    void worker.terminate();
    this.finish(slot);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(summarize(job.source));
    await Promise.all(
      this.slots.map(async (slot) => {
        const w = slot.worker;
        const job = slot.job;
        slot.worker = undefined;
        if (slot.timer) clearTimeout(slot.timer);
        job?.reject(new EngineError("busy", "The server is shutting down."));
        if (w) await w.terminate();
      }),
    );
  }
}
