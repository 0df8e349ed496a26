// Group commit for everything the engine writes per run: the runs stored by startRun, the
// runs workers finish, their other writes (questions, hand-backs, checkpoints) and the
// claims of new runs all go into ONE transaction per event-loop turn, in that order. So a
// busy engine costs one commit for many runs, a slot freed by a finished run is claimed
// again in the same commit that writes the finish, and a run started now can be claimed in
// the very transaction that stores it. Events of the whole batch are inserted in one
// statement; finished runs are written in one statement where the dialect allows (see
// store/queries/finishRuns.ts). A batch that fails is retried item by item, so one bad write cannot take the
// others down with it. Once a batch commits, its events are told to the bus (one notice per
// run: its last seq and status), which is how every writer's events reach the live streams.
import type { Db, FinishedRun, NewEvent, RunEventRow, Store } from "../store/index.ts";
import { finishRuns, insertEvents, numberEvents } from "../store/index.ts";
import { type EngineBus, noticesOf } from "./bus.ts";

export interface WriteContext {
  /** Events to insert before commit (one statement for the whole batch). */
  events: RunEventRow[];
  /** Set to wake other processes' workers (Postgres NOTIFY) at commit. */
  notify: boolean;
}

export type WriteOp<R> = (trx: Db, ctx: WriteContext) => Promise<R>;

/** The order of a batch: stores, then writes, then finishes, then claims. */
export const PHASE_INSERT = 0;
export const PHASE_WRITE = 1;
export const PHASE_CLAIM = 3;
const PHASE_FINISH = 2;

interface Common {
  phase: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** Called once, when the item is taken into a transaction. */
  taken?: () => void;
}
interface OpItem extends Common {
  kind: "op";
  op: WriteOp<unknown>;
}
interface FinishItem extends Common {
  kind: "finish";
  row: FinishedRun;
  events: NewEvent[];
  at: number;
}
type Item = OpItem | FinishItem;
/** A batch's results by position, and the events it inserted. */
interface Applied {
  out: unknown[];
  events: RunEventRow[];
}

export class GroupCommit {
  private queue: Item[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: Array<() => void> = [];

  /**
   * @param parallel transactions in flight at once: 1 on SQLite (one writer anyway); more on
   * PostgreSQL, where a commit waits on a round trip and the WAL flush, and concurrent
   * batches cannot collide (distinct rows; claims skip locked rows).
   */
  constructor(
    private readonly store: Store,
    private readonly bus: EngineBus,
    private readonly parallel = 1,
    private readonly maxBatch = 2000,
  ) {}

  /** Queues an op; resolves with its result once its transaction committed. */
  submit<R>(phase: number, op: WriteOp<R>, taken?: () => void): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.push({
        kind: "op",
        phase,
        op,
        resolve: resolve as (v: unknown) => void,
        reject,
        ...(taken ? { taken } : {}),
      });
    });
  }

  /**
   * Queues a run's end (guarded: still Running and leased by row.owner) with its events;
   * resolves with the run's last event seq, or undefined when the guard did not hold.
   */
  finish(
    row: FinishedRun,
    events: NewEvent[],
    at: number,
    taken?: () => void,
  ): Promise<number | undefined> {
    return new Promise<number | undefined>((resolve, reject) => {
      this.push({
        kind: "finish",
        phase: PHASE_FINISH,
        row,
        events,
        at,
        resolve: resolve as (v: unknown) => void,
        reject,
        ...(taken ? { taken } : {}),
      });
    });
  }

  /** Resolves once everything queued so far is committed (or failed). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((r) => this.idle.push(r));
  }

  private push(item: Item): void {
    this.queue.push(item);
    this.pump();
  }

  private pump(): void {
    if (this.scheduled || this.inFlight >= this.parallel || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the writes of this event-loop turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.startBatch();
    });
  }

  private startBatch(): void {
    if (this.inFlight >= this.parallel || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    batch.sort((a, b) => a.phase - b.phase);
    this.inFlight += 1;
    for (const it of batch) {
      const t = it.taken;
      it.taken = undefined;
      t?.();
    }
    void this.commit(batch).finally(() => {
      this.inFlight -= 1;
      if (this.inFlight === 0 && this.queue.length === 0) {
        for (const r of this.idle.splice(0)) r();
      }
      this.pump();
    });
    this.pump();
  }

  private async commit(batch: Item[]): Promise<void> {
    let results: Applied;
    try {
      results = await this.store.dialect.writeTransaction((trx) => this.apply(trx, batch));
    } catch {
      // Alone, each item fails or succeeds on its own.
      for (const it of batch) {
        try {
          const one = await this.store.dialect.writeTransaction((trx) => this.apply(trx, [it]));
          this.told(one.events);
          it.resolve(one.out[0]);
        } catch (err) {
          it.reject(err);
        }
      }
      return;
    }
    this.told(results.events);
    for (let i = 0; i < batch.length; i++) batch[i]?.resolve(results.out[i]);
  }

  private told(events: readonly RunEventRow[]): void {
    if (events.length === 0) return;
    for (const n of noticesOf(events)) this.bus.runEvents(n);
  }

  /** The batch's writes in phase order (the batch is sorted); results by position. */
  private async apply(trx: Db, batch: readonly Item[]): Promise<Applied> {
    const { dialect } = this.store;
    const ctx: WriteContext = { events: [], notify: false };
    const out = new Array<unknown>(batch.length);
    let i = 0;
    for (; i < batch.length; i++) {
      const it = batch[i] as Item;
      if (it.phase >= PHASE_FINISH) break;
      out[i] = await (it as OpItem).op(trx, ctx);
    }
    const first = i;
    const finishes: FinishItem[] = [];
    for (; i < batch.length && (batch[i] as Item).kind === "finish"; i++)
      finishes.push(batch[i] as FinishItem);
    if (finishes.length > 0) {
      const seqs = await finishRuns(
        dialect,
        trx,
        finishes.map((f) => f.row),
      );
      finishes.forEach((f, k) => {
        const last = seqs[k];
        out[first + k] = last;
        if (last !== undefined) ctx.events.push(...numberEvents(f.row.id, last, f.events, f.at));
      });
    }
    for (; i < batch.length; i++) out[i] = await (batch[i] as OpItem).op(trx, ctx);
    if (ctx.events.length > 0) await insertEvents(dialect, trx, ctx.events);
    if (ctx.notify) await dialect.notify(trx, this.store.channels.wake, "");
    return { out, events: ctx.events };
  }
}
