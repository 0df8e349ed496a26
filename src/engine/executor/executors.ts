// The supervisor of this process's executors (see executorThread.ts): keeps one executor
// claiming and executing runs, replaces it when it dies, and deals with what it was executing
// (deaths.ts): a suspect that was alone is failed with the reason at once; several are
// executed again one at a time in a quarantine executor, so the run that kills it dies
// alone and only that run fails. The process and its API thread never die from a run.
import { getRun, numberEvents, renewLeases, type Store, updateRun } from "../../store/index.ts";
import type { EngineBus } from "../bus.ts";
import { type GroupCommit, PHASE_WRITE } from "../groupCommit.ts";
import { newId } from "../ids.ts";
import type { Logger } from "../worker/pool.ts";
import { type DeathReason, deathSentence, failHeld, seizeRuns } from "./deaths.ts";
import {
  type ExecutorData,
  type ExecutorHandle,
  type ExecutorLimits,
  startExecutor,
} from "./executorThread.ts";
import { WRITE_LOCK_SLOTS, WriteLock } from "./writeLock.ts";

/**
 * What every executor is started with (see ExecutorData): the store URL (each executor has
 * its own connection), its concurrency, and on SQLite the write lock this process's threads
 * share (slot 0 is the caller's); the bounds on each run's values (as an inline pool's
 * runLimits); plus the memory bound and the watchdog.
 */
export interface ExecutorsOptions
  extends ExecutorLimits,
    Pick<
      ExecutorData,
      | "url"
      | "poolSize"
      | "concurrency"
      | "logLevel"
      | "pollMs"
      | "leaseMs"
      | "writeLock"
      | "mail"
      | "dateOrder"
      | "runLimits"
    > {}

export interface ExecutorsHandle {
  /** The claiming executor's lease owner name (changes when it is replaced). */
  readonly workerId: string;
  /** Sends a store notification (new runs, cancels) to every executor. */
  notify(channel: string, payload: string): void;
  /** Stops the executors (runs finish for graceMs, the rest are handed back). */
  stop(graceMs: number): Promise<void>;
}

interface Context {
  store: Store;
  group: GroupCommit;
  bus: EngineBus;
  logger: Logger;
}

/** An executor's heap bound unless configured (the sentence of a run it stops names it). */
export const DEFAULT_EXECUTOR_MEMORY_MB = 512;
/** How long an executor's event loop may stay silent before it is terminated. */
export const DEFAULT_WATCHDOG_MS = 10_000;
const BEAT_MS = 250;
const DEFAULT_LEASE_MS = 30_000;
/** Quarantine executors that may die before taking a run over, before that run is failed. */
const MAX_QUARANTINE_STARTS = 3;

export async function startExecutors(
  ctx: Context,
  opts: ExecutorsOptions,
): Promise<ExecutorsHandle> {
  const ex = new Executors(ctx, opts);
  await ex.start();
  return ex;
}

