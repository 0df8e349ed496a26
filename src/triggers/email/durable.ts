// "250 OK" promises the message is stored. On SQLite (WAL, synchronous=NORMAL) a commit
// survives a crash of the process but not a power loss until the WAL is fsynced, so before
// answering the listener fsyncs the WAL (what synchronous=FULL would do at that commit; a
// checkpoint that moved the frames into the database file has fsynced that file already).
// Concurrent callers share one fsync: a caller waits for an fsync that started after its
// commit. PostgreSQL commits are durable when they return (synchronous_commit=on).
import { open } from "node:fs/promises";
import { sql } from "kysely";
import type { Store } from "../../store/index.ts";

export type Durability = () => Promise<void>;

export async function durabilityOf(store: Store): Promise<Durability> {
  if (store.dialect.name !== "sqlite") return async () => {};
  const rows = await sql<{ name: string; file: string }>`pragma database_list`.execute(store.db);
  const file = rows.rows.find((r) => r.name === "main")?.file;
  if (!file) return async () => {}; // in memory: nothing to make durable
  const wal = `${file}-wal`;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const syncOnce = async () => {
    const fh = await open(wal, "r").catch(() => undefined);
    if (!fh) return; // no WAL: everything is in the database file, fsynced by the checkpoint
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  };
  return () => {
    if (!running) {
      running = syncOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    // An fsync is under way but may have started before this commit: wait for the next one.
    next ??= running.then(() => {
      next = undefined;
      running = syncOnce().finally(() => {
        running = undefined;
      });
      return running;
    });
    return next;
  };
}
