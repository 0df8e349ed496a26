// A worker pool: claims runs with a lease, executes them slice by slice with the
// interpreter, renews its leases (which also carries cross-process cancel requests),
// checkpoints long runs, takes over runs whose worker died, and on stop hands its runs
// back. See docs in index.ts for the recovery choice.
import { type ExecState, notStarted, runSlice } from "../../interpreter/index.ts";
import type { RunLimits } from "../../interpreter/limits.ts";
import type { DateOrder, ErrorInfo, FileHost } from "../../interpreter/types.ts";
import {
  type ClaimedRun,
  claimByIds,
  claimExpired,
  finishPending,
  getRun,
  type NewEvent,
  numberEvents,
  renewLeases,
  type Store,
  selectPending,
  updateRun,
} from "../../store/index.ts";
import type { EngineBus } from "../bus.ts";
import type { CompileCache } from "../compileCache.ts";
import { type GroupCommit, PHASE_CLAIM, PHASE_WRITE } from "../groupCommit.ts";
import { newId } from "../ids.ts";
import { loadFileHost } from "./fileHost.ts";
import { deliverEmail, type Mailer, type MailSettings, relayMailer } from "./outbox.ts";
import {
  applyUpdate,
  type HeldRun,
  type Progress,
  progressOf,
  type SegmentEnd,
  type SegmentWrite,
  segmentWrite,
} from "./runWrites.ts";
import { heldRun, startingState } from "./startingState.ts";

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
  /** Bounds on each run's values (default DEFAULT_RUN_LIMITS in src/interpreter/limits.ts). */
  runLimits?: Partial<RunLimits>;
  /** Where `send an email` goes (`--smtp-relay-url`); without a relay such a run fails saying so. */
  mail?: MailSettings;
  /** Sends instead of a relay made from `mail.relayUrl` (tests). */
  mailer?: Mailer;
  /** How numeric dates read when a process does not say (SliceOptions.dateOrder). */
  dateOrder?: DateOrder | undefined;
  /** This pool's lease owner name (default a fresh uuid). */
  workerId?: string;
  /**
   * false: claim nothing from the queue; execute only the runs handed over with adopt()
   * (an executor's quarantine). Default true.
   */
  claim?: boolean;
  /**
   * Told the ids of Pending runs about to be executed inline in a claim's transaction, then
   * null once that execution ended: if the executor dies in between, they are the suspects.
   */
  onInline?: (ids: readonly string[] | null) => void;
  /**
   * Takes cancel requests that arrived while a statement holds this thread (an executor's
   * shared cancel flag); called each time the interpreter looks at a run's cancel signal.
   */
  pollCancels?: () => void;
  /** Called after each slice of a run (a test hook of executorMain.ts). */
  afterSlice?: (state: ExecState) => void;
  logger?: Logger;
}

