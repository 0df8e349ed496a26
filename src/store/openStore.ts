// Opens a store from a URL and brings its schema up to date.

import type { Kysely } from "kysely";
import { Migrator } from "kysely";
import type { StoreDialect } from "./dialects/dialect.ts";
import { createPostgresDialect } from "./dialects/postgres.ts";
import { createSqliteDialect } from "./dialects/sqlite.ts";
import { migrationProvider } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

export interface OpenStoreOptions {
  /** A file path, `sqlite:PATH`, `:memory:`, or `postgres://…` / `postgresql://…`. */
  url: string;
  /** Postgres only: the schema to use (created if missing); tests use one each. */
  schema?: string;
  /** Postgres only: the pool size (default 10). */
  poolSize?: number;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Channel names for cross-process signals, scoped to the schema. */
  readonly channels: { readonly wake: string; readonly cancel: string };
  close(): Promise<void>;
}

export function dialectFor(opts: OpenStoreOptions): StoreDialect {
  const { url } = opts;
  if (/^postgres(ql)?:\/\//.test(url)) {
    return createPostgresDialect({
      url,
      ...(opts.schema ? { schema: opts.schema } : {}),
      ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
    });
  }
  const path = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
  if (!path) throw new Error(`openStore: no SQLite path in "${url}"`);
  return createSqliteDialect(path);
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const dialect = dialectFor(opts);
  if (dialect.schema) {
    await dialect.db.schema.createSchema(dialect.schema).ifNotExists().execute();
  }
  const migrator = new Migrator({
    db: dialect.db,
    provider: migrationProvider(dialect.blobType),
    ...(dialect.schema ? { migrationTableSchema: dialect.schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await dialect.destroy();
    throw error;
  }
  const prefix = `plainrun_${dialect.schema ?? "public"}`;
  return {
    db: dialect.db,
    dialect,
    channels: { wake: `${prefix}_wake`, cancel: `${prefix}_cancel` },
    close: () => dialect.destroy(),
  };
}
