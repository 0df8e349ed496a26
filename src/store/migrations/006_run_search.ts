// The runs list's text search index on SQLite (queries/runSearch.ts): an FTS5 trigram index
// of search_text without its own copy of the text (contentless, deletable rows), the rowid
// up to which it has indexed, and the runs it indexed before they were final. PostgreSQL:
// nothing yet (its searches scan).
import { type Kysely, type Migration, sql } from "kysely";

export function runSearchMigration(blobType: "blob" | "bytea"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (blobType !== "blob") return;
      await sql`create virtual table run_search using fts5(
        text, content = '', contentless_delete = 1, tokenize = 'trigram')`.execute(db);
      await sql`create table run_search_state (
        id integer primary key check (id = 1), last_rowid integer not null)`.execute(db);
      await sql`create table run_search_pending (rid integer primary key)`.execute(db);
    },
  };
}
