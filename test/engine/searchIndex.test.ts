// The text search index (SQLite, store/queries/runSearch.ts): with the background indexer
// caught up, a search answers exactly what a scan answers, from the index (not a scan);
// runs stored after its last pass and runs that were not final when indexed (their outputs
// come later) are found too; short and common texts fall back to the scan.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Engine,
  type SearchIndexerHandle,
  startSearchIndexer,
  type WorkerPoolHandle,
} from "../../src/engine/index.ts";
import { searchCandidates } from "../../src/store/queries/runSearch.ts";
import { createTestEngine, type TestEngine } from "../helpers/engines.ts";

const RUNS = 1_200;

describe("runs text search with the index (sqlite)", () => {
  let te: TestEngine;
  let engine: Engine;
  let indexer: SearchIndexerHandle;
  let pool: WorkerPoolHandle | undefined;
  const ids: string[] = [];

  /** The ids a search finds, every page. */
  async function all(text: string, more: Record<string, unknown> = {}): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await engine.runs.list({
        text,
        limit: 100,
        ...more,
        ...(cursor ? { cursor } : {}),
      });
      out.push(...page.items.map((r) => r.id));
      if (!page.next_cursor) return out;
      cursor = page.next_cursor;
    }
  }

  /** The same search as a scan (what the list answers without the index). */
  async function scanned(text: string): Promise<string[]> {
    const rows = await te.t.store.db
      .selectFrom("runs")
      .select("id")
      .where("archived", "=", 0)
      .where("search_text", "like", `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      .orderBy("id", "desc")
      .execute();
    return rows.map((r) => r.id);
  }

  beforeAll(async () => {
    te = await createTestEngine("sqlite");
    engine = te.engine;
    await engine.processes.create({ name: "greet", source: 'say "Hi {the customer name}"' });
    const names = (i: number) =>
      i === 100
        ? "needle-xyz"
        : i === 50
          ? '100% sure_thing "quoted"'
          : i === 70
            ? "ÉCOLE Straße"
            : `c-${i}`;
    // Finished first, so the index holds their final text (not the pending list).
    pool = await engine.startWorkers({ concurrency: 4, leaseMs: 5000 });
    for (let from = 0; from < RUNS; from += 200) {
      const batch = Array.from({ length: 200 }, (_, k) =>
        engine.startRun({
          process: "greet",
          stage: "draft",
          inputs: { "customer name": names(from + k) },
        }),
      );
      for (const r of await Promise.all(batch)) ids.push(r.id);
    }
    for (const id of ids) await engine.runs.waitFor(id);
    await pool.stop({ graceMs: 0 });
    pool = undefined;
    indexer = startSearchIndexer(te.t.store, { warn() {}, error() {} }, 50) as SearchIndexerHandle;
    await indexer.caughtUp();
  }, 300_000);
  afterAll(async () => {
    await indexer?.stop();
    await pool?.stop({ graceMs: 0 });
    await te?.cleanup();
  });

  it("answers a rare text from the index, as a scan would", async () => {
    const candidates = await searchCandidates(te.t.store.db, "needle-xyz");
    expect(candidates).toBeDefined();
    expect(candidates!.length).toBeLessThan(RUNS / 2);
    expect(await all("NEEDLE-xyz")).toEqual([ids[100]]);
    expect(await all("needle-xyz", { status: ["Running"] })).toEqual([]);
    expect(await all("nobody has this")).toEqual([]);
  });

  it("takes %, _ and quotes literally, and folds case beyond ASCII", async () => {
    for (const text of [
      '0% sure_thing "quo',
      "0%_sure",
      "c_12",
      '"quoted"',
      "école",
      "STRASSE",
      "straße",
    ]) {
      expect(await all(text), text).toEqual(await scanned(text));
    }
    // Inputs are searched as their JSON: a quote inside a text is \" there.
    expect(await all('sure_thing \\"quoted\\"')).toEqual([ids[50]]);
    expect(await all("école straße")).toEqual([ids[70]]);
  });

  it("pages a common text newest first, and short texts, as a scan does", async () => {
    for (const text of ["c-1", "c-11", "hi", "c", "customer"]) {
      expect(await all(text), text).toEqual(await scanned(text));
    }
  });

  it("finds runs stored after the indexer's last pass, and outputs that came after indexing", async () => {
    await indexer.stop();
    const late = await engine.startRun({
      process: "greet",
      stage: "draft",
      inputs: { "customer name": "late-arrival" },
    });
    expect(await all("late-arrival")).toEqual([late.id]);

    // A run indexed while Pending: its outputs arrive when it finishes.
    await engine.processes.create({ name: "echo", source: 'the answer is "found {the word}"' });
    const run = await engine.startRun({
      process: "echo",
      stage: "draft",
      inputs: { word: "platypus" },
    });
    indexer = startSearchIndexer(te.t.store, { warn() {}, error() {} }, 50) as SearchIndexerHandle;
    await indexer.caughtUp();
    expect(await all("found platypus")).toEqual([]);
    // Not final yet, it is in the index with its inputs (not read one by one).
    expect(await all("platypus")).toEqual([run.id]);
    expect(await searchCandidates(te.t.store.db, "platypus")).toEqual([expect.any(Number)]);
    pool = await engine.startWorkers({ concurrency: 2, leaseMs: 5000 });
    await engine.runs.waitFor(run.id);
    expect(await all("found platypus")).toEqual([run.id]);
    await indexer.caughtUp();
    expect(await all("found platypus")).toEqual([run.id]);
    expect(await searchCandidates(te.t.store.db, "found platypus")).toEqual([expect.any(Number)]);
  });
});
