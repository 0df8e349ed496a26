// What differs between SQLite and PostgreSQL, behind one small interface (as Kysely does
// per dialect folder). Everything else in the store is the same query on both.
import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

export type DialectName = "sqlite" | "postgres";

export interface StoreDialect {
  readonly name: DialectName;
  readonly blobType: "blob" | "bytea";
  /** Schema that holds the tables (Postgres), for the migration table and channel names. */
  readonly schema: string | undefined;
  readonly db: Kysely<Database>;
  /**
   * Runs fn in a transaction that takes the write lock at its first statement
   * (SQLite: BEGIN IMMEDIATE, so busy_timeout applies instead of a snapshot error).
   */
  writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Ends a claim's candidate query: locks the rows, skipping locked ones (Postgres: FOR UPDATE SKIP LOCKED). */
  readonly lockRows: string;
  /** Tells other processes (Postgres NOTIFY; delivered at commit when inside a transaction). */
  notify(db: Kysely<Database>, channel: string, payload: string): Promise<void>;
  /**
   * Listens for notify(); SQLite has no cross-process signal, so callers poll. A lost
   * listening connection is opened again; `onReconnect` is then called, as notifications
   * sent meanwhile were missed.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>;
  /** Write transactions worth running at once (SQLite: 1, one writer; Postgres: by pool size). */
  readonly writeConcurrency: number;
  /**
   * Runs one of the per-run statements (queries/statements.ts) and returns its rows.
   * SQLite: prepared once per text and run on the connection a writeTransaction holds
   * (only there: outside one it refuses); Postgres: sent as is on db.
   */
  exec<R>(db: Kysely<Database>, text: string, params: readonly unknown[]): Promise<R[]>;
  destroy(): Promise<void>;
}
