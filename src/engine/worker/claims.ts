// Claiming: the claim loop takes Pending runs up to the free slots (slots.ts) with a lease,
// in the group commit (after the finishes that freed them), executing fresh runs' first
// slice inline (inline.ts); recovery takes Running runs whose lease expired; renewal keeps
// the leases of the runs executing here (and hears cross-process cancels); adoption takes
// over one run from a dead executor.
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
import type { CompileCache } from "../compileCache.ts";
import { type GroupCommit, PHASE_CLAIM, PHASE_WRITE } from "../groupCommit.ts";
import type { PoolConfig } from "./config.ts";
import {
  type FinishWrite,
  INLINE_BUDGET_MS,
  type Inline,
  runInline,
  type Started,
} from "./inline.ts";
import { applyUpdate } from "./runWrites.ts";
import type { Slots } from "./slots.ts";

/** What a claim took. */
export interface Claimed {
  /** Runs to execute now (their claim committed). */
  launch: Array<{ row: ClaimedRun; started?: Started }>;
  /** The first claim's limit (0: no free slot by then). */
  limit: number;
  /** The last claim took as many runs as asked: there may be more. */
  full: boolean;
}

/** Executes a claimed run (execution.ts). */
export type Launch = (row: ClaimedRun, recovered: boolean, started?: Started) => void;

/** Claims in one transaction while every claimed run ends inline. */
const MAX_CLAIM_ROUNDS = 4;

export class Claims {
  private stopping = false;
  private mayHavePending = true;
  private nudgeFn: (() => void) | null = null;
  /** A nudge arrived while the claim loop was busy: look again before sleeping. */
  private nudged = false;

  constructor(
    private readonly store: Store,
    private readonly cache: CompileCache,
    private readonly group: GroupCommit,
    private readonly cfg: PoolConfig,
    private readonly slots: Slots,
    private readonly launch: Launch,
  ) {}

  /** Pending runs may exist: claim. */
  wake(): void {
    this.mayHavePending = true;
    this.nudge();
  }

  /** A slot may be free: look again. */
  nudge(): void {
    const f = this.nudgeFn;
    this.nudgeFn = null;
    if (f) f();
    else this.nudged = true;
  }

  /** Stops claiming; the loop's promise resolves once no claim is in flight. */
  stop(): void {
    this.stopping = true;
    this.nudge();
  }

  async loop(): Promise<void> {
    while (!this.stopping) {
      if (this.mayHavePending && this.slots.mayClaim()) {
        let got: Claimed;
        try {
          got = await this.claim(false);
        } catch (err) {
          this.cfg.log.error({ err }, "claim failed");
          await new Promise((r) => setTimeout(r, this.cfg.pollMs));
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
   * slice (inline.ts): a run that ends in it is written Succeeded/Failed/… in the same
   * transaction as its claim, with the same events as always (Running, steps, log, end).
   * Other runs are launched after the commit as usual.
   */
  private async claim(expired: boolean): Promise<Claimed> {
    const { cfg, slots } = this;
    let mine = 0;
    try {
      const out = await this.group.submit(PHASE_CLAIM, async (trx, ctx) => {
        // Re-run alone after a failed batch: forget what the failed attempt reserved.
        slots.reserve(-mine);
        mine = 0;
        const res: Claimed = { launch: [], limit: 0, full: false };
        const budgetEnd = performance.now() + INLINE_BUDGET_MS;
        for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
          const limit = this.stopping ? 0 : Math.max(0, slots.capacity());
          if (round === 0) res.limit = limit;
          if (limit === 0) break;
          // Hold the slots while this claim is in flight (a recovery claim may run in a
          // concurrent transaction); the ones not used are given back below.
          slots.reserve(limit);
          mine += limit;
          const launchedBefore = res.launch.length;
          const now = Date.now();
          const running = (attempt: number): NewEvent =>
            expired
              ? {
                  type: "status",
                  data: { status: "Running", worker: cfg.workerId, attempt, recovered: true },
                }
              : { type: "status", data: { status: "Running", worker: cfg.workerId, attempt } };
          const launch = (r: ClaimedRun, started?: Started) => {
            res.launch.push({ row: r, ...(started ? { started } : {}) });
          };
          const release = () => {
            const unused = limit - (res.launch.length - launchedBefore);
            slots.reserve(-unused);
            mine -= unused;
          };
          if (expired) {
            const claimed = await claimExpired(this.store.dialect, trx, {
              owner: cfg.workerId,
              leaseMs: cfg.leaseMs,
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
          if (candidates.length > 0) cfg.onInline?.(candidates.map((c) => c.id));
          for (const c of candidates) {
            const ran =
              performance.now() < budgetEnd ? runInline(this.cache, cfg, c, now) : undefined;
            if (ran?.kind === "finish") finished.push({ attempt: c.attempts + 1, w: ran.w });
            else toClaim.set(c.id, ran);
          }
          if (candidates.length > 0) cfg.onInline?.(null);
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
              owner: cfg.workerId,
              leaseMs: cfg.leaseMs,
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
      slots.reserve(-mine);
    }
  }

  /** Takes over runs whose worker stopped renewing its lease. */
  async recover(): Promise<void> {
    if (this.stopping) return;
    if (this.slots.capacity() <= 0) return;
    try {
      const { launch } = await this.claim(true);
      for (const { row } of launch) {
        this.cfg.log.warn(
          { runId: row.id, recoveries: row.recoveries },
          "took over a run whose lease expired",
        );
        this.launch(row, true);
      }
    } catch (err) {
      this.cfg.log.error({ err }, "recovery claim failed");
    }
  }

  /**
   * Renews the leases of the runs executing here; a run whose lease is gone (taken over, or
   * ended elsewhere) stops and writes nothing, a run whose cancel was requested stops.
   */
  async renew(): Promise<void> {
    const { running } = this.slots;
    if (running.size === 0) return;
    const ids = [...running.keys()];
    try {
      const renewed = await renewLeases(this.store.db, {
        owner: this.cfg.workerId,
        ids,
        leaseMs: this.cfg.leaseMs,
        now: Date.now(),
      });
      const mine = new Map(renewed.map((r) => [r.id, r.cancel_requested]));
      for (const id of ids) {
        const e = running.get(id);
        if (!e) continue;
        const cancel = mine.get(id);
        if (cancel === undefined) {
          e.lost = true;
          e.signal.aborted = true;
        } else if (cancel === 1) {
          e.signal.aborted = true;
        }
      }
    } catch (err) {
      this.cfg.log.error({ err }, "lease renewal failed");
    }
  }

  /**
   * Takes over one Running run leased by `from` (an executor that died, see
   * ../executor/executors.ts); the run as it is stored, or undefined when it was no longer
   * `from`'s.
   */
  adopt(runId: string, from: string): Promise<ClaimedRun | undefined> {
    const now = Date.now();
    const { workerId } = this.cfg;
    return this.group.submit(PHASE_WRITE, async (trx, ctx) => {
      const last = await updateRun(
        trx,
        runId,
        { statuses: ["Running"], owner: from },
        {
          lease_owner: workerId,
          lease_expires_at: now + this.cfg.leaseMs,
          heartbeat_at: now,
          running_since: now,
          updated_at: now,
        },
        1,
      );
      if (last === undefined) return undefined;
      const run = await getRun(trx, runId);
      if (!run) return undefined;
      const data = { status: "Running", worker: workerId, attempt: run.attempts, recovered: true };
      ctx.events.push(...numberEvents(runId, last, [{ type: "status", data }], now));
      return run;
    });
  }
}