export interface WorkerPoolHandle {
  readonly workerId: string;
  /** Runs executing now. */
  readonly active: number;
  /**
   * Takes over one Running run leased by `from` and executes it; resolves once its segment
   * is written, false when the run was no longer `from`'s.
   */
  adopt(runId: string, from: string): Promise<boolean>;
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

/** A run begun inline, to continue after its claim commits. */
interface Started {
  held: HeldRun;
  state: ExecState;
  progress: Progress;
}

interface Claimed {
  /** Runs to execute now (their claim committed). */
  launch: Array<{ row: ClaimedRun; started?: Started }>;
  /** The first claim's limit (0: no free slot by then). */
  limit: number;
  /** The last claim took as many runs as asked: there may be more. */
  full: boolean;
}

type FinishWrite = Extract<SegmentWrite, { kind: "finish" }>;
/** What one inline slice came to. */
type Inline =
  | { kind: "finish"; held: HeldRun; w: FinishWrite }
  | { kind: "update"; held: HeldRun; w: UpdateWrite }
  | { kind: "running"; started: Started };
type UpdateWrite = Extract<SegmentWrite, { kind: "update" }>;

/** Interpreter time for one run executed inline in its claim's transaction. */
const INLINE_SLICE_MS = 2;
/** Interpreter time for all the runs executed inline in one claim's transaction. */
const INLINE_BUDGET_MS = 10;
/** Claims in one transaction while every claimed run ends inline. */
const MAX_CLAIM_ROUNDS = 4;
/**
 * The hard end of an inline slice: a statement still executing then is abandoned with the
 * inline state, and the run executes from its start after the claim commits. So one long
 * statement never holds the claim's transaction (on SQLite, every writer of the process).
 */
const INLINE_STOP_MS = 10;

const silent: Logger = { warn() {}, error() {} };
const noFiles: FileHost = { read: () => undefined };
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
  private readonly claims: boolean;
  private readonly onInline: ((ids: readonly string[] | null) => void) | undefined;
  private readonly pollCancels: (() => void) | undefined;
  private readonly afterSlice: ((state: ExecState) => void) | undefined;
  private readonly log: Logger;
  private readonly runLimits: Partial<RunLimits> | undefined;
  private readonly mail: MailSettings | undefined;
  private readonly mailer: Mailer | undefined;
  private readonly dateOrder: DateOrder | undefined;
  private readonly running = new Map<string, Execution>();
  /** Cancels heard for runs not executing here (yet): the latest 1,000. */
  private readonly earlyCancels = new Set<string>();
  /** Finished runs whose write is queued but not yet taken into a transaction. */
  private unbatched = 0;
  /** Runs claimed by a transaction in flight, not launched yet. */
  private reserved = 0;
  private stopping = false;
  private mayHavePending = true;
  private nudgeFn: (() => void) | null = null;
  /** A nudge arrived while the claim loop was busy: look again before sleeping. */
  private nudged = false;
  private readonly cleanups: Array<() => void | Promise<void>> = [];
  private loopDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly bus: EngineBus,
    private readonly cache: CompileCache,
    private readonly group: GroupCommit,
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
    this.claims = opts.claim ?? true;
    this.onInline = opts.onInline;
    this.pollCancels = opts.pollCancels;
    this.afterSlice = opts.afterSlice;
    this.log = opts.logger ?? silent;
    this.runLimits = opts.runLimits;
    this.mail = opts.mail;
    this.mailer =
      opts.mailer ?? (opts.mail?.relayUrl ? relayMailer(opts.mail.relayUrl) : undefined);
    if (this.mailer && !opts.mailer) {
      const m = this.mailer;
      this.cleanups.push(() => m.close());
    }
    this.dateOrder = opts.dateOrder;
  }

  get active(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    const renew = setInterval(() => void this.renew(), this.renewMs);
    this.cleanups.push(() => clearInterval(renew));
    if (!this.claims) return;
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
    const recover = setInterval(() => void this.recover(), this.recoverMs);
    const poll = setInterval(() => this.wake(), this.pollMs);
    this.cleanups.push(() => {
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
    if (f) f();
    else this.nudged = true;
  }

  private cancelLocal(id: string): void {
    const e = this.running.get(id);
    if (e) {
      e.signal.aborted = true;
      return;
    }
    // Claimed but not launched yet: its first statement may hold this thread before the
    // lease renewal could tell it, so the launch looks here.
    this.earlyCancels.add(id);
    if (this.earlyCancels.size > 1000) {
      const [oldest] = this.earlyCancels;
      if (oldest !== undefined) this.earlyCancels.delete(oldest);
    }
  }

  /**
   * Slots a claim may fill: a finished run whose write is still queued keeps its slot until
   * that write is taken into a transaction, and a claim in the same transaction runs after
   * it. So this pool never holds more leases than its concurrency (on PostgreSQL, where a
   * few transactions commit concurrently, plus the finishes still committing elsewhere).
   */
  private capacity(): number {
    return this.concurrency - this.running.size - this.reserved - this.unbatched;
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopping) {
      if (this.mayHavePending && this.concurrency - this.running.size - this.reserved > 0) {
        let got: Claimed;
        try {
          got = await this.claim(false);
        } catch (err) {
          this.log.error({ err }, "claim failed");
          await new Promise((r) => setTimeout(r, this.pollMs));
          continue;
        }
        // A full claim may have left more behind: claim again at once. A short one means
        // the queue looked empty; a wake-up, a freed slot or the poll looks again.
        if (!got.full) this.mayHavePending = false;
        for (const l of got.launch) this.launch(l.row, false, l.started);
        if (got.limit > 0) continue;
      }
      if (this.stopping) break;
      if (this.nudged) {
        this.nudged = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.nudgeFn = resolve;
      });
    }
  }

  /**
   * Claims up to the free capacity in the next group commit (after its finishes). Fresh
   * runs of a compiled source without files are first executed right there, for one short
   * slice ("inline"): a run that ends in it is written Succeeded/Failed/… in the same
   * transaction as its claim, with the same events as always (Running, steps, log, end).
   * That is safe for the reason crash recovery is (index.ts): execution has no effect
   * outside the run's record, so a transaction that does not commit leaves the run Pending
   * as if nothing had happened. Other runs are launched after the commit as usual.
   */
  private async claim(expired: boolean): Promise<Claimed> {
    let mine = 0;
    try {
      const out = await this.group.submit(PHASE_CLAIM, async (trx, ctx) => {
        // Re-run alone after a failed batch: forget what the failed attempt reserved.
        this.reserved -= mine;
        mine = 0;
        const res: Claimed = { launch: [], limit: 0, full: false };
        const budgetEnd = performance.now() + INLINE_BUDGET_MS;
        for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
          const limit = this.stopping ? 0 : Math.max(0, this.capacity());
          if (round === 0) res.limit = limit;
          if (limit === 0) break;
          // Hold the slots while this claim is in flight (a recovery claim may run in a
          // concurrent transaction); the ones not used are given back below.
          this.reserved += limit;
          mine += limit;
          const launchedBefore = res.launch.length;
          const now = Date.now();
          const running = (attempt: number): NewEvent =>
            expired
              ? {
                  type: "status",
                  data: { status: "Running", worker: this.workerId, attempt, recovered: true },
                }
              : { type: "status", data: { status: "Running", worker: this.workerId, attempt } };
          const launch = (r: ClaimedRun, started?: Started) => {
            res.launch.push({ row: r, ...(started ? { started } : {}) });
          };
          const release = () => {
            const unused = limit - (res.launch.length - launchedBefore);
            this.reserved -= unused;
            mine -= unused;
          };
          if (expired) {
            const claimed = await claimExpired(this.store.dialect, trx, {
              owner: this.workerId,
              leaseMs: this.leaseMs,
              limit,
              now,
            });
            res.full = claimed.length === limit;
            for (const r of claimed) {
              ctx.events.push(...numberEvents(r.id, r.event_seq, [running(r.attempts)], now));
              launch(r);
            }
            release();
            break;
          }
          const { dialect } = this.store;
          const candidates = await selectPending(dialect, trx, limit);
          res.full = candidates.length === limit;
          const finished: Array<{ attempt: number; w: FinishWrite }> = [];
          const toClaim = new Map<string, Inline | undefined>();
          if (candidates.length > 0) this.onInline?.(candidates.map((c) => c.id));
          for (const c of candidates) {
            const ran = performance.now() < budgetEnd ? this.runInline(c, now) : undefined;
            if (ran?.kind === "finish") finished.push({ attempt: c.attempts + 1, w: ran.w });
            else toClaim.set(c.id, ran);
          }
          if (candidates.length > 0) this.onInline?.(null);
          if (finished.length > 0) {
            // Claimed and finished in one write: its events are Running, then the run's own.
            const seqs = await finishPending(
              dialect,
              trx,
              finished.map((f) => ({ ...f.w.row, eventCount: f.w.row.eventCount + 1 })),
              now,
            );
            finished.forEach((f, k) => {
              const last = seqs[k];
              if (last === undefined) return;
              ctx.events.push(
                ...numberEvents(f.w.row.id, last, [running(f.attempt), ...f.w.events], now),
              );
            });
          }
          if (toClaim.size > 0) {
            const claimed = await claimByIds(dialect, trx, [...toClaim.keys()], {
              owner: this.workerId,
              leaseMs: this.leaseMs,
              now,
            });
            for (const r of claimed) {
              ctx.events.push(...numberEvents(r.id, r.event_seq, [running(r.attempts)], now));
              const ran = toClaim.get(r.id);
              if (ran?.kind === "update") {
                // Asked a question inline: stored waiting, holding no worker.
                await applyUpdate(trx, ctx, ran.held, ran.w, now);
              } else {
                launch(r, ran?.kind === "running" ? ran.started : undefined);
              }
            }
          }
          release();
          // Claim again only while every run ended inline, the claim was full and time is left.
          if (!res.full || res.launch.length > 0 || performance.now() >= budgetEnd) break;
        }
        return res;
      });
      return out;
    } finally {
      this.reserved -= mine;
    }
  }

  /**
   * Executes a Pending run (as if claimed at `now`) for one short slice,
   * inside the claim's transaction.
   */
  private runInline(row: ClaimedRun, now: number): Inline | undefined {
    if (row.exec_state !== null || row.cancel_requested === 1 || row.file_ids !== "[]") return;
    try {
      return this.sliceInline(row, now);
    } catch {
      // Not here: the usual path executes it again and reports the error on the run.
      return undefined;
    }
  }

  private sliceInline(row: ClaimedRun, now: number): Inline | undefined {
    const compiled = this.cache.peek(row.source_hash);
    if (!compiled || compiled.errors.length > 0) return;
    const held = heldRun(row, this.workerId, now);
    const program = compiled.program;
    const state = startingState(row, program);
    const progress = progressOf(state);
    const status = runSlice(program, state, {
      files: noFiles,
      deadline: now + Math.max(0, row.time_limit_ms - row.time_used_ms),
      signal: { aborted: false },
      sliceMs: INLINE_SLICE_MS,
      stopBy: Date.now() + INLINE_STOP_MS,
      ...(this.runLimits ? { limits: this.runLimits } : {}),
      dateOrder: this.dateOrder,
    });
    if (status === "Running" || status === "Sending")
      return { kind: "running", started: { held, state, progress } };
    const end: SegmentEnd =
      status === "AwaitingAnswer" ? { kind: "waiting" } : { kind: "final", status };
    const w = segmentWrite(held, state, progress, end, Date.now());
    return w.kind === "finish" ? { kind: "finish", held, w } : { kind: "update", held, w };
  }

  /**
   * Takes over one Running run leased by `from` (an executor that died, see
   * ../executor/executors.ts) and executes it; resolves once its segment is written.
   * False when the run was no longer `from`'s.
   */
  async adopt(runId: string, from: string): Promise<boolean> {
    const now = Date.now();
    const row = await this.group.submit(PHASE_WRITE, async (trx, ctx) => {
      const last = await updateRun(
        trx,
        runId,
        { statuses: ["Running"], owner: from },
        {
          lease_owner: this.workerId,
          lease_expires_at: now + this.leaseMs,
          heartbeat_at: now,
          running_since: now,
          updated_at: now,
        },
        1,
      );
      if (last === undefined) return undefined;
      const run = await getRun(trx, runId);
      if (!run) return undefined;
      const data = {
        status: "Running",
        worker: this.workerId,
        attempt: run.attempts,
        recovered: true,
      };
      ctx.events.push(...numberEvents(runId, last, [{ type: "status", data }], now));
      return run;
    });
    if (!row) return false;
    this.launch(row, false);
    await this.running.get(runId)?.done;
    await this.group.drain();
    return true;
  }

  /** Takes over runs whose worker stopped renewing its lease. */
  private async recover(): Promise<void> {
    if (this.stopping) return;
    if (this.capacity() <= 0) return;
    try {
      const { launch } = await this.claim(true);
      for (const { row } of launch) {
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

  private launch(row: ClaimedRun, recovered: boolean, started?: Started): void {
    const held = started?.held ?? heldRun(row, this.workerId, Date.now());
    const e: Execution = {
      held,
      signal: { aborted: this.earlyCancels.delete(row.id) || row.cancel_requested === 1 },
      lost: false,
      handBack: false,
      done: Promise.resolve(),
    };
    this.running.set(row.id, e);
    e.done = this.execute(row, e, recovered, started)
      .catch((err) => this.log.error({ err, runId: row.id }, "execution failed"))
      .finally(() => {
        if (this.running.get(row.id) === e) this.running.delete(row.id);
        this.nudge();
      });
  }

  private async execute(
    row: ClaimedRun,
    e: Execution,
    recovered: boolean,
    started?: Started,
  ): Promise<void> {
    // Every path ends in finish() (or returns early when the lease was lost).
    let state: ExecState | undefined;
    let progress: Progress = { logged: 0, lastStep: 0 };
    const fail = (message: string) =>
      this.finish(
        e,
        state ?? notStarted(),
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
      const compiled = this.cache.peek(row.source_hash) ?? (await this.cache.get(row.source_hash));
      if (compiled.errors.length > 0) {
        return fail(`The process source does not compile: ${compiled.errors[0]?.message}`);
      }
      const program = compiled.program;
      if (started) {
        // Begun inline in the claim's transaction: continue from there.
        state = started.state;
        progress = started.progress;
      } else {
        state = startingState(row, program);
        progress = progressOf(state);
      }
      const fileIds = row.file_ids === "[]" ? [] : (JSON.parse(row.file_ids) as string[]);
      const files: FileHost =
        fileIds.length === 0 ? noFiles : await loadFileHost(this.store, fileIds);
      const deadline = e.held.segmentStart + Math.max(0, row.time_limit_ms - row.time_used_ms);
      const poll = this.pollCancels;
      const signal = poll
        ? {
            get aborted() {
              if (!e.signal.aborted) poll();
              return e.signal.aborted;
            },
          }
        : e.signal;
      let lastCheckpoint = Date.now();
      for (;;) {
        const status = runSlice(program, state, {
          files,
          deadline,
          signal,
          sliceMs: this.sliceMs,
          ...(this.runLimits ? { limits: this.runLimits } : {}),
          dateOrder: this.dateOrder,
        });
        this.afterSlice?.(state);
        if (e.lost) return;
        if (status === "AwaitingAnswer")
          return this.finish(e, state, progress, { kind: "waiting" });
        if (status === "Sending") {
          const ctx = {
            store: this.store,
            group: this.group,
            bus: this.bus,
            settings: this.mail,
            mailer: this.mailer,
          };
          if (!(await deliverEmail(ctx, e.held, state, progress, files))) {
            e.lost = true;
            return;
          }
          progress = progressOf(state);
          lastCheckpoint = Date.now();
          continue;
        }
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
    // The slot frees once this write is taken into a transaction; the claim queued now
    // joins that transaction, after it. A freed slot is also a reason to look for runs.
    this.mayHavePending = true;
    this.unbatched += 1;
    let counted = true;
    const taken = () => {
      if (counted) this.unbatched -= 1;
      counted = false;
    };
    this.nudge();
    void this.write(e, state, progress, end, error, taken)
      .finally(taken)
      .catch((err) => this.log.error({ err, runId: e.held.id }, "could not write a run's end"));
  }

  /** Queues a guarded write; false when the lease turned out to be lost or the run ended. */
  private async write(
    e: Execution,
    state: ExecState,
    progress: Progress,
    end: SegmentEnd,
    error?: ErrorInfo,
    taken?: () => void,
  ): Promise<boolean> {
    const held = e.held;
    const now = Date.now();
    const w = segmentWrite(held, state, progress, end, now, error);
    const seq =
      w.kind === "finish"
        ? await this.group.finish(w.row, w.events, now, taken)
        : await this.group.submit(
            PHASE_WRITE,
            (trx, ctx) => applyUpdate(trx, ctx, held, w, now),
            taken,
          );
    if (seq === undefined) {
      e.lost = true;
      return false;
    }
    // A checkpoint whose state could not be stored ended the run (segmentWrite): stop here.
    return w.kind === "update" || end.kind === "final";
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
    await this.group.drain();
    for (const c of this.cleanups.splice(0)) await c();
  }
}