class Executors implements ExecutorsHandle {
  private main: ExecutorHandle | undefined;
  private quarantine: ExecutorHandle | undefined;
  /** Seized suspects waiting for the quarantine, leased by `seizer`. */
  private readonly queue: string[] = [];
  private draining: Promise<void> | undefined;
  private stopping = false;
  private readonly seizer = `quarantine-${newId()}`;
  private readonly freeSlots: number[] = [];
  private readonly lock: WriteLock | undefined;
  private readonly leaseMs: number;
  private renewTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly opts: ExecutorsOptions,
  ) {
    for (let s = 1; s < WRITE_LOCK_SLOTS; s++) this.freeSlots.push(s);
    this.lock = opts.writeLock ? new WriteLock(opts.writeLock) : undefined;
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  }

  get workerId(): string {
    return this.main?.workerId ?? "";
  }

  async start(): Promise<void> {
    this.main = await this.spawn(true);
    this.watchMain(this.main);
    // Cancels made through another server (PostgreSQL's NOTIFY) reach a run in the middle of
    // a statement too: this thread hears them while the executor's event loop may be held.
    const { cancel } = this.ctx.store.channels;
    this.unlisten = await this.ctx.store.dialect
      .listen(cancel, (id) => this.cancel(id))
      .catch((err: unknown) => {
        this.ctx.logger.warn({ err }, "LISTEN for cancels failed; executors poll for them");
        return undefined;
      });
  }

  notify(channel: string, payload: string): void {
    if (channel === this.ctx.store.channels.cancel) {
      this.cancel(payload);
      return;
    }
    this.main?.notify(channel, payload);
    this.quarantine?.notify(channel, payload);
  }

  private cancel(runId: string): void {
    this.main?.cancel(runId);
    this.quarantine?.cancel(runId);
  }

  private async spawn(claim: boolean): Promise<ExecutorHandle> {
    const slot = this.freeSlots.shift();
    if (slot === undefined) throw new Error("no write-lock slot left for an executor");
    const o = this.opts;
    try {
      return await startExecutor(
        {
          url: o.url,
          poolSize: o.poolSize,
          concurrency: claim ? o.concurrency : 1,
          logLevel: o.logLevel,
          pollMs: o.pollMs,
          leaseMs: this.leaseMs,
          workerId: `${claim ? "executor" : "quarantine"}-${newId()}`,
          claim,
          checkpoints: claim,
          writeLock: o.writeLock,
          lockSlot: slot,
          beatMs: BEAT_MS,
          memoryMb: o.memoryMb,
          mail: o.mail,
          dateOrder: o.dateOrder,
          runLimits: o.runLimits,
        },
        { memoryMb: o.memoryMb, watchdogMs: o.watchdogMs },
        (notices) => {
          for (const n of notices) this.ctx.bus.runEvents(n);
        },
      );
    } catch (err) {
      await this.lock?.abandon(slot);
      this.freeSlots.push(slot);
      throw err;
    }
  }

  private watchMain(h: ExecutorHandle): void {
    const started = Date.now();
    void h.died.then(async (reason) => {
      if (this.main === h) this.main = undefined;
      await this.afterDeath(h, reason).catch((err) =>
        this.ctx.logger.error({ err }, "could not deal with a dead executor's runs"),
      );
      // An executor that keeps dying at once (say, the database is gone) is restarted
      // later and later, up to every 30 s.
      this.restarts = Date.now() - started < 5000 ? this.restarts + 1 : 0;
      this.restartMain(this.restarts === 0 ? 0 : Math.min(30_000, 500 * 2 ** this.restarts));
    });
  }

  private restartMain(delayMs: number): void {
    if (this.stopping) return;
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.spawn(true).then(
        (h) => {
          if (this.stopping) return void h.stop(0);
          this.main = h;
          this.watchMain(h);
        },
        (err) => {
          this.ctx.logger.error({ err }, "could not start an executor; trying again");
          this.restarts += 1;
          this.restartMain(Math.min(30_000, 500 * 2 ** this.restarts));
        },
      );
    }, delayMs);
  }

  /**
   * Frees the dead executor's write-lock ticket, seizes its runs, fails a run that was alone
   * and queues several for the quarantine. Returns how many runs it held.
   */
  private async afterDeath(h: ExecutorHandle, reason: DeathReason): Promise<number> {
    await this.lock?.abandon(h.slot);
    this.freeSlots.push(h.slot);
    const seized = await seizeRuns(this.ctx.group, {
      dead: h.workerId,
      inlineIds: h.inlineIds,
      seizer: this.seizer,
      leaseMs: this.leaseMs,
    });
    this.ctx.logger.error(
      { executor: h.workerId, reason, runs: seized.map((r) => r.id) },
      seized.length > 1
        ? "an executor died; its runs are executed again one at a time"
        : "an executor died",
    );
    const [only] = seized;
    if (seized.length === 1 && only) {
      await this.fail(only.id, deathSentence(reason));
    } else if (seized.length > 1) {
      this.queue.push(...seized.map((r) => r.id));
      this.startRenewing();
      this.draining ??= this.drainQuarantine().finally(() => {
        this.draining = undefined;
      });
    }
    return seized.length;
  }

  /** Ends a seized run Failed; the group commit tells the bus, as for every write. */
  private async fail(runId: string, message: string): Promise<void> {
    const row = await getRun(this.ctx.store.db, runId);
    if (row) await failHeld(this.ctx.group, row, this.seizer, message);
  }

  /** Executes the queued suspects one at a time, each alone in the quarantine executor. */
  private async drainQuarantine(): Promise<void> {
    let starts = 0;
    while (this.queue.length > 0 && !this.stopping) {
      const runId = this.queue[0] as string;
      let q = this.quarantine;
      if (!q) {
        try {
          q = await this.spawn(false);
        } catch (err) {
          this.ctx.logger.error({ err }, "could not start the quarantine executor");
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        this.quarantine = q;
      }
      const h = q;
      const died = await h.adopt(runId, this.seizer).then(
        () => undefined,
        () => (this.stopping ? undefined : h.died),
      );
      if (died) {
        this.quarantine = undefined;
        const held = await this.afterDeath(h, died);
        if (held === 0 && ++starts >= MAX_QUARANTINE_STARTS) {
          // The quarantine dies before it can take this run over: give up on it.
          await this.fail(runId, deathSentence(died));
        } else if (held === 0) {
          continue;
        }
      }
      starts = 0;
      this.queue.shift();
    }
    if (this.queue.length === 0) this.stopRenewing();
    const q = this.quarantine;
    this.quarantine = undefined;
    await q?.stop(0);
  }

  private startRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(
      () => {
        const ids = [...this.queue];
        void this.ctx.group
          .submit(PHASE_WRITE, (trx) =>
            renewLeases(trx, {
              owner: this.seizer,
              ids,
              leaseMs: this.leaseMs,
              now: Date.now(),
            }),
          )
          .catch((err) => this.ctx.logger.error({ err }, "renewing seized runs failed"));
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.unlisten?.().catch(() => {});
    await Promise.all([this.main?.stop(graceMs), this.quarantine?.stop(graceMs)]);
    await this.draining;
    this.stopRenewing();
    // Suspects not executed yet go back to the queue, for whichever worker comes next.
    const ids = this.queue.splice(0);
    if (ids.length > 0) {
      const now = Date.now();
      const event = { type: "status", data: { status: "Pending", reason: "its server stopped" } };
      await this.ctx.group.submit(PHASE_WRITE, async (trx, wctx) => {
        for (const id of ids) {
          const last = await updateRun(
            trx,
            id,
            { statuses: ["Running"], owner: this.seizer },
            { status: "Pending", lease_owner: null, lease_expires_at: null, updated_at: now },
            1,
          );
          if (last !== undefined) wctx.events.push(...numberEvents(id, last, [event], now));
        }
        wctx.notify = true;
      });
    }
  }
}
