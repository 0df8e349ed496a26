// Writes runs' ends: the one statement that makes a run final after a worker ran it,
// guarded by "still Running and leased by this worker" (finishRuns), or, for a run executed
// to its end inside its claim's transaction, by "still Pending" (finishPending: the same
// row as claimRuns' claim followed by finishRuns). The SQL is written once below; SQLite
// runs it one row per prepared statement (fastest in-process), PostgreSQL for many rows
// as one UPDATE … FROM (VALUES …) (one round trip).
import type { StoreDialect } from "../dialects/dialect.ts";
import type { FinalStatus } from "../schema.ts";
import type { Db } from "./db.ts";
import { batches } from "./statements.ts";

/** A run's end. */
export interface FinishedRun {
  id: string;
  owner: string;
  status: FinalStatus;
  outputs: string;
  log: string;
  timeline: string;
  error: string | null;
  finished_at: number;
  time_used_ms: number;
  search_text: string;
  /** Events this write adds (their seqs are reserved by the update). */
  eventCount: number;
}

type Field = keyof FinishedRun;
/** The values of a run's end, with their PostgreSQL types (for the VALUES list). */
const FIELDS: ReadonlyArray<readonly [Field, string]> = [
  ["id", "text"],
  ["owner", "text"],
  ["status", "text"],
  ["outputs", "text"],
  ["log", "text"],
  ["timeline", "text"],
  ["error", "text"],
  ["finished_at", "bigint"],
  ["time_used_ms", "bigint"],
  ["search_text", "text"],
  ["eventCount", "int"],
];

type Guard = "running" | "pending";

/**
 * The statement, given how it names a row's value and the claim time. One template, so
 * the names are asked for in text order (SQLite's "?" are positional).
 */
function finishSql(v: (f: Field) => string, at: () => string, guard: Guard, from = ""): string {
  const pending = guard === "pending";
  return `update runs set status = ${v("status")}, outputs = ${v("outputs")}, log = ${v("log")},
      timeline = ${v("timeline")}, error = ${v("error")}, finished_at = ${v("finished_at")},
      updated_at = ${v("finished_at")}, time_used_ms = ${v("time_used_ms")},
      search_text = ${v("search_text")}, event_seq = event_seq + ${v("eventCount")},
      question = null, exec_state = null, lease_owner = null, lease_expires_at = null${
        pending
          ? `, attempts = attempts + 1, heartbeat_at = ${at()}, running_since = ${at()},
      started_at = coalesce(started_at, ${at()})`
          : ""
      }
    ${from}where id = ${v("id")} and ${
      pending ? "status = 'Pending'" : `status = 'Running' and lease_owner = ${v("owner")}`
    }
    returning id, event_seq`;
}

/** SQLite: one row, its values as "?" in the order they appear (recorded in `order`). */
function sqliteStatement(guard: Guard): { text: string; order: Array<Field | "at"> } {
  const order: Array<Field | "at"> = [];
  const param = (name: Field | "at") => {
    order.push(name);
    return "?";
  };
  const text = finishSql(param, () => param("at"), guard);
  return { text, order };
}
const SQLITE = { running: sqliteStatement("running"), pending: sqliteStatement("pending") };

/** PostgreSQL: n rows as VALUES v(new_id, new_owner, …); for finishPending $1 is the claim time. */
const postgresTexts = new Map<string, string>();
function postgresText(guard: Guard, n: number): string {
  const key = `${guard}${n}`;
  let text = postgresTexts.get(key);
  if (text === undefined) {
    let p = guard === "pending" ? 1 : 0;
    const row = () => `(${FIELDS.map(([, t]) => `$${++p}::${t}`).join(", ")})`;
    const values = Array.from({ length: n }, row).join(", ");
    const names = FIELDS.map(([f]) => `new_${f}`).join(", ");
    text = finishSql(
      (f) => `v.new_${f}`,
      () => "$1::bigint",
      guard,
      `from (values ${values}) as v(${names}) `,
    );
    if (postgresTexts.size < 512) postgresTexts.set(key, text);
  }
  return text;
}

async function finish(
  dialect: StoreDialect,
  db: Db,
  rows: readonly FinishedRun[],
  guard: Guard,
  at = 0,
): Promise<Array<number | undefined>> {
  if (dialect.name === "sqlite") {
    const { text, order } = SQLITE[guard];
    const out: Array<number | undefined> = [];
    for (const f of rows) {
      const params = order.map((k) => (k === "at" ? at : f[k]));
      const [r] = await dialect.exec<{ event_seq: number }>(db, text, params);
      out.push(r?.event_seq);
    }
    return out;
  }
  const seqs = new Map<string, number>();
  for (const part of batches(dialect, rows, FIELDS.length + 1, 1)) {
    const params: unknown[] = guard === "pending" ? [at] : [];
    for (const f of part) for (const [k] of FIELDS) params.push(f[k]);
    const got = await dialect.exec<{ id: string; event_seq: number }>(
      db,
      postgresText(guard, part.length),
      params,
    );
    for (const g of got) seqs.set(g.id, g.event_seq);
  }
  return rows.map((f) => seqs.get(f.id));
}

/** Per row: the run's new last event seq, or undefined when it was no longer this worker's. */
export function finishRuns(
  dialect: StoreDialect,
  db: Db,
  rows: readonly FinishedRun[],
): Promise<Array<number | undefined>> {
  return finish(dialect, db, rows, "running");
}

/**
 * Writes Pending runs final in one step, as claimed at `startedAt` by row.owner and then
 * finished (row.eventCount includes the Running event). Per row: the new last event seq,
 * or undefined when the run was no longer Pending.
 */
export function finishPending(
  dialect: StoreDialect,
  db: Db,
  rows: readonly FinishedRun[],
  startedAt: number,
): Promise<Array<number | undefined>> {
  return finish(dialect, db, rows, "pending", startedAt);
}
