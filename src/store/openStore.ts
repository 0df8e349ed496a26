// Opens a store from a URL and brings its schema up to date.
import { join, resolve } from "node:path";

import type { Kysely, MigrationProvider } from "kysely";
import { Migrator } from "kysely";
import type { StoreDialect } from "./dialects/dialect.ts";
import { createPostgresDialect } from "./dialects/postgres.ts";
import { type Checkpoints, createSqliteDialect } from "./dialects/sqlite.ts";
import { migrationProvider } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

export interface OpenStoreOptions {
  /** A file path, `sqlite:PATH`, `:memory:`, or `postgres://…[?schema=NAME]`. */
  url: string;
  /** Postgres only: the schema to use (created if missing); tests use one each. */
  schema?: string;
  /** Postgres only: the pool size (default 10). */
  poolSize?: number;
  /**
   * SQLite only: whether this store checkpoints the WAL (default "background"; "none" when
   * another store of the process on the same file does, see dialects/sqlite.ts).
   */
  checkpoints?: Checkpoints;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /**
   * Channel names for cross-process signals, scoped to the schema: new runs, cancels, and
   * runs' new events (engine/eventRelay.ts).
   */
  readonly channels: { readonly wake: string; readonly cancel: string; readonly events: string };
  close(): Promise<void>;
}

/** The SQLite file inside a data directory (`plainrun serve`, the CLI). */
export const SQLITE_FILE = "plainrun.sqlite";

/** The store URL of a data directory: its SQLite file. */
export function dataDirUrl(dataDir: string): string {
  return `sqlite:${join(resolve(dataDir), SQLITE_FILE)}`;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * A PostgreSQL URL may name its schema as `?schema=NAME` (tables there, created when
 * missing), so one URL says everything; the parameter is not passed on to the driver.
 */
function splitSchema(url: string): { url: string; schema?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a valid PostgreSQL URL: "${url}"`);
  }
  const schema = parsed.searchParams.get("schema");
  if (schema === null) return { url };
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" must be letters, digits and _ (not starting with a digit)`);
  }
  parsed.searchParams.delete("schema");
  return { url: parsed.toString(), schema };
}

export function dialectFor(opts: OpenStoreOptions): StoreDialect {
  if (/^postgres(ql)?:\/\//.test(opts.url)) {
    const { url, schema: fromUrl } = splitSchema(opts.url);
    const schema = opts.schema ?? fromUrl;
    return createPostgresDialect({
      url,
      ...(schema ? { schema } : {}),
      ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
    });
  }
  const { url } = opts;
  const path = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
  if (!path) throw new Error(`openStore: no SQLite path in "${url}"`);
  return createSqliteDialect(path, opts.checkpoints);
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const dialect = dialectFor(opts);
  if (dialect.schema) {
    await dialect.db.schema.createSchema(dialect.schema).ifNotExists().execute();
  }
  const provider = migrationProvider(dialect.blobType);
  if (await schemaIsCurrent(dialect, provider)) return opened(dialect);
  const migrator = new Migrator({
    db: dialect.db,
    provider,
    // Features land in parallel: a migration may be added with a name that sorts before
    // one a data directory already applied.
    allowUnorderedMigrations: true,
    ...(dialect.schema ? { migrationTableSchema: dialect.schema } : {}),
  });
  // Kysely's migrator first lists the tables of every schema, which fails with "schema …
  // does not exist" (3F000) when another process drops a schema meanwhile (tests, one
  // schema each, do so all the time): that is not about ours, so try again.
  let { error } = await migrator.migrateToLatest();
  for (let i = 0; i < 5 && (error as { code?: string } | undefined)?.code === "3F000"; i++) {
    ({ error } = await migrator.migrateToLatest());
  }
  if (error) {
    await dialect.destroy();
    throw error;
  }
  return opened(dialect);
}

function opened(dialect: StoreDialect): Store {
  const prefix = `plainrun_${dialect.schema ?? "public"}`;
  return {
    db: dialect.db,
    dialect,
    channels: { wake: `${prefix}_wake`, cancel: `${prefix}_cancel`, events: `${prefix}_events` },
    close: () => dialect.destroy(),
  };
}

/**
 * Whether every migration is applied already: one read of Kysely's migration table, so a
 * store that is up to date (every start but the first, every CLI command) skips the
 * migrator's table listing and locking. Any doubt (no table yet, a read error) says no.
 */
async function schemaIsCurrent(
  dialect: StoreDialect,
  provider: MigrationProvider,
): Promise<boolean> {
  const names = Object.keys(await provider.getMigrations());
  const db = dialect.schema ? dialect.db.withSchema(dialect.schema) : dialect.db;
  try {
    const rows = await (db as unknown as Kysely<{ kysely_migration: { name: string } }>)
      .selectFrom("kysely_migration")
      .select("name")
      .execute();
    const applied = new Set(rows.map((r) => r.name));
    return names.every((n) => applied.has(n));
  } catch {
    return false;
  }
}
