// One SQLite write lock for the threads of a process (the API's thread and the executors).
// SQLite lets one connection write at a time; a second connection that tries is put to sleep
// by SQLite's busy handler, which on the API thread would stall every request. Taking this
// lock first (waiting asynchronously, event loop free) means a BEGIN IMMEDIATE never waits
// on another thread. Other processes writing the same file still meet SQLite's busy
// timeout, as before.
//
// An executor may die holding (or waiting for) the lock: each participant writes the ticket
// it holds into its own cell, so the supervisor can hand a dead executor's ticket on.
import type { Store } from "../../store/index.ts";

type WaitAsync = (
  arr: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: boolean; value: Promise<string> | string };

const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** [0]: next ticket, [1]: ticket being served, [2 + slot]: ticket held by slot, plus one (0: none). */
const HEADER = 2;
/** Participants: slot 0 is the supervising thread, the others are executors. */
export const WRITE_LOCK_SLOTS = 16;

export function newWriteLockBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * (HEADER + WRITE_LOCK_SLOTS));
}

/**
 * A ticket lock (first come, first served), so a busy thread cannot starve the others. A
 * thread takes one ticket at a time (its own writers queue locally), so the one cell per
 * thread says all it holds.
 */
export class WriteLock {
  private readonly cell: Int32Array;
  private local: Promise<void> = Promise.resolve();
  private releaseLocal: (() => void) | undefined;
  constructor(
    buffer: SharedArrayBuffer,
    private readonly slot = 0,
  ) {
    this.cell = new Int32Array(buffer);
  }

  async acquire(): Promise<void> {
    const before = this.local;
    let done!: () => void;
    this.local = new Promise<void>((r) => {
      done = r;
    });
    await before;
    this.releaseLocal = done;
    const mine = Atomics.add(this.cell, 0, 1);
    Atomics.store(this.cell, HEADER + this.slot, mine + 1);
    await this.waitFor(mine);
  }

  release(): void {
    Atomics.store(this.cell, HEADER + this.slot, 0);
    this.serveNext();
    const done = this.releaseLocal;
    this.releaseLocal = undefined;
    done?.();
  }

  /**
   * A participant died: the ticket it held or waited for is served and released in its
   * place, so the others go on. Call once per death, from another thread.
   */
  async abandon(slot: number): Promise<void> {
    const held = Atomics.exchange(this.cell, HEADER + slot, 0);
    if (held === 0) return;
    await this.waitFor(held - 1);
    this.serveNext();
  }

  private serveNext(): void {
    Atomics.add(this.cell, 1, 1);
    Atomics.notify(this.cell, 1);
  }

  private async waitFor(ticket: number): Promise<void> {
    for (;;) {
      const serving = Atomics.load(this.cell, 1);
      if (serving === ticket) return;
      const r = waitAsync(this.cell, 1, serving, 1000);
      if (r.async) await r.value;
    }
  }
}

/** The store with every writeTransaction taken under the shared lock. */
export function withWriteLock(store: Store, lock: WriteLock): Store {
  const dialect = store.dialect;
  return {
    ...store,
    dialect: {
      ...dialect,
      async writeTransaction(fn) {
        await lock.acquire();
        try {
          return await dialect.writeTransaction(fn);
        } finally {
          lock.release();
        }
      },
    },
  };
}
