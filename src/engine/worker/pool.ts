// A worker pool: claims runs with a lease, executes them slice by slice with the
// interpreter, renews its leases (which also carries cross-process cancel requests),
// checkpoints long runs, takes over runs whose worker died, and on stop hands its runs
// back. See docs in index.ts for the recovery choice.
import { type ExecState, runSlice, start } from "../../interpreter/index.ts";
import type { ErrorInfo, FileHost, Value } from "../../interpreter/types.ts";
import {
  claimRuns,
  insertEvents,
  numberEvents,
  type RunRow,
  renewLeases,
  type Store,
} from "../../store/index.ts";
import type { EngineBus } from "../bus.ts";
import type { CompileCache } from "../compileCache.ts";
import { newId } from "../ids.ts";
import { BatchWriter } from "./batchWriter.ts";
import { loadFileHost } from "./fileHost.ts";
import {
  type HeldRun,
  type Progress,
  progressOf,
  type SegmentEnd,
  writeSegment,
} from "./runWrites.ts";

export interface Logger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerOptions {
  /** Runs executed at once (default 4). */
  concurrency?: number;
  /** How long a claim holds a run without renewal (default 30 s); a dead worker's runs are taken over after it. */
  leaseMs?: number;
  /** Heartbeat: lease renewal and the cross-process cancel check (default min(200 ms, leaseMs / 3)). */
  renewMs?: number;
  /** Fallback poll for Pending runs when no wake-up arrives (default 1000 ms). */
  pollMs?: number;
  /** How often expired leases are looked for (default leaseMs / 2, at least 100 ms). */
  recoverMs?: number;
  /** How often a long run's state, log and steps are saved (default 1000 ms). */
  checkpointMs?: number;
  /** Interpreter time slice between yields to the event loop (default 20 ms). */
  sliceMs?: number;
  /** A run taken over more than this many times ends Failed instead (default 2). */
  maxRecoveries?: number;
  /** This pool's lease owner name (default a fresh uuid). */
  workerId?: string;
  logger?: Logger;
}

