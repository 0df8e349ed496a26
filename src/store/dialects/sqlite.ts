// SQLite through better-sqlite3: one connection, WAL, prepared statements cached.
import BetterSqlite3 from "better-sqlite3";
import { Kysely, type SelectQueryBuilder, SqliteDialect, sql } from "kysely";
import type { Database } from "../schema.ts";
import type { StoreDialect } from "./dialect.ts";

/** Kysely prepares every query anew; caching statements by SQL text saves most of that cost. */
function withStatementCache(raw: BetterSqlite3.Database, max = 500) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text);
      } else {
        stmt = raw.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

export function createSqliteDialect(path: string): StoreDialect {
  const raw = new BetterSqlite3(path);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  raw.pragma("busy_timeout = 10000");
  raw.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
  });
  return {
    name: "sqlite",
    blobType: "blob",
    schema: undefined,
    db,
    writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
      return db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          if (raw.inTransaction) await sql`rollback`.execute(conn);
          throw err;
        }
      });
    },
    lockForClaim: <O>(qb: SelectQueryBuilder<Database, "runs", O>) => qb,
    notify: async () => {},
    listen: async () => async () => {},
    destroy: () => db.destroy(),
  };
}
