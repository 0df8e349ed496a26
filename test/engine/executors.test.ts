// Executor threads apply the same bounds as a worker pool on the caller's thread (issue 7):
// the engine's runLimits and the process's time limit reach the runs an executor executes,
// wired as `plainrun serve` wires them (SQLite, the process's write lock, notifications
// forwarded to the executors).
import { afterEach, describe, expect, it } from "vitest";
import { type Engine, openServerEngine } from "../../src/engine/index.ts";
import type { RunLimits } from "../../src/interpreter/limits.ts";
import { createTestEngine, publishedProcess } from "../helpers/engines.ts";
import { DOUBLING_LIST } from "../helpers/poison.ts";
import { createTestStore } from "../helpers/stores.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An engine whose runs execute in executor threads, as `plainrun serve` opens it. */
async function engineWithExecutors(
  runLimits?: Partial<RunLimits>,
  memoryMb = 256,
): Promise<Engine> {
  const t = await createTestStore("sqlite");
  const server = await openServerEngine({
    url: t.url,
    logger: { warn() {}, error() {} },
    workers: {
      concurrency: 2,
      inThreads: true,
      logLevel: "silent",
      memoryMb,
      watchdogMs: 60_000,
      ...(runLimits ? { runLimits } : {}),
    },
  });
  await server.started;
  cleanups.push(async () => {
    await server.close(0);
    await t.cleanup();
  });
  return server.engine;
}

function finalRun(engine: Engine, id: string) {
  return engine.runs.waitFor(id, { timeoutMs: 240_000 });
}

describe("executor threads", () => {
  it("apply the engine's runLimits as a pool on the caller's thread does", async () => {
    const runLimits = { listItems: 10 };
    const inline = await createTestEngine("sqlite");
    cleanups.push(inline.cleanup);
    await inline.engine.startWorkers({ concurrency: 1, runLimits });
    const threaded = await engineWithExecutors(runLimits);
    const errors = [];
    for (const engine of [inline.engine, threaded]) {
      await publishedProcess(engine, "doubling", DOUBLING_LIST);
      const run = await finalRun(engine, (await engine.startRun({ process: "doubling" })).id);
      expect(run.status).toBe("Failed");
      errors.push(run.error);
    }
    expect(errors[0]).toEqual({ line: 3, message: "a list can hold at most 10 items" });
    expect(errors[1]).toEqual(errors[0]);
  }, 120_000);

  it("end a run that grows its state in the most memory-hungry way by the state bound, not by dying", async () => {
    // Empty lists: 3 bytes of JSON each, about 40 of V8's heap. The state bound counts
    // memory, so a run reaches it long before its executor's heap is full. Scaled down
    // (16 MB of state, 128 MB of heap) from the defaults (64 MB, 512 MB): the executor's own
    // heap takes a larger share of the smaller bound.
    const engine = await engineWithExecutors({ stateBytes: 16 * 1024 * 1024 }, 128);
    const words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi";
    const copies = words.split(" ").map((w) => `the ${w} rows are the rows`);
    const source = [
      "imagine the empty",
      "the rows are the empty, the empty",
      "repeat 17 times",
      "  add the rows to the rows",
      ...copies,
      'say "done"',
    ].join("\n");
    await publishedProcess(engine, "lists", source);
    const run = await finalRun(engine, (await engine.startRun({ process: "lists" })).id);
    expect(run.status).toBe("Failed");
    expect(run.error?.message).toBe("the run's values passed their 16 MB limit");
  }, 300_000);

  it("end a run at its process's time limit", async () => {
    const engine = await engineWithExecutors();
    const p = await engine.processes.create({
      name: "endless",
      source: "the n is 0\nrepeat 1000000000 times\n  add 1 to the n",
      settings: { time_limit_ms: 1000 },
    });
    await engine.processes.publish(p.id);
    const run = await finalRun(engine, (await engine.startRun({ process: "endless" })).id);
    expect(run.status).toBe("TimedOut");
    expect(run.error).toMatchObject({ message: "the run passed its time limit" });
    expect(run.time_used_ms).toBeGreaterThanOrEqual(1000);
  }, 120_000);
});
