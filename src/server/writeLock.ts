// One SQLite write lock for the threads of the serve process. SQLite lets one connection
// write at a time; a second connection that tries is put to sleep by SQLite's busy handler,
// which on the API thread would stall every request. Taking this lock first (waiting
// asynchronously, event loop free) means a BEGIN IMMEDIATE never waits on the other thread.
// Other processes writing the same file still meet SQLite's busy timeout, as before.
import type { Store } from "../store/index.ts";

type WaitAsync = (
  arr: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: boolean; value: Promise<string> | string };

const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export function newWriteLockBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(8);
}

/** A ticket lock (first come, first served), so a busy thread cannot starve the other. */
export class WriteLock {
  private readonly cell: Int32Array;
  constructor(buffer: SharedArrayBuffer) {
    // [0]: next ticket, [1]: ticket being served.
    this.cell = new Int32Array(buffer);
  }

  async acquire(): Promise<void> {
    const mine = Atomics.add(this.cell, 0, 1);
    for (;;) {
      const serving = Atomics.load(this.cell, 1);
      if (serving === mine) return;
      const r = waitAsync(this.cell, 1, serving, 1000);
      if (r.async) await r.value;
    }
  }

  release(): void {
    Atomics.add(this.cell, 1, 1);
    Atomics.notify(this.cell, 1);
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
