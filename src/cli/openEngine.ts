// Opens the engine over a store for one command: from a data directory (an SQLite file
// inside) or a PostgreSQL URL, then closes everything so the process can exit.
// Shared by every command that works on stored processes and runs (and `plainrun serve`).
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createEngine, type Engine, type EngineOptions } from "../engine/index.ts";
import { dataDirUrl, type OpenStoreOptions, openStore, type Store } from "../store/index.ts";
import { StoreFlagsError, StoreOpenError } from "./errors.ts";

/** Where the data lives, as given by flags (commander: --data-dir, --database-url). */
export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

export const DEFAULT_DATA_DIR = "./plainrun-data";

export interface ResolvedStore {
  options: OpenStoreOptions;
  /** For messages: the data directory or the URL without its password. */
  where: string;
  kind: "sqlite" | "postgres";
  /** SQLite only: the data directory (created on open when missing). */
  dataDir?: string;
}

/**
 * Decides the store: --database-url, else --data-dir, else $PLAINRUN_DATABASE_URL, else
 * $PLAINRUN_DATA_DIR, else ./plainrun-data. A flag always wins over the environment.
 * A PostgreSQL URL may carry `?schema=NAME` (tables in that schema, created if missing).
 */
export function resolveStore(
  flags: StoreFlags,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedStore {
  if (flags.dataDir !== undefined && flags.databaseUrl !== undefined) {
    throw new StoreFlagsError("give either --data-dir or --database-url, not both");
  }
  const url =
    flags.databaseUrl ??
    (flags.dataDir === undefined ? env.PLAINRUN_DATABASE_URL || undefined : undefined);
  if (url !== undefined) return postgresStore(url);
  const dir = flags.dataDir ?? (env.PLAINRUN_DATA_DIR || DEFAULT_DATA_DIR);
  if (!dir.trim()) throw new StoreFlagsError("--data-dir needs a directory");
  const dataDir = resolve(dir);
  return {
    options: { url: dataDirUrl(dataDir) },
    where: dataDir,
    kind: "sqlite",
    dataDir,
  };
}

/** A PostgreSQL URL, passed on whole (a `?schema=NAME` is the store's to read). */
function postgresStore(raw: string): ResolvedStore {
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new StoreFlagsError(`--database-url must be a postgres://… URL, not "${raw}"`);
  }
  let shown: URL;
  try {
    shown = new URL(raw);
  } catch {
    throw new StoreFlagsError(`--database-url is not a valid URL: "${raw}"`);
  }
  if (shown.password) shown.password = "***";
  return { options: { url: raw }, where: shown.toString(), kind: "postgres" };
}

export interface OpenedEngine {
  engine: Engine;
  store: Store;
  where: ResolvedStore;
  /** Stops the engine's workers, then closes the store. Safe to call twice. */
  close(): Promise<void>;
}

/** Opens the store (creating the data directory and schema when missing) and the engine. */
export async function openEngine(
  flags: StoreFlags,
  engineOptions: Omit<EngineOptions, "store"> = {},
): Promise<OpenedEngine> {
  const where = resolveStore(flags);
  if (where.dataDir) {
    try {
      mkdirSync(where.dataDir, { recursive: true });
    } catch (err) {
      throw new StoreOpenError(
        `can't create the data directory ${where.dataDir}: ${(err as Error).message}`,
      );
    }
  }
  let store: Store;
  try {
    store = await openStore(where.options);
  } catch (err) {
    throw new StoreOpenError(`can't open the store at ${where.where}: ${describeError(err)}`);
  }
  const engine = createEngine({ ...engineOptions, store });
  let closing: Promise<void> | undefined;
  return {
    engine,
    store,
    where,
    close() {
      closing ??= (async () => {
        try {
          await engine.close();
        } finally {
          await store.close();
        }
      })();
      return closing;
    },
  };
}

/**
 * Opens the engine, runs fn with it, and closes everything whatever happens (so that the
 * process can exit). fn's result or error is passed on.
 */
export async function withEngine<T>(
  flags: StoreFlags,
  fn: (engine: Engine, opened: OpenedEngine) => Promise<T>,
  engineOptions: Omit<EngineOptions, "store"> = {},
): Promise<T> {
  const opened = await openEngine(flags, engineOptions);
  try {
    return await fn(opened.engine, opened);
  } finally {
    await opened.close();
  }
}

function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return err.errors.map((e) => describeError(e)).join("; ");
  }
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
