// The hot path on SQLite: better-sqlite3 statements prepared once, run synchronously on the
// store's one connection. Callers run them inside dialect.writeTransaction, which holds
// that connection (Kysely's connection lock) and the write lock (BEGIN IMMEDIATE), so they
// join its transaction and no other process can claim between selectPending and the writes.
import type BetterSqlite3 from "better-sqlite3";
import type { NewRunRow, RunEventRow } from "../schema.ts";
import {
  CLAIMED_COLUMNS,
  type ClaimedRun,
  type FinishedRun,
  type HotPath,
  RUN_COLUMNS,
  runValues,
} from "./hotPath.ts";

const EVENTS_PER_STATEMENT = 64;

/** Shared SET clause of a run's end (finishRuns and finishPending); see finishValues. */
const FINISH_SET = `outputs = ?, log = ?, timeline = ?, updated_at = ?, status = ?, error = ?,
  question = null, exec_state = null, lease_owner = null, lease_expires_at = null,
  finished_at = ?, time_used_ms = ?, search_text = ?, event_seq = event_seq + ?`;

/** FINISH_SET's values, positional (cheaper to bind than named ones on the hot path). */
function finishValues(f: FinishedRun): unknown[] {
  return [
    f.outputs,
    f.log,
    f.timeline,
    f.finished_at,
    f.status,
    f.error,
    f.finished_at,
    f.time_used_ms,
    f.search_text,
    f.eventCount,
  ];
}

export function sqliteHotPath(raw: BetterSqlite3.Database): HotPath {
  // Prepared on first use: the tables exist only once the migrations ran.
  let s:
    | {
        insertRun: BetterSqlite3.Statement;
        selectPending: BetterSqlite3.Statement;
        claim: BetterSqlite3.Statement;
        finish: BetterSqlite3.Statement;
        finishPending: BetterSqlite3.Statement;
      }
    | undefined;
  const stmts = () => {
    s ??= {
      insertRun: raw.prepare(
        `insert into runs (${RUN_COLUMNS.join(", ")}) values (${RUN_COLUMNS.map(() => "?").join(", ")})`,
      ),
      selectPending: raw.prepare(
        `select ${CLAIMED_COLUMNS.join(", ")} from runs where status = 'Pending' order by id limit ?`,
      ),
      claim: raw.prepare(
        `update runs set status = 'Running', lease_owner = @owner, lease_expires_at = @expires,
           heartbeat_at = @now, running_since = @now, attempts = attempts + 1,
           started_at = coalesce(started_at, @now), event_seq = event_seq + 1, updated_at = @now
         where id = @id and status = 'Pending'
         returning ${CLAIMED_COLUMNS.join(", ")}`,
      ),
      finish: raw.prepare(
        `update runs set ${FINISH_SET}
         where id = ? and status = 'Running' and lease_owner = ?
         returning event_seq`,
      ),
      finishPending: raw.prepare(
        `update runs set ${FINISH_SET}, attempts = attempts + 1, heartbeat_at = ?,
           running_since = ?, started_at = coalesce(started_at, ?)
         where id = ? and status = 'Pending'
         returning event_seq`,
      ),
    };
    return s;
  };
  const eventStatements = new Map<number, BetterSqlite3.Statement>();
  const insertEvents = (n: number) => {
    let st = eventStatements.get(n);
    if (!st) {
      st = raw.prepare(
        `insert into run_events (run_id, seq, at, type, data) values ${Array.from({ length: n }, () => "(?, ?, ?, ?, ?)").join(", ")}`,
      );
      eventStatements.set(n, st);
    }
    return st;
  };
  return {
    async insertRuns(_db, rows: readonly NewRunRow[]) {
      const { insertRun } = stmts();
      for (const r of rows) insertRun.run(runValues(r));
    },
    async insertEvents(_db, rows: readonly RunEventRow[]) {
      // Multi-row statements (one per row count up to EVENTS_PER_STATEMENT, prepared once):
      // a batch's events cost a few statements instead of one each.
      for (let i = 0; i < rows.length; i += EVENTS_PER_STATEMENT) {
        const end = Math.min(rows.length, i + EVENTS_PER_STATEMENT);
        const params: unknown[] = [];
        for (let k = i; k < end; k++) {
          const e = rows[k] as RunEventRow;
          params.push(e.run_id, e.seq, e.at, e.type, e.data);
        }
        insertEvents(end - i).run(params);
      }
    },
    async selectPending(_db, limit) {
      if (limit <= 0) return [];
      return stmts().selectPending.all(limit) as ClaimedRun[];
    },
    async claimByIds(_db, ids, o) {
      const { claim } = stmts();
      const out: ClaimedRun[] = [];
      const p = { owner: o.owner, expires: o.now + o.leaseMs, now: o.now, id: "" };
      for (const id of ids) {
        p.id = id;
        const r = claim.get(p) as ClaimedRun | undefined;
        if (r) out.push(r);
      }
      return out;
    },
    async finishRuns(_db, rows: readonly FinishedRun[]) {
      const { finish } = stmts();
      return rows.map((f) => {
        const v = finishValues(f);
        v.push(f.id, f.owner);
        return (finish.get(v) as { event_seq: number } | undefined)?.event_seq;
      });
    },
    async finishPending(_db, rows: readonly FinishedRun[], startedAt: number) {
      const { finishPending } = stmts();
      return rows.map((f) => {
        const v = finishValues(f);
        v.push(startedAt, startedAt, startedAt, f.id);
        return (finishPending.get(v) as { event_seq: number } | undefined)?.event_seq;
      });
    },
  };
}
