// The runs table: filters, newest first, keyset pagination on the (time-ordered) uuid v7 id.
import { sql } from "kysely";
import type { DialectName } from "../dialects/dialect.ts";
import type { RunStatus, Stage, TriggerType } from "../schema.ts";
import type { Db } from "./db.ts";
import { uuidFloor } from "./runActivity.ts";
import { SUMMARY_COLUMNS } from "./runColumns.ts";
import { searchCandidates } from "./runSearch.ts";

export interface RunFilter {
  processId?: string;
  statuses?: readonly RunStatus[];
  stage?: Stage;
  triggers?: readonly TriggerType[];
  /** false (default): not archived; true: only archived; "all": both. */
  archived?: boolean | "all";
  createdFrom?: number;
  createdTo?: number;
  /** Case-insensitive text that must appear in the run's inputs or outputs. */
  text?: string;
  rerunOf?: string;
  /** Only runs with an id below this one (the previous page's last id). */
  beforeId?: string;
  limit: number;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** How long a run's id (taken when it is prepared) may precede its created_at (the commit). */
const ID_LEAD_MS = 3_600_000;

/**
 * The runs that pass every filter; run ids are uuid v7, so dates also bound the id. A text
 * is looked up in the search index first (SQLite, runSearch.ts) when it can narrow the runs
 * to read; else the runs are read newest first until a page matches.
 */
export async function listRuns(db: Db, f: RunFilter, dialect: DialectName) {
  const text = f.text ? likePattern(f.text) : undefined;
  const candidates =
    f.text && dialect === "sqlite" ? await searchCandidates(db, f.text.toLowerCase()) : undefined;
  let q = db.selectFrom("runs").select(SUMMARY_COLUMNS);
  if (candidates) {
    if (candidates.length === 0) return [];
    // Literal rowids, so SQLite's planner knows how few they are and looks them up first.
    q = q.where(sql<boolean>`runs.rowid in (${sql.join(candidates.map((r) => sql.lit(r)))})`);
  }
  if (f.processId !== undefined) q = q.where("process_id", "=", f.processId);
  if (f.statuses && f.statuses.length > 0) q = q.where("status", "in", f.statuses);
  if (f.stage !== undefined) q = q.where("stage", "=", f.stage);
  if (f.triggers && f.triggers.length > 0) q = q.where("trigger", "in", f.triggers);
  const archived = f.archived ?? false;
  if (archived !== "all") q = q.where("archived", "=", archived ? 1 : 0);
  if (f.createdFrom !== undefined) {
    q = q.where("created_at", ">=", f.createdFrom);
    q = q.where("id", ">=", uuidFloor(f.createdFrom - ID_LEAD_MS));
  }
  if (f.createdTo !== undefined) {
    q = q.where("created_at", "<", f.createdTo);
    q = q.where("id", "<", uuidFloor(f.createdTo));
  }
  if (f.rerunOf !== undefined) q = q.where("rerun_of", "=", f.rerunOf);
  if (text) q = q.where(sql<boolean>`search_text like ${text} escape '\\'`);
  if (f.beforeId !== undefined) q = q.where("id", "<", f.beforeId);
  // With candidates, `+id` keeps SQLite from walking the id index in order to skip the sort:
  // the few candidate rows are fetched by rowid and sorted.
  return q
    .orderBy(candidates ? sql`+id` : "id", "desc")
    .limit(f.limit)
    .execute();
}
