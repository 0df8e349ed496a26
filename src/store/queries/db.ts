import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

/** A connection or a transaction: every query takes one, so callers choose the transaction. */
export type Db = Kysely<Database>;

/** Splits rows so one statement stays under both dialects' bound-parameter limits. */
export function chunks<T>(rows: readonly T[], columns: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** A write refused by a unique constraint (SQLite or PostgreSQL): another writer got there first. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
}
