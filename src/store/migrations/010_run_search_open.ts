// SQLite: the runs that were not final when the search indexer met them are now indexed at
// once with the text they have (their inputs: a run's search_text changes only when it
// ends) and stay noted to be indexed again when they end, so a search no longer reads each
// of them one by one (thousands of runs waiting for answers made every search a scan).
// This indexes the ones an earlier version only noted. PostgreSQL: nothing (pg_trgm).
import { type Kysely, type Migration, sql } from "kysely";
import { FINAL_STATUSES } from "../schema.ts";

export function runSearchOpenMigration(blobType: "blob" | "bytea"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (blobType !== "blob") return;
      await sql`insert into run_search (rowid, text)
        select r.rowid, r.search_text from run_search_pending p join runs r on r.rowid = p.rid
        where r.status not in (${sql.join(FINAL_STATUSES.map((s) => sql.lit(s)))})`.execute(db);
    },
  };
}
