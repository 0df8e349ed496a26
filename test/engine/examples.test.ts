// Every case of ../shared/examples passes as a real run: startRun, the workers, answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerPoolHandle } from "../../src/engine/index.ts";
import { createTestEngine, type TestEngine } from "../helpers/engines.ts";
import { loadExamples, mismatches } from "../helpers/examples.ts";
import { dialects } from "../helpers/stores.ts";

const examples = loadExamples();

describe.each(dialects)("shared examples as runs on %s", (dialect) => {
  let te: TestEngine;
  let pool: WorkerPoolHandle;
  beforeAll(async () => {
    te = await createTestEngine(dialect);
    pool = await te.engine.startWorkers({ concurrency: 8, leaseMs: 5000 });
    for (const name of new Set(examples.map((c) => c.name))) {
      const source = examples.find((c) => c.name === name)!.source;
      await te.engine.processes.create({ name, source });
      await te.engine.processes.publish(name);
    }
  });
  afterAll(async () => {
    await pool.stop({ graceMs: 0 });
    await te.cleanup();
  });

  it("has examples to run", () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  for (const c of examples) {
    it(`${c.name} case ${c.index + 1}`, async () => {
      const { engine } = te;
      const started = await engine.startRun({
        process: c.name,
        inputs: c.inputs,
        trigger: { type: "test" },
      });
      const run = await engine.runs.waitFor(started.id, { orWaiting: true });
      expect(mismatches(run, c.expect)).toEqual([]);
      if (c.answer !== undefined && c.then) {
        await engine.runs.answer(run.id, c.answer);
        expect(mismatches(await engine.runs.waitFor(run.id, { orWaiting: true }), c.then)).toEqual(
          [],
        );
      }
    });
  }
});
