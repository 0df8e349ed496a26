// Worker pools in separate OS processes: every run executed exactly once; a worker killed
// with SIGKILL loses no run (another takes it over once the lease expires).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Engine, WorkerPoolHandle } from "../../src/engine/index.ts";
import { countRunsByStatus } from "../../src/store/index.ts";
import { forkWorker, type WorkerChild } from "../helpers/children.ts";
import { createTestEngine, publishedProcess, type TestEngine, until } from "../helpers/engines.ts";
import { dialects } from "../helpers/stores.ts";

const LOOP = "repeat 1000000000 times\n  add 1 to the count\n";

async function statusEvents(engine: Engine, status: string) {
  const rows = await engine.store.db
    .selectFrom("run_events")
    .select(["run_id", "data"])
    .where("type", "=", "status")
    .execute();
  return rows
    .map((r) => ({
      run_id: r.run_id,
      data: JSON.parse(r.data) as { status: string; worker?: string; recovered?: boolean },
    }))
    .filter((r) => r.data.status === status);
}

describe.each(dialects)("worker processes on %s", (dialect) => {
  let te: TestEngine;
  let children: WorkerChild[];
  let pool: WorkerPoolHandle | undefined;
  beforeEach(async () => {
    te = await createTestEngine(dialect);
    children = [];
    pool = undefined;
  });
  afterEach(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await pool?.stop({ graceMs: 0 });
    await te.cleanup();
  });

  it("4 pools in 4 processes drain 5,000 runs, each executed exactly once", {
    timeout: 120_000,
  }, async () => {
    const { engine } = te;
    await publishedProcess(engine, "one", "the x is 1\n");
    children = await Promise.all([0, 1, 2, 3].map(() => forkWorker(te.t, { CONCURRENCY: "8" })));
    const N = 5000;
    for (let i = 0; i < N; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, N - i) }, () => engine.startRun({ process: "one" })),
      );
    }
    await until(
      async () => ((await countRunsByStatus(engine.store.db)).Succeeded === N ? true : undefined),
      90_000,
      100,
    );
    const running = await statusEvents(engine, "Running");
    expect(running.length).toBe(N);
    expect(new Set(running.map((r) => r.run_id)).size).toBe(N);
    expect((await statusEvents(engine, "Succeeded")).length).toBe(N);
    const workers = new Set(running.map((r) => r.data.worker));
    expect(workers.size).toBeGreaterThan(1);
    const retried = await engine.store.db
      .selectFrom("runs")
      .select("id")
      .where("attempts", "!=", 1)
      .execute();
    expect(retried).toEqual([]);
    await Promise.all(children.map((c) => c.stop()));
  });

  it("resumes a run whose worker was killed with SIGKILL, once its lease expires", {
    timeout: 60_000,
  }, async () => {
    const { engine } = te;
    await publishedProcess(engine, "loop", LOOP);
    const leaseMs = 1000;
    const child = await forkWorker(te.t, {
      LEASE_MS: String(leaseMs),
      CHECKPOINT_MS: "200",
      CONCURRENCY: "1",
    });
    children.push(child);
    const run = await engine.startRun({ process: "loop" });
    // Running on the child, with a checkpoint stored.
    await until(async () => {
      const row = await engine.store.db
        .selectFrom("runs")
        .selectAll()
        .where("id", "=", run.id)
        .executeTakeFirst();
      return row?.lease_owner === child.workerId && row.exec_state ? row : undefined;
    });
    await child.kill();
    pool = await engine.startWorkers({ concurrency: 1, leaseMs, checkpointMs: 200 });
    const taken = await until(async () => {
      const row = await engine.store.db
        .selectFrom("runs")
        .selectAll()
        .where("id", "=", run.id)
        .executeTakeFirst();
      return row?.lease_owner === pool?.workerId ? row : undefined;
    });
    expect(taken).toMatchObject({ status: "Running", recoveries: 1, attempts: 2 });
    // It resumed from the checkpoint: the count it had reached is still there.
    const recovered = (await statusEvents(engine, "Running")).filter((e) => e.data.recovered);
    expect(recovered.map((e) => e.run_id)).toEqual([run.id]);
    await engine.runs.cancel(run.id);
    expect((await engine.runs.waitFor(run.id)).status).toBe("Cancelled");
  });

  it("ends a run Failed with the reason after too many lost workers", {
    timeout: 60_000,
  }, async () => {
    const { engine } = te;
    await publishedProcess(engine, "loop", LOOP);
    const child = await forkWorker(te.t, { LEASE_MS: "800", CONCURRENCY: "1" });
    children.push(child);
    const run = await engine.startRun({ process: "loop" });
    await until(async () =>
      (await engine.runs.get(run.id)).status === "Running" ? true : undefined,
    );
    await child.kill();
    pool = await engine.startWorkers({ concurrency: 1, leaseMs: 800, maxRecoveries: 0 });
    const done = await engine.runs.waitFor(run.id);
    expect(done.status).toBe("Failed");
    expect(done.error?.message).toMatch(/stopped responding/);
  });
});