export interface WorkerPoolHandle {
  readonly workerId: string;
  /** Runs executing now. */
  readonly active: number;
  /**
   * Stops claiming, lets running runs finish for up to graceMs (default 5000), then hands
   * the rest back to the queue with their state, and resolves when all is written.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

interface Execution {
  held: HeldRun;
  signal: { aborted: boolean };
  lost: boolean;
  handBack: boolean;
  done: Promise<void>;
}

const silent: Logger = { warn() {}, error() {} };
const tick = () => new Promise<void>((r) => setImmediate(r));

export class WorkerPool implements WorkerPoolHandle {
  readonly workerId: string;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly pollMs: number;
  private readonly recoverMs: number;
  private readonly checkpointMs: number;
  private readonly sliceMs: number;
  private readonly maxRecoveries: number;
  private readonly log: Logger;
  private readonly writer: BatchWriter;
  private readonly running = new Map<string, Execution>();
  private stopping = false;
  private mayHavePending = true;
  private nudgeFn: (() => void) | null = null;
  private readonly cleanups: Array<() => void | Promise<void>> = [];
  private loopDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly bus: EngineBus,
    private readonly cache: CompileCache,
    opts: WorkerOptions = {},
  ) {
    this.workerId = opts.workerId ?? `worker-${newId()}`;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.renewMs = opts.renewMs ?? Math.max(20, Math.min(200, Math.floor(this.leaseMs / 3)));
    this.pollMs = opts.pollMs ?? 1000;
    this.recoverMs = opts.recoverMs ?? Math.max(100, Math.floor(this.leaseMs / 2));
    this.checkpointMs = opts.checkpointMs ?? 1000;
    this.sliceMs = opts.sliceMs ?? 20;
    this.maxRecoveries = opts.maxRecoveries ?? 2;
    this.log = opts.logger ?? silent;
    this.writer = new BatchWriter(store, 500, () => this.nudge());
  }

  get active(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    this.cleanups.push(
      this.bus.onWake(() => this.wake()),
      this.bus.onCancel((id) => this.cancelLocal(id)),
    );
    const { wake, cancel } = this.store.channels;
    try {
      this.cleanups.push(await this.store.dialect.listen(wake, () => this.wake()));
      this.cleanups.push(await this.store.dialect.listen(cancel, (id) => this.cancelLocal(id)));
    } catch (err) {
      this.log.warn({ err }, "LISTEN failed; relying on polling");
    }
    const renew = setInterval(() => void this.renew(), this.renewMs);
    const recover = setInterval(() => void this.recover(), this.recoverMs);
    const poll = setInterval(() => this.wake(), this.pollMs);
    this.cleanups.push(() => {
      clearInterval(renew);
      clearInterval(recover);
      clearInterval(poll);
    });
    this.loopDone = this.claimLoop();
    void this.recover();
  }

  private wake(): void {
    this.mayHavePending = true;
    this.nudge();
  }

  private nudge(): void {
    const f = this.nudgeFn;
    this.nudgeFn = null;
    f?.();
  }

  private cancelLocal(id: string): void {
    const e = this.running.get(id);
    if (e) e.signal.aborted = true;
  }

  /** Free slots, less a margin while finished runs still wait for their commit. */
  private capacity(): number {
    const backlog = Math.max(0, this.writer.size - this.concurrency * 4);
    return this.concurrency - this.running.size - backlog;
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopping) {
      const free = this.capacity();
      if (free > 0 && this.mayHavePending) {
        let rows: RunRow[] = [];
        try {
          rows = await this.claim(free, false);
        } catch (err) {
          this.log.error({ err }, "claim failed");
          await new Promise((r) => setTimeout(r, this.pollMs));
          continue;
        }
        if (rows.length < free) this.mayHavePending = false;
        for (const row of rows) this.launch(row, false);
        if (rows.length > 0) continue;
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        this.nudgeFn = resolve;
      });
    }
  }

  private async claim(limit: number, expired: boolean): Promise<RunRow[]> {
    const now = Date.now();
    const rows = await this.store.dialect.writeTransaction(async (trx) => {
      const claimed = await claimRuns(this.store.dialect, trx, {
        owner: this.workerId,
        leaseMs: this.leaseMs,
        limit,
        now,
        expired,
      });
      const events = claimed.flatMap((r) =>
        numberEvents(
          r.id,
          r.event_seq,
          [
            {
              type: "status",
              data: expired
                ? { status: "Running", worker: this.workerId, attempt: r.attempts, recovered: true }
                : { status: "Running", worker: this.workerId, attempt: r.attempts },
            },
          ],
          now,
        ),
      );
      await insertEvents(trx, events);
      return claimed;
    });
    for (const r of rows) this.bus.runEvents({ runId: r.id, seq: r.event_seq });
    return rows;
  }

  /** Takes over runs whose worker stopped renewing its lease. */
  private async recover(): Promise<void> {
    if (this.stopping) return;
    const free = this.capacity();
    if (free <= 0) return;
    try {
      const rows = await this.claim(free, true);
      for (const row of rows) {
        this.log.warn(
          { runId: row.id, recoveries: row.recoveries },
          "took over a run whose lease expired",
        );
        this.launch(row, true);
      }
    } catch (err) {
      this.log.error({ err }, "recovery claim failed");
    }
  }

  private async renew(): Promise<void> {
    if (this.running.size === 0) return;
    const ids = [...this.running.keys()];
    try {
      const renewed = await renewLeases(this.store.db, {
        owner: this.workerId,
        ids,
        leaseMs: this.leaseMs,
        now: Date.now(),
      });
      const mine = new Map(renewed.map((r) => [r.id, r.cancel_requested]));
      for (const id of ids) {
        const e = this.running.get(id);
        if (!e) continue;
        const cancel = mine.get(id);
        if (cancel === undefined) {
          // Taken over (our lease had expired) or ended elsewhere: stop and write nothing.
          e.lost = true;
          e.signal.aborted = true;
        } else if (cancel === 1) {
          e.signal.aborted = true;
        }
      }
    } catch (err) {
      this.log.error({ err }, "lease renewal failed");
    }
  }

  private launch(row: RunRow, recovered: boolean): void {
    const held: HeldRun = {
      id: row.id,
      owner: this.workerId,
      timeUsedBefore: row.time_used_ms,
      segmentStart: Date.now(),
      inputsJson: row.inputs,
    };
    const e: Execution = {
      held,
      signal: { aborted: row.cancel_requested === 1 },
      lost: false,
      handBack: false,
      done: Promise.resolve(),
    };
    this.running.set(row.id, e);
    e.done = this.execute(row, e, recovered)
      .catch((err) => this.log.error({ err, runId: row.id }, "execution failed"))
      .finally(() => {
        if (this.running.get(row.id) === e) this.running.delete(row.id);
        this.nudge();
      });
  }

  private async execute(row: RunRow, e: Execution, recovered: boolean): Promise<void> {
    // Every path ends in finish() (or returns early when the lease was lost).
    let state: ExecState | undefined;
    let progress: Progress = { logged: 0, lastStep: 0 };
    const fail = (message: string) =>
      this.finish(
        e,
        state ?? emptyState(),
        progress,
        { kind: "final", status: "Failed" },
        {
          line: null,
          message,
        },
      );
    try {
      if (recovered && row.recoveries > this.maxRecoveries) {
        state = row.exec_state ? (JSON.parse(row.exec_state) as ExecState) : undefined;
        if (state) progress = progressOf(state);
        return fail(
          `The run was stopped: the worker executing it stopped responding ${row.recoveries} times (it may be too heavy to run).`,
        );
      }
      const compiled = await this.cache.get(row.source_hash);
      if (compiled.errors.length > 0) {
        return fail(`The process source does not compile: ${compiled.errors[0]?.message}`);
      }
      const program = compiled.program;
      state = row.exec_state
        ? (JSON.parse(row.exec_state) as ExecState)
        : start(program, JSON.parse(row.input_values) as Record<string, Value>);
      progress = progressOf(state);
      const files: FileHost = await loadFileHost(this.store, JSON.parse(row.file_ids) as string[]);
      const deadline = e.held.segmentStart + Math.max(0, row.time_limit_ms - row.time_used_ms);
      let lastCheckpoint = Date.now();
      for (;;) {
        const status = runSlice(program, state, {
          files,
          deadline,
          signal: e.signal,
          sliceMs: this.sliceMs,
        });
        if (e.lost) return;
        if (status === "AwaitingAnswer")
          return this.finish(e, state, progress, { kind: "waiting" });
        if (status !== "Running") return this.finish(e, state, progress, { kind: "final", status });
        if (e.handBack) {
          return this.finish(e, state, progress, {
            kind: "handback",
            reason: "its worker stopped",
          });
        }
        if (Date.now() - lastCheckpoint >= this.checkpointMs) {
          const ok = await this.write(e, state, progress, { kind: "checkpoint" });
          if (!ok) return;
          progress = progressOf(state);
          lastCheckpoint = Date.now();
        }
        await tick();
      }
    } catch (err) {
      if (e.lost) return;
      this.log.error({ err, runId: row.id }, "internal error while executing a run");
      return fail(
        `Internal error while running: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /**
   * Ends this segment of the run: frees the slot at once and lets the write commit with
   * others (group commit); the lease is still held until it does, so nothing can race it.
   */
  private finish(
    e: Execution,
    state: ExecState,
    progress: Progress,
    end: SegmentEnd,
    error?: ErrorInfo,
  ): void {
    this.running.delete(e.held.id);
    this.nudge();
    void this.write(e, state, progress, end, error).catch((err) =>
      this.log.error({ err, runId: e.held.id }, "could not write a run's end"),
    );
  }

  /** Queues a guarded write; false when the lease turned out to be lost. */
  private async write(
    e: Execution,
    state: ExecState,
    progress: Progress,
    end: SegmentEnd,
    error?: ErrorInfo,
  ): Promise<boolean> {
    const held = e.held;
    const seq = await this.writer.write((trx, ctx) =>
      writeSegment(trx, ctx, held, state, progress, end, Date.now(), error),
    );
    if (seq === undefined) {
      e.lost = true;
      return false;
    }
    this.bus.runEvents({ runId: held.id, seq });
    return true;
  }

  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.nudge();
    await this.loopDone;
    const all = Promise.all([...this.running.values()].map((e) => e.done));
    const grace = opts.graceMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, grace)))]);
    clearTimeout(timer);
    for (const e of this.running.values()) e.handBack = true;
    await all;
    await this.writer.drain();
    for (const c of this.cleanups.splice(0)) await c();
  }
}

/** The state of a run that never started (for failing it before execution). */
function emptyState(): ExecState {
  return {
    version: 1,
    status: "Failed",
    top: { facts: {}, aliases: {} },
    frames: [],
    above: null,
    hasAbove: false,
    log: [],
    logDropped: 0,
    set: {},
    loopNames: {},
    inputs: {},
    question: null,
    answered: null,
    error: null,
    timeline: { entries: [], omitted: 0, byLine: {} },
    steps: 0,
    depth: 0,
  } as ExecState;
}
