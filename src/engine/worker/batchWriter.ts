// Group commit for workers: every write queued while a transaction is in flight goes into
// the next one, so many runs finishing together cost one commit. A failing write is retried
// alone so it cannot take the others down with it.
import type { Kysely } from "kysely";
import { type Database, insertEvents, type RunEventRow, type Store } from "../../store/index.ts";

/** Ops add their events here; they are inserted together, in one statement, before commit. */
export interface WriteContext {
  events: RunEventRow[];
}

export type WriteOp<R> = (trx: Kysely<Database>, ctx: WriteContext) => Promise<R>;

interface Queued {
  op: WriteOp<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class BatchWriter {
  private queue: Queued[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 500,
    /** Called after each commit (the pool claims again once its backlog shrinks). */
    private readonly onFlushed: () => void = () => {},
  ) {}

  get size(): number {
    return this.queue.length;
  }

  write<R>(op: WriteOp<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) this.running = this.loop();
    });
  }

  /** Resolves once everything queued so far is committed (or failed). */
  async drain(): Promise<void> {
    if (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    // Let the ops of this event-loop turn join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.store.dialect.writeTransaction(async (trx) => {
          const ctx: WriteContext = { events: [] };
          const out: unknown[] = [];
          for (const q of batch) out.push(await q.op(trx, ctx));
          await insertEvents(trx, ctx.events);
          return out;
        });
        batch.forEach((q, i) => {
          q.resolve(results[i]);
        });
        this.onFlushed();
      } catch {
        for (const q of batch) {
          try {
            q.resolve(
              await this.store.dialect.writeTransaction(async (trx) => {
                const ctx: WriteContext = { events: [] };
                const r = await q.op(trx, ctx);
                await insertEvents(trx, ctx.events);
                return r;
              }),
            );
          } catch (err) {
            q.reject(err);
          }
        }
        this.onFlushed();
      }
    }
    this.running = null;
  }
}
