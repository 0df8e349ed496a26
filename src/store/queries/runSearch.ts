// The runs list's text search index (SQLite): an FTS5 trigram index of each run's
// search_text, filled by a background indexer (indexRunSearch, which the server calls in
// its own small transactions) and never by the transactions that store, execute and finish
// runs, so the hot path writes nothing more. A search asks the index for the runs whose
// text contains the words, adds the runs it has not indexed yet (the newest, and those
// that have ended since it indexed them without their outputs), and the query keeps
// its LIKE on search_text: the index only narrows, the answer is the same as a scan's.
// PostgreSQL: a pg_trgm GIN index on search_text (migration 009_run_search_pg) that the
// LIKE itself uses, so nothing here; without pg_trgm its searches scan.
import { sql } from "kysely";
import { PG_SEARCH_INDEX } from "../migrations/009_run_search_pg.ts";
import { FINAL_STATUSES, RUN_STATUSES } from "../schema.ts";
import type { Db } from "./db.ts";

/** Runs indexed per transaction: small, so a write or a request never waits long for one. */
export const SEARCH_BATCH = 500;
/** Beyond this many index matches a text is common: the newest-first scan fills a page sooner. */
const MAX_MATCHES = 1_000;
/** Runs the index does not cover yet that a search reads one by one; beyond, it scans. */
const MAX_UNINDEXED = 5_000;

const FINAL = sql.join(FINAL_STATUSES.map((s) => sql.lit(s)));
/**
 * The noted runs that have ended since they were indexed: the index holds their text
 * without the outputs until the indexer comes by, so a search reads them directly.
 */
const OPEN = sql.join(
  RUN_STATUSES.filter((s) => !(FINAL_STATUSES as readonly string[]).includes(s)).map((s) =>
    sql.lit(s),
  ),
);
// The noted runs minus those still open, read from the (status, id) index alone (it holds
// the rowids): cheap however many runs wait, where looking each noted run up is not.
const ENDED_SINCE = sql`(select rid from run_search_pending
  except select rowid from runs where status in (${OPEN}))`;

interface RowText {
  rid: number;
  status: string | null;
  search_text: string | null;
}

/** JSON object of rowid → text, for one insert of many rows through json_each. */
function textsJson(rows: readonly RowText[]): string {
  const o: Record<string, string> = {};
  for (const r of rows) if (r.search_text !== null) o[r.rid] = r.search_text;
  return JSON.stringify(o);
}

/**
 * Indexes up to `batch` runs: first those noted before they were final that are final (or
 * gone) now, then the runs stored since the last call (by rowid, SQLite's insert order).
 * Call it inside a write transaction; returns how many runs it indexed (0: up to date).
 */
export async function indexRunSearch(db: Db, batch = SEARCH_BATCH): Promise<number> {
  const state = await sql<{ last_rowid: number }>`
    select last_rowid from run_search_state where id = 1`.execute(db);
  const last = state.rows[0]?.last_rowid ?? 0;
  const done = await sql<RowText>`
    select p.rid as rid, r.status as status, r.search_text as search_text
    from run_search_pending p left join runs r on r.rowid = p.rid
    where r.rowid is null or r.status in (${FINAL})
    limit ${batch}`.execute(db);
  if (done.rows.length > 0) {
    const rids = JSON.stringify(done.rows.map((r) => r.rid));
    await sql`delete from run_search where rowid in (select value from json_each(${rids}))`.execute(
      db,
    );
    await sql`insert into run_search (rowid, text)
      select cast(key as integer), value from json_each(${textsJson(done.rows)})`.execute(db);
    await sql`delete from run_search_pending where rid in (select value from json_each(${rids}))`.execute(
      db,
    );
  }
  const room = batch - done.rows.length;
  if (room <= 0) return done.rows.length;
  const fresh = await sql<RowText>`
    select rowid as rid, status, search_text from runs where rowid > ${last}
    order by rowid limit ${room}`.execute(db);
  if (fresh.rows.length === 0) return done.rows.length;
  // A run not final yet is indexed with the text it has (its inputs: search_text changes
  // only when a run ends) and noted, to be indexed again with its outputs once it ends.
  const isFinal = (r: RowText) => (FINAL_STATUSES as readonly unknown[]).includes(r.status);
  await sql`insert into run_search (rowid, text)
    select cast(key as integer), value from json_each(${textsJson(fresh.rows)})`.execute(db);
  const open = fresh.rows.filter((r) => !isFinal(r));
  if (open.length > 0) {
    await sql`insert or ignore into run_search_pending (rid)
      select value from json_each(${JSON.stringify(open.map((r) => r.rid))})`.execute(db);
  }
  const top = fresh.rows[fresh.rows.length - 1]?.rid ?? last;
  await sql`insert into run_search_state (id, last_rowid) values (1, ${top})
    on conflict (id) do update set last_rowid = excluded.last_rowid`.execute(db);
  return done.rows.length + fresh.rows.length;
}

/**
 * The rowids of the only runs whose search_text may contain `text` (lower case), or
 * undefined when the index cannot narrow the search: a text under 3 characters (a trigram),
 * a text so common that scanning newest first is quicker, or too many runs not indexed yet
 * (the indexer is not running, as under a CLI command, or is catching up).
 */
export async function searchCandidates(db: Db, text: string): Promise<number[] | undefined> {
  if ([...text].length < 3) return undefined;
  const state = await sql<{ last_rowid: number; top: number | null }>`
    select s.last_rowid as last_rowid, (select max(rowid) from runs) as top
    from run_search_state s where s.id = 1`.execute(db);
  const s = state.rows[0];
  if (!s) return undefined;
  if ((s.top ?? 0) - s.last_rowid > MAX_UNINDEXED) return undefined;
  // A phrase of the text's trigrams: the runs whose text holds it as a substring. One
  // statement, so the index, the pending list and the newest runs are one snapshot (a run
  // the indexer moves from the pending list into the index meanwhile is in one of them).
  const phrase = `"${text.replace(/"/g, '""')}"`;
  const rows = await sql<{ m: number; rid: number }>`
    select 1 as m, rid from (
      select rowid as rid from run_search where run_search match ${phrase}
      limit ${MAX_MATCHES + 1})
    union all select 0, rowid from runs
      where rowid > (select last_rowid from run_search_state where id = 1)
    union all select 0, rid from ${ENDED_SINCE}`.execute(db);
  let matches = 0;
  for (const r of rows.rows) matches += r.m;
  if (matches > MAX_MATCHES || rows.rows.length - matches > MAX_UNINDEXED) return undefined;
  return rows.rows.map((r) => r.rid);
}

/**
 * PostgreSQL: whether the runs' pg_trgm search index exists in this store's schema (it
 * does not where the extension could not be created: the text search then scans).
 */
export async function pgSearchIndexed(db: Db): Promise<boolean> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from pg_indexes
    where schemaname = current_schema() and indexname = ${PG_SEARCH_INDEX}`.execute(db);
  return (r.rows[0]?.n ?? 0) > 0;
}
