// The runs list's text search over thousands of runs: a rare text deep in the list is found,
// a common one pages newest first, % and _ are literal, and a run's outputs are searchable
// once it finishes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, WorkerPoolHandle } from "../../src/engine/index.ts";
import { createTestEngine, type TestEngine } from "../helpers/engines.ts";
import type { TestDialect } from "../helpers/stores.ts";

const RUNS = 2_600;

describe.each<TestDialect>(["sqlite", "postgres"])("runs text search (%s)", (dialect) => {
  let te: TestEngine;
  let engine: Engine;
  const ids: string[] = [];

  beforeAll(async () => {
    te = await createTestEngine(dialect);
    engine = te.engine;
    await engine.processes.create({ name: "greet", source: 'say "Hi {the customer name}"' });
    for (let from = 0; from < RUNS; from += 200) {
      const batch = Array.from({ length: 200 }, (_, k) => {
        const i = from + k;
        const name = i === 100 ? "needle-xyz" : i === 50 ? "100% sure_thing" : `c-${i}`;
        return engine.startRun({
          process: "greet",
          stage: "draft",
          inputs: { "customer name": name },
        });
      });
      for (const r of await Promise.all(batch)) ids.push(r.id);
    }
  }, 120_000);
  afterAll(() => te?.cleanup());

  it("finds a rare text older than the newest runs, and only where it is", async () => {
    const page = await engine.runs.list({ text: "NEEDLE-xyz" });
    expect(page.items.map((r) => r.id)).toEqual([ids[100]]);
    expect(page.next_cursor).toBeNull();
    expect((await engine.runs.list({ text: "needle-xyz", status: ["Running"] })).items).toEqual([]);
    expect((await engine.runs.list({ text: "nobody has this" })).items).toEqual([]);
  });

  it("pages through a common text newest first", async () => {
    const first = await engine.runs.list({ text: "c-1", limit: 50 });
    expect(first.items).toHaveLength(50);
    expect(first.items[0]!.id).toBe(
      ids.findLast((_, i) => `c-${i}`.includes("c-1") && i !== 100 && i !== 50),
    );
    const second = await engine.runs.list({ text: "c-1", limit: 50, cursor: first.next_cursor! });
    expect(second.items[0]!.id < first.items.at(-1)!.id).toBe(true);
  });

  it("takes % and _ literally", async () => {
    expect((await engine.runs.list({ text: "0% sure_th" })).items.map((r) => r.id)).toEqual([
      ids[50],
    ]);
    expect((await engine.runs.list({ text: "0%_sure" })).items).toEqual([]);
    expect((await engine.runs.list({ text: "c_12" })).items).toEqual([]);
  });
});

describe.each<TestDialect>(["sqlite", "postgres"])("a finished run's outputs (%s)", (dialect) => {
  let te: TestEngine;
  let pool: WorkerPoolHandle | undefined;
  afterAll(async () => {
    await pool?.stop({ graceMs: 0 });
    await te?.cleanup();
  });

  it("are found by the text search once it finishes", async () => {
    te = await createTestEngine(dialect);
    const engine = te.engine;
    await engine.processes.create({ name: "echo", source: 'the answer is "found {the word}"' });
    pool = await engine.startWorkers({ concurrency: 2, leaseMs: 5000 });
    const run = await engine.startRun({
      process: "echo",
      stage: "draft",
      inputs: { word: "platypus" },
    });
    await engine.runs.waitFor(run.id);
    const found = await engine.runs.list({ text: "found platypus" });
    expect(found.items.map((r) => r.id)).toEqual([run.id]);
  });
});
