// The per-run statements (insert, claim, finish, events) skip Kysely's query building:
// their text is built once per row count, written with "?" placeholders (numbered "$n"
// for PostgreSQL), and run by the dialect (SQLite: prepared once; PostgreSQL: sent as is).
import type { StoreDialect } from "../dialects/dialect.ts";

/** Parameters in one statement, under both dialects' limits (SQLite 32,766; pg 65,535). */
const MAX_PARAMS = 30_000;
const MAX_TEXTS = 256;

/** `(?, ?, …)` repeated: the VALUES rows of a multi-row statement. */
export function valueRows(rows: number, row: string): string {
  return Array.from({ length: rows }, () => row).join(", ");
}

/** "$1, $2, …" in place of each "?" (none of these statements has "?" in a literal). */
function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** A statement's text per dialect and row count, built on first use. */
export function statementText(
  build: (rows: number, dialect: StoreDialect) => string,
): (dialect: StoreDialect, rows: number) => string {
  const cache = { sqlite: new Map<number, string>(), postgres: new Map<number, string>() };
  return (dialect, rows) => {
    const texts = cache[dialect.name];
    let t = texts.get(rows);
    if (t === undefined) {
      t = build(rows, dialect);
      if (dialect.name === "postgres") t = numbered(t);
      if (texts.size < MAX_TEXTS) texts.set(rows, t);
    }
    return t;
  };
}

/**
 * Splits rows into statements: SQLite runs `sqliteRows` per statement (in-process, so a
 * small prepared statement run many times is cheapest); PostgreSQL as many as fit, one
 * round trip each.
 */
export function batches<T>(
  dialect: StoreDialect,
  rows: readonly T[],
  columns: number,
  sqliteRows: number,
): T[][] {
  const size =
    dialect.name === "sqlite" ? sqliteRows : Math.max(1, Math.floor(MAX_PARAMS / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
