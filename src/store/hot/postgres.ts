// The hot path on PostgreSQL: SQL text built once per row count, multi-row statements
// (one INSERT for many runs or events, one UPDATE … FROM (VALUES …) for many finished
// runs), executed on the caller's transaction without Kysely's query building.
import { CompiledQuery } from "kysely";
import type { Db } from "../queries/db.ts";
import type { NewRunRow, RunEventRow } from "../schema.ts";
import {
  CLAIMED_COLUMNS,
  type ClaimedRun,
  type FinishedRun,
  type HotPath,
  RUN_COLUMNS,
  runValues,
} from "./hotPath.ts";

const MAX_PARAMS = 30_000;

function chunked<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** "($1::t1, $2::t2), ($3::t1, $4::t2)" for n rows of the given column types. */
function valuesList(n: number, types: readonly string[], from = 1): string {
  const parts: string[] = [];
  let p = from;
  for (let i = 0; i < n; i++) {
    const cells: string[] = [];
    for (const t of types) cells.push(t ? `$${p++}::${t}` : `$${p++}`);
    parts.push(`(${cells.join(", ")})`);
  }
  return parts.join(", ");
}

function cachedText(build: (n: number) => string): (n: number) => string {
  const cache = new Map<number, string>();
  return (n) => {
    let t = cache.get(n);
    if (t === undefined) {
      t = build(n);
      if (cache.size < 256) cache.set(n, t);
    }
    return t;
  };
}

const RUN_TYPES = RUN_COLUMNS.map(() => "");
const insertRunsText = cachedText(
  (n) => `insert into runs (${RUN_COLUMNS.join(", ")}) values ${valuesList(n, RUN_TYPES)}`,
);
const insertEventsText = cachedText(
  (n) =>
    `insert into run_events (run_id, seq, at, type, data) values ${valuesList(n, ["", "", "", "", ""])}`,
);
const FINISH_TYPES = [
  "text", // id
  "text", // owner
  "text", // status
  "text", // outputs
  "text", // log
  "text", // timeline
  "text", // error
  "bigint", // finished_at
  "bigint", // time_used_ms
  "text", // search_text
  "int", // n
];
const FINISH_SET = `outputs = v.outputs, log = v.log, timeline = v.timeline,
      updated_at = v.finished_at, status = v.status, error = v.error, question = null,
      exec_state = null, lease_owner = null, lease_expires_at = null,
      finished_at = v.finished_at, time_used_ms = v.time_used_ms, search_text = v.search_text,
      event_seq = r.event_seq + v.n`;
const FINISH_VALUES =
  "v(id, owner, status, outputs, log, timeline, error, finished_at, time_used_ms, search_text, n)";
const finishText = cachedText(
  (n) => `update runs as r set ${FINISH_SET}
    from (values ${valuesList(n, FINISH_TYPES)}) as ${FINISH_VALUES}
    where r.id = v.id and r.status = 'Running' and r.lease_owner = v.owner
    returning r.id, r.event_seq`,
);
// $1 is the start time; the rows' values follow from $2.
const finishPendingText = cachedText(
  (n) => `update runs as r set ${FINISH_SET}, attempts = r.attempts + 1,
      heartbeat_at = $1::bigint, running_since = $1::bigint,
      started_at = coalesce(r.started_at, $1::bigint)
    from (values ${valuesList(n, FINISH_TYPES, 2)}) as ${FINISH_VALUES}
    where r.id = v.id and r.status = 'Pending'
    returning r.id, r.event_seq`,
);
// Candidates stay locked until the transaction ends; other claimers skip them.
const SELECT_PENDING = `select ${CLAIMED_COLUMNS.join(", ")} from runs where status = 'Pending'
  order by id limit $1 for update skip locked`;
const CLAIM_BY_IDS = `update runs set status = 'Running', lease_owner = $2, lease_expires_at = $3,
    heartbeat_at = $4, running_since = $4, attempts = attempts + 1,
    started_at = coalesce(started_at, $4), event_seq = event_seq + 1, updated_at = $4
  where id = any($1::text[]) and status = 'Pending'
  returning ${CLAIMED_COLUMNS.join(", ")}`;

async function exec<R>(db: Db, text: string, params: unknown[]): Promise<R[]> {
  const r = await db.executeQuery<R>(CompiledQuery.raw(text, params));
  return r.rows;
}

export function postgresHotPath(): HotPath {
  return {
    async insertRuns(db, rows: readonly NewRunRow[]) {
      for (const part of chunked(rows, RUN_COLUMNS.length)) {
        const params: unknown[] = [];
        for (const r of part) params.push(...runValues(r));
        await exec(db, insertRunsText(part.length), params);
      }
    },
    async insertEvents(db, rows: readonly RunEventRow[]) {
      for (const part of chunked(rows, 5)) {
        const params: unknown[] = [];
        for (const e of part) params.push(e.run_id, e.seq, e.at, e.type, e.data);
        await exec(db, insertEventsText(part.length), params);
      }
    },
    async selectPending(db, limit) {
      if (limit <= 0) return [];
      return exec<ClaimedRun>(db, SELECT_PENDING, [limit]);
    },
    async claimByIds(db, ids, o) {
      if (ids.length === 0) return [];
      const rows = await exec<ClaimedRun>(db, CLAIM_BY_IDS, [
        ids,
        o.owner,
        o.now + o.leaseMs,
        o.now,
      ]);
      return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    finishRuns: (db, rows) => finish(db, rows, finishText),
    finishPending: (db, rows, startedAt) => finish(db, rows, finishPendingText, startedAt),
  };
}

async function finish(
  db: Db,
  rows: readonly FinishedRun[],
  text: (n: number) => string,
  startedAt?: number,
): Promise<Array<number | undefined>> {
  const seqs = new Map<string, number>();
  for (const part of chunked(rows, FINISH_TYPES.length)) {
    const params: unknown[] = startedAt === undefined ? [] : [startedAt];
    for (const f of part) {
      params.push(
        f.id,
        f.owner,
        f.status,
        f.outputs,
        f.log,
        f.timeline,
        f.error,
        f.finished_at,
        f.time_used_ms,
        f.search_text,
        f.eventCount,
      );
    }
    const got = await exec<{ id: string; event_seq: number }>(db, text(part.length), params);
    for (const g of got) seqs.set(g.id, g.event_seq);
  }
  return rows.map((f) => seqs.get(f.id));
}
