// PostgreSQL through pg: a pool (optionally pinned to a schema), SKIP LOCKED claims,
// LISTEN/NOTIFY wake-ups.
import { createRequire } from "node:module";
import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import type pg from "pg";
import type { Database } from "../schema.ts";
import type { StoreDialect } from "./dialect.ts";

// pg is loaded when a PostgreSQL store opens, so that SQLite servers and commands start
// without loading it.
let pgLoaded: typeof pg | undefined;
const pgModule = (): typeof pg => {
  pgLoaded ??= createRequire(import.meta.url)("pg") as typeof pg;
  return pgLoaded;
};

// Times are bigint (int8) epoch ms: well inside Number's exact range, so parse as numbers.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID) return (v: string) => Number(v);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads are not expressible here
    return (pgModule().types.getTypeParser as any)(oid, format);
  },
};

export interface PostgresOptions {
  url: string;
  schema?: string;
  poolSize?: number;
}

function clientConfig(opts: PostgresOptions): pg.ClientConfig {
  return {
    connectionString: opts.url,
    types,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  };
}

export function createPostgresDialect(opts: PostgresOptions): StoreDialect {
  const pool = new (pgModule().Pool)({ ...clientConfig(opts), max: opts.poolSize ?? 10 });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<pg.Client>();
  return {
    name: "postgres",
    blobType: "bytea",
    schema: opts.schema,
    db,
    writeTransaction: (fn) => db.transaction().execute(fn),
    async exec<R>(conn: Kysely<Database>, text: string, params: readonly unknown[]) {
      return (await conn.executeQuery<R>(CompiledQuery.raw(text, [...params]))).rows;
    },
    // Half the pool, so reads (lists, renewals, cancels) still find a connection.
    writeConcurrency: Math.max(1, Math.min(8, Math.floor((opts.poolSize ?? 10) / 2))),
    lockRows: " for update skip locked",
    async notify(conn, channel, payload) {
      await sql`select pg_notify(${channel}, ${payload})`.execute(conn);
    },
    async listen(channel, onPayload, onReconnect) {
      let client: pg.Client | undefined;
      let closed = false;
      // On a lost connection (or a failed attempt to open it again), try again in a second;
      // meanwhile the callers' polling covers, and onReconnect tells them to catch up.
      const retry = () => {
        if (!closed) setTimeout(() => void connect(true), 1000).unref();
      };
      const connect = async (again: boolean): Promise<void> => {
        if (closed) return;
        const c = new (pgModule().Client)(clientConfig(opts));
        let lost = false;
        const lose = () => {
          if (lost) return;
          lost = true;
          listeners.delete(c);
          c.end().catch(() => {});
          if (again || client === c) retry();
        };
        c.on("notification", (msg) => {
          if (msg.channel === channel) onPayload(msg.payload ?? "");
        });
        c.on("error", lose);
        try {
          await c.connect();
          await c.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
        } catch (err) {
          lose();
          if (!again) throw err;
          return;
        }
        client = c;
        listeners.add(c);
        if (closed) {
          listeners.delete(c);
          await c.end().catch(() => {});
          return;
        }
        if (again) onReconnect?.();
      };
      await connect(false);
      return async () => {
        closed = true;
        if (client) {
          listeners.delete(client);
          await client.end().catch(() => {});
        }
      };
    },
    async destroy() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      await db.destroy();
    },
  };
}
