// "250 OK" promises the message is stored. On SQLite (WAL, synchronous=NORMAL) a commit
// survives a crash of the process but not a power loss until the WAL is fsynced, so before
// answering the listener fsyncs the WAL (what synchronous=FULL would do at that commit; a
// checkpoint that moved the frames into the database file has fsynced that file already).
// Concurrent callers share one fsync: a caller waits for an fsync that started after its
// commit. PostgreSQL commits are durable when they return (synchronous_commit=on).
import { type FileHandle, open } from "node:fs/promises";
import { sql } from "kysely";
import type { Store } from "../../store/index.ts";

export interface Durability {
  /** Resolves once every commit made before the call is durable. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

const NOTHING_TO_DO: Durability = { sync: async () => {}, close: async () => {} };

export async function durabilityOf(store: Store): Promise<Durability> {
  if (store.dialect.name !== "sqlite") return NOTHING_TO_DO;
  const rows = await sql<{ name: string; file: string }>`pragma database_list`.execute(store.db);
  const file = rows.rows.find((r) => r.name === "main")?.file;
  if (!file) return NOTHING_TO_DO; // in memory: nothing to make durable
  const wal = `${file}-wal`;
  // The WAL stays one file while the store is open (checkpoints rewind or truncate it, they
  // never replace it), so it is opened once: an open and a close per fsync cost as much CPU
  // as the fsync itself.
  let handle: FileHandle | undefined;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const syncOnce = async () => {
    handle ??= await open(wal, "r").catch(() => undefined);
    if (!handle) return; // no WAL: everything is in the database file, fsynced by the checkpoint
    try {
      await handle.sync();
    } catch (err) {
      // Opened afresh next time; this caller's commit is not known to be durable.
      const h = handle;
      handle = undefined;
      await h.close().catch(() => {});
      throw err;
    }
  };
  const sync = () => {
    if (!running) {
      running = syncOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    // An fsync is under way but may have started before this commit: wait for the next one.
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        running = syncOnce().finally(() => {
          running = undefined;
        });
        return running;
      });
    return next;
  };
  return {
    sync,
    close: async () => {
      await running?.catch(() => {});
      await handle?.close();
      handle = undefined;
    },
  };
}
