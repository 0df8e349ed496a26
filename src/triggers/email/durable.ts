// "250 OK" promises the message is stored. On SQLite (WAL, synchronous=NORMAL) a commit
// survives a crash of the process but not a power loss until the WAL is fsynced, so before
// answering the listener fsyncs the WAL (what synchronous=FULL would do at that commit; a
// checkpoint that moved the frames into the database file has fsynced that file already).
// A caller is answered by an fsync that started after its call (so after its commit).
// PostgreSQL commits are durable when they return (synchronous_commit=on).
import { type FileHandle, open } from "node:fs/promises";
import { sql } from "kysely";
import type { Store } from "../../store/index.ts";

export interface Durability {
  /** Resolves once every commit made before the call is durable. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

const NOTHING_TO_DO: Durability = { sync: async () => {}, close: async () => {} };

/**
 * fsyncs of the WAL running at once. Waiting for the one under way before starting another
 * (it may have started before the caller's commit) makes a caller wait one and a half
 * fsyncs on average; a few at once on one file cost the disk little more than one, as the
 * file system's journal commits them together.
 */
const MAX_IN_FLIGHT = 2;

interface PromiseWithResolvers {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Promise.withResolvers, which Node 20 lacks. */
function withResolvers(): PromiseWithResolvers {
  let resolve: () => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export async function durabilityOf(store: Store): Promise<Durability> {
  if (store.dialect.name !== "sqlite") return NOTHING_TO_DO;
  const rows = await sql<{ name: string; file: string }>`pragma database_list`.execute(store.db);
  const file = rows.rows.find((r) => r.name === "main")?.file;
  if (!file) return NOTHING_TO_DO; // in memory: nothing to make durable
  const wal = `${file}-wal`;
  // The WAL stays one file while the store is open (checkpoints rewind or truncate it, they
  // never replace it), so it is opened once: an open and a close per fsync cost as much CPU
  // as the fsync itself.
  let handle: Promise<FileHandle | undefined> | undefined;
  const syncOnce = async () => {
    handle ??= open(wal, "r").catch(() => undefined);
    const opening = handle;
    const h = await opening;
    if (!h) {
      // No WAL: everything is in the database file, fsynced by the checkpoint.
      if (handle === opening) handle = undefined;
      return;
    }
    try {
      await h.sync();
    } catch (err) {
      // Opened afresh next time; this caller's commit is not known to be durable.
      if (handle === opening) handle = undefined;
      await h.close().catch(() => {});
      throw err;
    }
  };

  const running = new Set<Promise<void>>();
  // Callers that came while MAX_IN_FLIGHT were running share the fsync started next.
  let queued: PromiseWithResolvers | undefined;
  const start = (): Promise<void> => {
    const p = syncOnce().finally(() => {
      running.delete(p);
      const q = queued;
      queued = undefined;
      if (q) start().then(q.resolve, q.reject);
    });
    running.add(p);
    return p;
  };
  const sync = (): Promise<void> => {
    if (running.size < MAX_IN_FLIGHT) return start();
    queued ??= withResolvers();
    return queued.promise;
  };
  return {
    sync,
    close: async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
      await (await handle)?.close();
      handle = undefined;
    },
  };
}
