// The life cycle of PRODUCT.md through startRun and the workers, on both dialects.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WorkerPoolHandle } from "../../src/engine/index.ts";
import { EngineError } from "../../src/engine/index.ts";
import { countRunsByStatus } from "../../src/store/index.ts";
import {
  createTestEngine,
  publishedProcess,
  snapshot,
  type TestEngine,
  until,
} from "../helpers/engines.ts";
import { dialects } from "../helpers/stores.ts";

const GREET = 'the greeting is "Hello, {the name}!"\nsay the greeting\n';
const FAILS = 'the total is 1\nfail with "boom"\n';
const ASKS = 'get the approver\nsay "Sent to {the approver}"\n';
const LOOP = "repeat 1000000000 times\n  add 1 to the count\n";
const ASK_THEN_LOOP = "get the approver\nrepeat 1000000000 times\n  add 1 to the count\n";

async function expectError(p: Promise<unknown>, code: string, message?: RegExp) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe(code);
  if (message) expect((err as EngineError).message).toMatch(message);
}

describe.each(dialects)("run life cycle on %s", (dialect) => {
  let te: TestEngine;
  let pool: WorkerPoolHandle | undefined;
  beforeEach(async () => {
    te = await createTestEngine(dialect);
    pool = undefined;
  });
  afterEach(async () => {
    await pool?.stop({ graceMs: 0 });
    await te.cleanup();
  });
  const workers = async () => {
    pool = await te.engine.startWorkers({ concurrency: 4, leaseMs: 2000, pollMs: 200 });
    return pool;
  };

  it("runs to Succeeded with outputs, log, timeline and events", async () => {
    const { engine } = te;
    await publishedProcess(engine, "greet", GREET);
    await workers();
    const run = await engine.startRun({ process: "greet", inputs: { name: "Ada" } });
    expect(run).toMatchObject({
      status: "Pending",
      stage: "published",
      version: 1,
      trigger: "manual",
    });
    const done = await engine.runs.waitFor(run.id);
    expect(done).toMatchObject({
      status: "Succeeded",
      outputs: { greeting: "Hello, Ada!" },
      log: ["Hello, Ada!"],
      error: null,
      attempts: 1,
    });
    expect(done.started_at).not.toBeNull();
    expect(done.finished_at).not.toBeNull();
    expect(done.timeline?.entries.length).toBe(2);
    const events = await engine.runs.events(run.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(
      events.filter((e) => e.type === "status").map((e) => (e.data as { status: string }).status),
    ).toEqual(["Pending", "Running", "Succeeded"]);
    expect(events.filter((e) => e.type === "step").length).toBe(2);
    expect(events.filter((e) => e.type === "log").map((e) => e.data)).toEqual([
      { text: "Hello, Ada!" },
    ]);
    expect((await engine.runs.events(run.id, events.length - 1)).length).toBe(1);
  });

  it("holds no more leases than its concurrency and drains a backlog without the poll", async () => {
    const { engine } = te;
    await publishedProcess(engine, "busy", "repeat 300000 times\n  add 1 to the count\n");
    await publishedProcess(engine, "quick", "the done is true\n");
    const runs = await Promise.all(
      Array.from({ length: 24 }, (_, i) => engine.startRun({ process: i % 3 ? "quick" : "busy" })),
    );
    // A poll far away: every claim after the first must come from finished runs' slots.
    // A lease long enough that a loaded machine never lets one expire: this is about slots.
    pool = await engine.startWorkers({ concurrency: 3, pollMs: 60_000 });
    let maxRunning = 0;
    let maxActive = 0;
    await until(async () => {
      maxActive = Math.max(maxActive, pool?.active ?? 0);
      const counts = await countRunsByStatus(engine.store.db);
      maxRunning = Math.max(maxRunning, counts.Running ?? 0);
      return (counts.Succeeded ?? 0) === runs.length ? true : undefined;
    });
    // The pool never executes more than its concurrency.
    expect(maxActive).toBeLessThanOrEqual(3);
    expect(maxRunning).toBeGreaterThan(0);
    // A slot frees when its run's finish is taken into a transaction, and the claim that
    // refills it may commit first in another of the transactions PostgreSQL has in flight
    // (writeConcurrency of them): until then the finished run's row still reads Running.
    expect(maxRunning).toBeLessThanOrEqual(3 + engine.store.dialect.writeConcurrency - 1);
  });

  it("runs the draft, recording the exact source", async () => {
    const { engine } = te;
    const p = await engine.processes.create({ name: "d", source: GREET });
    await workers();
    const run = await engine.startRun({ process: p.id, stage: "draft", inputs: { name: "Bo" } });
    const done = await engine.runs.waitFor(run.id);
    expect(done).toMatchObject({
      status: "Succeeded",
      stage: "draft",
      version: null,
      source_hash: p.draft_hash,
    });
  });

  it("ends Failed with the line and message", async () => {
    const { engine } = te;
    await publishedProcess(engine, "fails", FAILS);
    await workers();
    const run = await engine.startRun({ process: "fails" });
    const done = await engine.runs.waitFor(run.id);
    expect(done.status).toBe("Failed");
    expect(done.error).toMatchObject({ line: 2 });
    expect(done.error?.message).toContain("boom");
    expect(done.outputs).toEqual({ total: 1 });
  });

  it("waits for an answer holding no worker, then resumes where it stopped", async () => {
    const { engine } = te;
    await publishedProcess(engine, "asks", ASKS);
    await workers();
    const run = await engine.startRun({ process: "asks" });
    const waiting = await engine.runs.waitFor(run.id, { orWaiting: true });
    expect(waiting.status).toBe("AwaitingAnswer");
    expect(waiting.question).toMatchObject({ line: 1 });
    expect(waiting.question?.text).toContain("approver");
    expect(pool?.active).toBe(0);
    const answered = await engine.runs.answer(run.id, "Linus", { by: "grace" });
    expect(["Pending", "Running", "Succeeded"]).toContain(answered.status);
    const done = await engine.runs.waitFor(run.id);
    expect(done).toMatchObject({
      status: "Succeeded",
      outputs: { approver: "Linus" },
      log: ["Sent to Linus"],
      attempts: 2,
    });
    const types = (await engine.runs.events(run.id)).map((e) => e.type);
    expect(types).toContain("question");
    expect(types).toContain("answer");
    // A second answer is refused and changes nothing.
    const snap = await snapshot(engine);
    await expectError(engine.runs.answer(run.id, "Again"), "conflict", /not waiting/);
    expect(await snapshot(engine)).toBe(snap);
  });

  it("refuses an answer to a run that is not waiting, and a second answer while requeued", async () => {
    const { engine } = te;
    await publishedProcess(engine, "asks", ASKS);
    const run = await engine.startRun({ process: "asks" });
    const snap = await snapshot(engine);
    await expectError(engine.runs.answer(run.id, "x"), "conflict", /not waiting/);
    expect(await snapshot(engine)).toBe(snap);
    await workers();
    await engine.runs.waitFor(run.id, { orWaiting: true });
    await pool?.stop({ graceMs: 0 });
    pool = undefined;
    await engine.runs.answer(run.id, "Linus");
    const snap2 = await snapshot(engine);
    await expectError(engine.runs.answer(run.id, "Other"), "conflict", /answered already/);
    expect(await snapshot(engine)).toBe(snap2);
  });

  it("refuses inputs and answers nested too deep, naming the limit, storing nothing", async () => {
    const { engine } = te;
    await publishedProcess(engine, "asks", ASKS);
    let deep: unknown = "bottom";
    for (let i = 0; i < 10_000; i++) deep = { x: deep };
    const snap = await snapshot(engine);
    await expectError(
      engine.startRun({ process: "asks", inputs: { approver: deep } as never }),
      "invalid",
      /nested deeper than 64 levels/,
    );
    expect(await snapshot(engine)).toBe(snap);
    const run = await engine.startRun({ process: "asks" });
    await workers();
    await engine.runs.waitFor(run.id, { orWaiting: true });
    const waiting = await snapshot(engine);
    await expectError(engine.runs.answer(run.id, deep as never), "invalid", /nested deeper/);
    expect(await snapshot(engine)).toBe(waiting);
  });

  it("cancels a running tight loop", async () => {
    const { engine } = te;
    await publishedProcess(engine, "loop", LOOP);
    await workers();
    const run = await engine.startRun({ process: "loop" });
    await until(async () =>
      (await engine.runs.get(run.id)).status === "Running" ? true : undefined,
    );
    // The loop runs for minutes: only the cancel can end it before the test's timeout.
    await engine.runs.cancel(run.id, { by: "ada" });
    const done = await engine.runs.waitFor(run.id, { pollMs: 10 });
    expect(done).toMatchObject({ status: "Cancelled", cancelled_by: "ada" });
    // Cancel of a final run is refused, and nothing changes.
    const snap = await snapshot(engine);
    await expectError(engine.runs.cancel(run.id), "conflict", /already Cancelled/);
    expect(await snapshot(engine)).toBe(snap);
  });

  it("cancels Pending and waiting runs at once", async () => {
    const { engine } = te;
    await publishedProcess(engine, "asks", ASKS);
    const pending = await engine.startRun({ process: "asks" });
    expect((await engine.runs.cancel(pending.id)).status).toBe("Cancelled");
    await workers();
    const waiting = await engine.startRun({ process: "asks" });
    await engine.runs.waitFor(waiting.id, { orWaiting: true });
    expect((await engine.runs.cancel(waiting.id)).status).toBe("Cancelled");
    await expectError(engine.runs.answer(waiting.id, "x"), "conflict");
  });

  it("ends TimedOut after its time limit, not counting time awaiting an answer", async () => {
    const { engine } = te;
    const p = await engine.processes.create({
      name: "slow",
      source: ASK_THEN_LOOP,
      settings: { time_limit_ms: 600 },
    });
    await engine.processes.publish(p.id);
    await workers();
    const run = await engine.startRun({ process: "slow" });
    const waiting = await engine.runs.waitFor(run.id, { orWaiting: true });
    // More wall time than the whole limit passes while the run waits for its answer: from
    // the moment it was stored as waiting (the condition the test needs, not a guess of how
    // long a step takes).
    const since = Date.parse(waiting.updated_at);
    await until(async () => (Date.now() - since > 800 ? true : undefined));
    // Still waiting, so the answer is taken; then the loop uses up the limit.
    await engine.runs.answer(run.id, "x");
    const done = await engine.runs.waitFor(run.id);
    expect(done.status).toBe("TimedOut");
    expect(done.time_used_ms).toBeGreaterThanOrEqual(590);
    // It ran after the answer: had the wait counted, it would have ended at once, with no step.
    const events = await engine.runs.events(run.id, waiting.last_event_seq);
    expect(events.some((e) => e.type === "step")).toBe(true);
  });

  it("never changes a final state", async () => {
    const { engine } = te;
    await publishedProcess(engine, "greet", GREET);
    await workers();
    const run = await engine.startRun({ process: "greet", inputs: { name: "A" } });
    await engine.runs.waitFor(run.id);
    const snap = await snapshot(engine);
    await expectError(engine.runs.cancel(run.id), "conflict");
    await expectError(engine.runs.answer(run.id, "x"), "conflict");
    expect(await snapshot(engine)).toBe(snap);
  });

  it("refuses bad startRun requests clearly, storing nothing", async () => {
    const { engine } = te;
    await engine.processes.create({ name: "draft only", source: GREET });
    await publishedProcess(engine, "greet", GREET);
    const snap = await snapshot(engine);
    await expectError(engine.startRun({ process: "nope" }), "not_found", /No process/);
    await expectError(engine.startRun({ process: "draft only" }), "stage", /no published version/);
    await expectError(
      engine.startRun({ process: "greet", stage: "draft", trigger: { type: "schedule" } }),
      "stage",
      /schedule/,
    );
    await expectError(engine.startRun({ process: "greet", stage: "staging" as never }), "invalid");
    await expectError(
      engine.startRun({ process: "greet", inputs: [1, 2] as never }),
      "invalid",
      /JSON object/,
    );
    await expectError(
      engine.startRun({ process: "greet", inputs: "x" as never }),
      "invalid",
      /JSON object/,
    );
    await expectError(
      engine.startRun({ process: "greet", inputs: { a: 1, "the A": 2 } }),
      "invalid",
      /same fact/,
    );
    await expectError(
      engine.startRun({ process: "greet", inputs: { big: "x".repeat(1024 * 1024 + 1) } }),
      "too_large",
    );
    const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`k${i}`, i]));
    await expectError(engine.startRun({ process: "greet", inputs: many }), "too_large");
    await expectError(
      engine.startRun({ process: "greet", fileIds: ["f".repeat(64)] }),
      "not_found",
      /No file/,
    );
    await expectError(
      engine.startRun({ process: "greet", trigger: { type: "carrier pigeon" as never } }),
      "invalid",
    );
    expect(await snapshot(engine)).toBe(snap);
  });

  it("refuses an oversized file, storing nothing", async () => {
    const te2 = await createTestEngine(dialect, { limits: { maxFileBytes: 10 } });
    try {
      const { engine } = te2;
      await publishedProcess(engine, "greet", GREET);
      const snap = await snapshot(engine);
      await expectError(
        engine.files.put(new Uint8Array(11), { name: "big.bin" }),
        "too_large",
        /limit is 10/,
      );
      await expectError(
        engine.startRun({
          process: "greet",
          inputs: { doc: { name: "a.txt", text: "more than ten bytes" } },
        }),
        "too_large",
      );
      expect(await snapshot(engine)).toBe(snap);
      const ok = await engine.files.put(new TextEncoder().encode("tiny"), {
        name: "t.txt",
        type: "text/plain",
      });
      expect(ok.size).toBe(4);
      expect(new TextDecoder().decode((await engine.files.get(ok.id)).bytes)).toBe("tiny");
    } finally {
      await te2.cleanup();
    }
  });

  it("uses uploaded files by file_id and inline files, recording them on the run", async () => {
    const { engine } = te;
    await publishedProcess(engine, "doc", 'say "got {the doc\'s name}"\n');
    const f = await engine.files.put(new TextEncoder().encode("a,b\n1,2\n"), {
      name: "x.csv",
      type: "text/csv",
    });
    await workers();
    const run = await engine.startRun({
      process: "doc",
      inputs: { doc: { file_id: f.id } },
      fileIds: [f.id],
    });
    expect(run.inputs).toEqual({
      doc: { file_id: f.id, name: "x.csv", type: "text/csv", size: 8 },
    });
    expect(run.file_ids).toEqual([f.id]);
    const done = await engine.runs.waitFor(run.id);
    expect(done).toMatchObject({ status: "Succeeded", log: ["got x.csv"] });
    const inline = await engine.startRun({
      process: "doc",
      inputs: { doc: { name: "y.txt", text: "hi" } },
    });
    expect(inline.file_ids.length).toBe(1);
    expect((await engine.files.get(inline.file_ids[0] as string)).name).toBe("y.txt");
  });

  it("returns the first run for a repeated idempotency key, and refuses another body", async () => {
    const { engine } = te;
    await publishedProcess(engine, "greet", GREET);
    const [a, b] = await Promise.all([
      engine.startRun({ process: "greet", inputs: { name: "A" }, idempotencyKey: "k1" }),
      engine.startRun({ process: "greet", inputs: { name: "A" }, idempotencyKey: "k1" }),
    ]);
    expect(b?.id).toBe(a?.id);
    const c = await engine.startRun({
      process: "greet",
      inputs: { name: "A" },
      idempotencyKey: "k1",
    });
    expect(c.id).toBe(a?.id);
    const snap = await snapshot(engine);
    await expectError(
      engine.startRun({ process: "greet", inputs: { name: "B" }, idempotencyKey: "k1" }),
      "idempotency_mismatch",
    );
    expect(await snapshot(engine)).toBe(snap);
    expect((await engine.runs.list()).items.length).toBe(1);
  });
});
