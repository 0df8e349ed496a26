// The runs list's text search on PostgreSQL: a pg_trgm GIN index of search_text, which the
// list's `search_text like '%…%'` uses, so a search for rare text reads the few runs that
// hold it instead of every run (SQLite has its FTS5 trigram index, 006_run_search). The
// extension is created in `public` (not a tenant's schema, whose drop would take it along)
// when it is not there yet; where it cannot be (not installed: Debian's postgresql-contrib,
// or no right to create it), the migration leaves the search as it was, a scan, and
// `runSearchIndexMissing` lets the server say so at start.
import { type Kysely, type Migration, sql } from "kysely";

export const PG_SEARCH_INDEX = "runs_search_trgm";

export function runSearchPgMigration(blobType: "blob" | "bytea"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (blobType !== "bytea") return;
      // One store at a time (several schemas may migrate at once): the second waits for the
      // first's commit and then finds the extension.
      await sql`select pg_advisory_xact_lock(hashtext('plainrun: create pg_trgm'))`.execute(db);
      // A PL/pgSQL block: its exception handler is a savepoint, so a refused CREATE
      // EXTENSION does not abort the migration's transaction.
      await sql`do $$
        begin
          if not exists (select 1 from pg_extension where extname = 'pg_trgm') then
            if exists (select 1 from pg_namespace where nspname = 'public') then
              create extension pg_trgm schema public;
            else
              create extension pg_trgm;
            end if;
          end if;
        exception when others then
          raise warning 'pg_trgm cannot be created (%): the runs list''s text search scans', sqlerrm;
        end $$`.execute(db);
      await createPgSearchIndex(db);
    },
  };
}

/** Creates the index when pg_trgm is there; false when it is not (bench/search uses it too). */
export async function createPgSearchIndex(db: Kysely<unknown>): Promise<boolean> {
  const ext = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e
    join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
  const schema = ext.rows[0]?.schema;
  if (schema === undefined) return false;
  // The operator class named with its schema: a store's search_path is its own schema.
  await sql`create index ${sql.id(PG_SEARCH_INDEX)} on runs
    using gin (search_text ${sql.id(schema)}.gin_trgm_ops)`.execute(db);
  return true;
}
