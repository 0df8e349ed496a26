// Every case of ../shared/examples passes as a real run: startRun, the workers, answers.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunDetail, WorkerPoolHandle } from "../../src/engine/index.ts";
import type { Json } from "../../src/interpreter/types.ts";
import { createTestEngine, type TestEngine } from "../helpers/engines.ts";
import { dialects } from "../helpers/stores.ts";

const DIR = process.env.PLAINRUN_EXAMPLES ?? join(import.meta.dirname, "../../../shared/examples");

interface Expect {
  status: string;
  outputs?: Record<string, Json>;
  log?: string[];
  error?: { line: number; contains: string };
  question?: { line: number; contains: string };
}
interface Case {
  inputs: Record<string, Json>;
  expect: Expect;
  answer?: Json;
  then?: Expect;
}

const examples = readdirSync(DIR)
  .filter((f) => f.endsWith(".plain"))
  .map((f) => {
    const name = f.replace(/\.plain$/, "");
    return {
      name,
      source: readFileSync(join(DIR, f), "utf8"),
      cases: (JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as { cases: Case[] })
        .cases,
    };
  });

function check(run: RunDetail, want: Expect) {
  expect(run.status).toBe(want.status);
  if (want.outputs) expect(run.outputs).toEqual(want.outputs);
  if (want.log) expect(run.log).toEqual(want.log);
  if (want.error) {
    expect(run.error?.line).toBe(want.error.line);
    expect(run.error?.message).toContain(want.error.contains);
  }
  if (want.question) {
    expect(run.question?.line).toBe(want.question.line);
    expect(run.question?.text).toContain(want.question.contains);
  }
}

describe.each(dialects)("shared examples as runs on %s", (dialect) => {
  let te: TestEngine;
  let pool: WorkerPoolHandle;
  beforeAll(async () => {
    te = await createTestEngine(dialect);
    pool = await te.engine.startWorkers({ concurrency: 8, leaseMs: 5000 });
    for (const ex of examples) {
      await te.engine.processes.create({ name: ex.name, source: ex.source });
      await te.engine.processes.publish(ex.name);
    }
  });
  afterAll(async () => {
    await pool.stop({ graceMs: 0 });
    await te.cleanup();
  });

  it("has examples to run", () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  for (const ex of examples) {
    ex.cases.forEach((c, i) => {
      it(`${ex.name} case ${i + 1}`, async () => {
        const { engine } = te;
        const started = await engine.startRun({
          process: ex.name,
          inputs: c.inputs,
          trigger: { type: "test" },
        });
        const run = await engine.runs.waitFor(started.id, { orWaiting: true });
        check(run, c.expect);
        if (c.answer !== undefined && c.then) {
          await engine.runs.answer(run.id, c.answer);
          check(await engine.runs.waitFor(run.id, { orWaiting: true }), c.then);
        }
      });
    });
  }
});
