// Option value parsers and the options the store commands share.
import { userInfo } from "node:os";
import { type Command, InvalidArgumentError } from "commander";
import type { StoreFlags } from "./openEngine.ts";

export interface CommonFlags extends StoreFlags {
  json?: boolean;
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds --data-dir, --database-url and --json to a command. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option(
      "--data-dir <dir>",
      "data directory holding the SQLite file (default $PLAINRUN_DATA_DIR or ./plainrun-data)",
    )
    .option(
      "--database-url <url>",
      "PostgreSQL instead of SQLite: postgres://user@host:5432/db[?schema=NAME] (default $PLAINRUN_DATABASE_URL)",
    )
    .option("--json", "machine-readable output (JSON)");
}

/** An option value parser for commander: a whole number in a range. */
export function intArg(what: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${what} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}.`,
      );
    }
    return n;
  };
}

/** An option value parser: a positive number of seconds. */
export function secondsArg(value: string): number {
  const n = Number(value);
  if (!value.trim() || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("must be a positive number of seconds.");
  }
  return n;
}

/** An option value parser: a date (ISO 8601 or anything Date.parse reads). */
export function dateArg(value: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError(
      `"${value}" is not a date (use e.g. 2025-01-31 or 2025-01-31T14:00:00Z).`,
    );
  return new Date(ms).toISOString();
}

/** Accepts statuses and triggers in any case, and comma-separated lists. */
export function canonicalList<T extends string>(values: string[], known: readonly T[]): T[] {
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "")
    .map((v) => (known.find((k) => k.toLowerCase() === v.toLowerCase()) ?? v) as T);
}

/** Who runs the command, recorded on the runs it starts or changes. */
export function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}
