// Runs once before every test file: the tests use a real PostgreSQL (each test in a schema
// of its own). When it does not answer, say so once, with how to start it, and stop the run
// instead of failing every PostgreSQL test with a connection error and its follow-ons.
import pg from "pg";
import { PG_HOW_TO_START } from "../scripts/ensure-services.mjs";
import { PG_URL } from "./helpers/stores.ts";

export default async function checkPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    const why = err instanceof Error ? err.message || err.name : String(err);
    const e = new Error(
      `PostgreSQL is not answering at ${PG_URL} (${why}); the tests need it: ${PG_HOW_TO_START}.`,
    );
    e.stack = e.message;
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}
