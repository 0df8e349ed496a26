/**
 * The one interface the throughput harness drives. Every system under test (Plainrun on
 * SQLite or PostgreSQL, BullMQ, graphile-worker, pg-boss) is wrapped in a module that
 * exports a factory for it, so the harness treats them all alike.
 */

/** Called by a no-op handler the moment it starts executing job `i`. */
export type OnStart = (i: number) => void;

export interface Subject {
  /** Key used in the JSON output and in `--only`: sqlite, postgres, bullmq, graphile, pgboss. */
  readonly name: string;
  /** Human label for the table, e.g. "BullMQ 5.81.5 (Redis)". */
  readonly label: string;
  /** Notes printed under the table (settings that matter for fairness). */
  readonly notes: string[];
  /** Fresh state: new SQLite file, fresh Postgres schema, obliterated queue. */
  setup(): Promise<void>;
  /** Starts the system's workers; the handler calls `onStart(i)` and does nothing else. */
  startWorkers(concurrency: number, onStart: OnStart): Promise<void>;
  /** Enqueues job `i` with one client call, the way an application would. */
  enqueue(i: number): Promise<void>;
  /** Resolves once `total` jobs are complete, as confirmed by the system itself. */
  waitCompleted(total: number): Promise<void>;
  /**
   * For systems whose handler is not ours (Plainrun runs the interpreter): the start
   * time the system recorded for each job, epoch milliseconds. Peers leave it out.
   */
  startTimes?(): Promise<Map<number, number>>;
  /** Stops workers and drops the state. Safe to call after a failure, and twice. */
  teardown(): Promise<void>;
}

/** Epoch milliseconds with sub-millisecond precision (monotonic within a process). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Counts completions and lets callers wait for a total. */
export class Counter {
  count = 0;
  private waiters: { total: number; resolve: () => void }[] = [];

  add(n = 1): void {
    this.count += n;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.count >= w.total) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  wait(total: number): Promise<void> {
    if (this.count >= total) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ total, resolve }));
  }

  reset(): void {
    this.count = 0;
    this.waiters = [];
  }
}

export const REDIS = { host: "127.0.0.1", port: 6379 } as const;
export const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
