// The runs list's text search on PostgreSQL (migration 009_run_search_pg): the pg_trgm GIN
// index exists after migrating, it serves the list's LIKE for a rare text, and a search
// answers what a scan answers. Timing (the planner choosing it at scale): bench/search.
import { type Kysely, sql } from "kysely";
import { v7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  insertRuns,
  listRuns,
  type NewRunRow,
  newRunRow,
  pgSearchIndexed,
} from "../../src/store/index.ts";
import { createTestStore, insertPlainProcess, type TestStore } from "../helpers/stores.ts";

const RUNS = 20_000;

describe("runs text search on postgres (pg_trgm)", () => {
  let t: TestStore;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await createTestStore("postgres");
    const db = t.store.db;
    await insertPlainProcess(t.store);
    for (let from = 0; from < RUNS; from += 5_000) {
      const rows: NewRunRow[] = [];
      for (let i = from; i < from + 5_000; i++) {
        const text = `{"customer name":"customer-${i}"}\n{"greeting":"hello, customer-${i}!"}`;
        ids.push(v7({ msecs: 1_000_000 + i }));
        rows.push(
          newRunRow({
            id: ids[i] as string,
            process_id: "p1",
            stage: "published",
            version: 1,
            source_hash: "h",
            trigger: "api",
            trigger_details: "{}",
            inputs: "{}",
            input_values: "{}",
            file_ids: "[]",
            search_text: text,
            rerun_of: null,
            time_limit_ms: 1000,
            created_at: 1_000_000 + i,
          }),
        );
      }
      await t.store.dialect.writeTransaction((trx) => insertRuns(t.store.dialect, trx, rows));
    }
    await sql`analyze runs`.execute(db as unknown as Kysely<unknown>);
  }, 120_000);
  afterAll(() => t?.cleanup());

  it("has the trigram index after migrating", async () => {
    expect(await pgSearchIndexed(t.store.db)).toBe(true);
  });

  it("serves the list's LIKE on a rare text from the index, not a walk of the runs", async () => {
    // The statement listRuns makes for a text search (newest first, one page). At this
    // test's size a scan of the table costs the planner little, so scans are priced out: the
    // plan shows the index serves this LIKE (its escape included) rather than a walk of the
    // id index; bench/search shows the planner choosing it by itself on 100,000 runs.
    const plan = await t.store.db.transaction().execute(async (trx) => {
      const db = trx as unknown as Kysely<unknown>;
      await sql`set local enable_seqscan = off`.execute(db);
      return sql<{ "QUERY PLAN": string }>`explain
        select id from runs where archived = 0
        and search_text like ${'%customer-12345"%'} escape '\\'
        order by id desc limit 50`.execute(db);
    });
    const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/Bitmap Index Scan on runs_search_trgm/);
    expect(text).not.toMatch(/Seq Scan on runs/);
  });

  it("answers what a scan answers, rare and common texts alike", async () => {
    const list = (text: string) =>
      listRuns(t.store.db, { text, limit: 50 }, "postgres").then((r) => r.map((x) => x.id));
    // What a scan finds, from the texts as stored, newest first.
    const scanned = (text: string) =>
      ids
        .map((id, i) => ({ id, i }))
        .filter(({ i }) => `customer-${i}"`.includes(text) || `customer-${i}!`.includes(text))
        .map(({ id }) => id)
        .reverse()
        .slice(0, 50);
    expect(await list('customer-12345"')).toEqual([ids[12345]]);
    expect(await list("CUSTOMER-1999")).toEqual(scanned("customer-1999"));
    expect(await list("CUSTOMER-1999")).toHaveLength(11);
    expect(await list("nobody-at-all")).toEqual([]);
    expect(await list("hello")).toEqual(ids.slice(-50).reverse());
  });
});
