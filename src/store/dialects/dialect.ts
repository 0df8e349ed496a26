// What differs between SQLite and PostgreSQL, behind one small interface (as Kysely does
// per dialect folder). Everything else in the store is the same query on both.
import type { Kysely, SelectQueryBuilder } from "kysely";
import type { HotPath } from "../hot/hotPath.ts";
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
  /** Adds row locking to a claim's candidate subquery (Postgres: FOR UPDATE SKIP LOCKED). */
  lockForClaim<O>(
    qb: SelectQueryBuilder<Database, "runs", O>,
  ): SelectQueryBuilder<Database, "runs", O>;
  /** Tells other processes (Postgres NOTIFY; delivered at commit when inside a transaction). */
  notify(db: Kysely<Database>, channel: string, payload: string): Promise<void>;
  /** Listens for notify(); SQLite has no cross-process signal, so callers poll. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Write transactions worth running at once (SQLite: 1, one writer; Postgres: by pool size). */
  readonly writeConcurrency: number;
  /** The engine's per-run statements, precompiled for this dialect (see hot/hotPath.ts). */
  readonly hot: HotPath;
  destroy(): Promise<void>;
}
