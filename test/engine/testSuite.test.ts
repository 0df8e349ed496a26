// The Test Suite in the engine, on both dialects: cases from Succeeded runs (others refused
// with why), suite runs with each result kind, structural diffs, starred outputs, replayed
// answers, the publish gate, cancel, comparison, and 500 cases with the right counts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createEngine,
  diffOutputs,
  type Engine,
  EngineError,
  type WorkerPoolHandle,
} from "../../src/engine/index.ts";
import { getSuiteRun } from "../../src/store/index.ts";
import { createTestEngine, type TestEngine, until } from "../helpers/engines.ts";
import { dialects } from "../helpers/stores.ts";

const GREET = 'the greeting is "Hello, {the name}!"\nthe length is 10\n';

async function succeeded(engine: Engine, process: string, inputs: Record<string, unknown>) {
  const r = await engine.startRun({ process, stage: "draft", inputs: inputs as never });
  const done = await engine.runs.waitFor(r.id);
  expect(done.status).toBe("Succeeded");
  return done;
}

describe("diffOutputs", () => {
  it("shows the one cell of a table that changed, numbers by value, text exactly", () => {
    const table = [
      { id: 1, amount: 10 },
      { id: 2, amount: 20 },
    ];
    expect(
      diffOutputs(
        { t: table },
        {
          t: [
            { id: 1, amount: 10 },
            { id: 2, amount: 21 },
          ],
        },
        null,
      ),
    ).toEqual([{ output: "t", path: [1, "amount"], expected: 20, actual: 21, change: "changed" }]);
    expect(
      diffOutputs({ n: 10, big: 1e21 }, { n: 10.0, big: "1000000000000000000000" }, null),
    ).toEqual([]);
    expect(diffOutputs({ s: "10" }, { s: "10.00" }, null)).toHaveLength(1);
    expect(diffOutputs({ s: "Ada" }, { s: "ada" }, null)[0]?.change).toBe("changed");
    expect(diffOutputs({ l: [1, 2] }, { l: [1] }, null)).toEqual([
      { output: "l", path: [1], expected: 2, actual: null, change: "missing" },
    ]);
    expect(diffOutputs({ r: { a: 1 } }, { r: { a: 1, b: 2 } }, null)[0]).toMatchObject({
      path: ["b"],
      change: "unexpected",
    });
    expect(diffOutputs({ a: 1, b: 2 }, { a: 1, b: 3 }, ["a"])).toEqual([]);
    expect(diffOutputs({ a: 1, b: 2 }, { a: 2, b: 3 }, null, ["a", "b"])).toEqual([]);
    expect(diffOutputs({ a: 1 }, {}, null)[0]?.change).toBe("missing");
  });
});

describe.each(dialects)("the test suite on %s", (dialect) => {
  let te: TestEngine;
  let pool: WorkerPoolHandle;
  beforeEach(async () => {
    te = await createTestEngine(dialect);
    pool = await te.engine.startWorkers({ concurrency: 8, leaseMs: 5000 });
  });
  afterEach(async () => {
    await pool.stop({ graceMs: 0 });
    await te.cleanup();
  });

  it("makes cases from Succeeded runs only, each other run refused with why", async () => {
    const { engine } = te;
    await engine.processes.create({ name: "greet", source: GREET });
    await engine.processes.create({ name: "fails", source: 'fail with "no"\n' });
    await engine.processes.create({ name: "asks", source: 'ask "Name?" as the name\nsay "hi"\n' });
    const ok = await succeeded(engine, "greet", { name: "Ada" });
    const ok2 = await succeeded(engine, "greet", { name: "Ada" });
    const failed = await engine.runs.waitFor(
      (await engine.startRun({ process: "fails", stage: "draft" })).id,
    );
    const waiting = await engine.runs.waitFor(
      (await engine.startRun({ process: "asks", stage: "draft" })).id,
      { orWaiting: true },
    );
    const results = await engine.testCases.fromRuns(
      [ok.id, ok2.id, failed.id, waiting.id, "nope"],
      { by: "ada@example.com" },
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false, false]);
    const [a, b, c, d, e] = results;
    if (!a?.ok || !b?.ok || !c || c.ok || !d || d.ok || !e || e.ok) throw new Error("unexpected");
    expect(a.test_case.name).toBe("name Ada");
    expect(b.test_case.name).toBe("name Ada (2)");
    expect(a.test_case.expected).toEqual({ greeting: "Hello, Ada!", length: 10 });
    expect(a.test_case.created_by).toBe("ada@example.com");
    expect(c.error.message).toMatch(/is Failed: only a Succeeded run can become a test case/);
    expect(d.error.message).toMatch(/is AwaitingAnswer/);
    expect(e.error.code).toBe("not_found");
    const again = await engine.testCases.fromRuns([ok.id]);
    expect(again[0]).toMatchObject({ ok: false, error: { code: "conflict" } });
    await expect(engine.testCases.fromRuns("x" as never)).rejects.toThrow(/list of run ids/);
    await expect(engine.testCases.fromRuns([ok.id, ok2.id], { name: "n" })).rejects.toThrow(
      /one run only/,
    );

    // Rename, edit expected values, compare/ignore, delete; each bad input named.
    const renamed = await engine.testCases.update(a.test_case.id, { name: "Ada's greeting" });
    expect(renamed.name).toBe("Ada's greeting");
    await expect(
      engine.testCases.update(b.test_case.id, { name: "Ada's greeting" }),
    ).rejects.toThrow(/already has a test case named/);
    await expect(engine.testCases.update(b.test_case.id, { name: " " })).rejects.toThrow(
      /needs a name/,
    );
    await expect(
      engine.testCases.update(b.test_case.id, { expected: [] as never }),
    ).rejects.toThrow(/expected is an object/);
    await expect(engine.testCases.update(b.test_case.id, { ignore: [3] as never })).rejects.toThrow(
      /ignore must be a list of output names/,
    );
    const edited = await engine.testCases.update(b.test_case.id, {
      expected: { "The Length": 11 },
      compare: ["Greeting", "length"],
      ignore: ["length"],
    });
    expect(edited.expected).toEqual({ greeting: "Hello, Ada!", length: 11 });
    expect(edited.compare).toEqual(["greeting", "length"]);
    expect(edited.ignore).toEqual(["length"]);
    await engine.testCases.delete(b.test_case.id);
    await expect(engine.testCases.get(b.test_case.id)).rejects.toBeInstanceOf(EngineError);
    expect((await engine.testCases.list("greet")).map((t) => t.name)).toEqual(["Ada's greeting"]);
  });

  it("refuses the second of two simultaneous adds or renames to one name, never an error", async () => {
    const { engine } = te;
    await engine.processes.create({ name: "greet", source: GREET });
    const runs = await Promise.all(
      ["Ada", "Bo", "Cy", "Di"].map((name) => succeeded(engine, "greet", { name })),
    );
    const [r0, r1, r2, r3] = runs.map((r) => r.id) as [string, string, string, string];
    const added = (
      await Promise.all([
        engine.testCases.fromRuns([r0], { name: "same" }),
        engine.testCases.fromRuns([r1], { name: "same" }),
      ])
    ).flat();
    expect(added.filter((r) => r.ok)).toHaveLength(1);
    expect(added.find((r) => !r.ok)).toMatchObject({
      ok: false,
      error: { code: "conflict", message: 'The process already has a test case named "same".' },
    });
    const [c2, c3] = (await engine.testCases.fromRuns([r2, r3])).map((r) =>
      r.ok ? r.test_case.id : "",
    ) as [string, string];
    const renames = await Promise.allSettled([
      engine.testCases.update(c2, { name: "renamed" }),
      engine.testCases.update(c3, { name: "renamed" }),
    ]);
    expect(renames.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = renames.find((r) => r.status === "rejected");
    expect(refused?.reason).toBeInstanceOf(EngineError);
    expect(String(refused?.reason)).toMatch(/already has a test case named "renamed"/);
    const names = (await engine.testCases.list("greet")).map((t) => t.name);
    expect(names).toHaveLength(3);
    expect(names).toEqual(expect.arrayContaining(["same", "renamed"]));
  });

  it("ends each case Passed, Failed with a structural diff, or Error with its run", async () => {
    const { engine } = te;
    const p = await engine.processes.create({
      name: "orders",
      source:
        'the copy is the orders\nthe total is the sum of the orders\' amount\nthe note is "ok"\nif the total is greater than 100 then\n  fail with "too much"\n',
    });
    const orders = [
      { id: 1, amount: 10 },
      { id: 2, amount: 20 },
    ];
    const r1 = await succeeded(engine, "orders", { orders });
    const r2 = await succeeded(engine, "orders", { orders: [{ id: 3, amount: 5 }] });
    const r3 = await succeeded(engine, "orders", { orders: [{ id: 4, amount: 50 }] });
    const [c1, c2, c3] = (await engine.testCases.fromRuns([r1.id, r2.id, r3.id])).map((r) =>
      r.ok ? r.test_case : undefined,
    );
    if (!c1 || !c2 || !c3) throw new Error("no cases");
    // c1: one cell of the table changes; c2: 10.00 equals 10 by value.
    await engine.testCases.update(c1.id, {
      expected: {
        copy: [
          { id: 1, amount: 10 },
          { id: 2, amount: 21 },
        ],
      },
    });
    await engine.testCases.update(c2.id, { expected: { total: 5.0 } });
    // c3 now fails at run time: the draft's limit goes down.
    await engine.processes.update(p.id, {
      source:
        'the copy is the orders\nthe total is the sum of the orders\' amount\nthe note is "ok"\nif the total is greater than 40 then\n  fail with "too much"\n',
    });
    const suite = await engine.suites.run({ processes: ["orders"], stage: "draft", by: "ci" });
    expect(suite.status).toBe("Failed");
    expect(suite.counts).toMatchObject({ total: 3, passed: 1, failed: 1, error: 1, pending: 0 });
    expect(suite.started_by).toBe("ci");
    const byCase = new Map(suite.results.map((r) => [r.case_id, r]));
    expect(byCase.get(c1.id)).toMatchObject({
      status: "Failed",
      diff: [{ output: "copy", path: [1, "amount"], expected: 21, actual: 20, change: "changed" }],
    });
    expect(byCase.get(c2.id)?.status).toBe("Passed");
    const err = byCase.get(c3.id);
    expect(err?.status).toBe("Error");
    expect(err?.reason).toMatch(/The run failed at line 5: too much/);
    const run = await engine.runs.get(err?.run_id as string);
    expect(run.trigger).toBe("test");
    expect(run.trigger_details).toMatchObject({ suite_run: suite.id, test_case: c3.id });

    // History and the comparison of two suite runs.
    await engine.testCases.update(c1.id, { expected: { copy: orders } });
    const second = await engine.suites.run({ processes: ["orders"] });
    expect(second.counts).toMatchObject({ passed: 2, error: 1 });
    const cmp = await engine.suites.compare(suite.id, second.id);
    expect(cmp.unchanged).toBe(2);
    expect(cmp.changed).toMatchObject([{ case_id: c1.id, before: "Failed", after: "Passed" }]);
    const page = await engine.suites.list({ limit: 1 });
    expect(page.items.map((s) => s.id)).toEqual([second.id]);
    const next = await engine.suites.list({ limit: 1, cursor: page.next_cursor as string });
    expect(next.items.map((s) => s.id)).toEqual([suite.id]);
    const overview = await engine.suites.overview();
    expect(overview).toMatchObject([
      { name: "orders", cases: 3, last: { suite_run_id: second.id, passed: 2, error: 1 } },
    ]);
  });

  it("compares the starred outputs (all where none), a case's own list, and ignores", async () => {
    const { engine } = te;
    const p = await engine.processes.create({
      name: "two",
      source: 'the left is "x"\nthe right is "y"\n',
    });
    const r = await succeeded(engine, "two", {});
    const [res] = await engine.testCases.fromRuns([r.id]);
    if (!res?.ok) throw new Error("no case");
    expect(res.test_case.name).toBe("No inputs");
    await engine.processes.update(p.id, { source: 'the left is "x"\nthe right is "changed"\n' });
    expect((await engine.suites.run({ processes: ["two"] })).status).toBe("Failed");
    await engine.processes.update(p.id, { starredOutputs: ["left"] });
    expect((await engine.suites.run({ processes: ["two"] })).status).toBe("Passed");
    await engine.testCases.update(res.test_case.id, { compare: ["right"] });
    expect((await engine.suites.run({ processes: ["two"] })).status).toBe("Failed");
    await engine.testCases.update(res.test_case.id, { ignore: ["right"] });
    expect((await engine.suites.run({ processes: ["two"] })).status).toBe("Passed");
  });

  it("replays the stored answers in order; a question with none left is an Error", async () => {
    const { engine } = te;
    const p = await engine.processes.create({
      name: "asks",
      source:
        'ask "First?" as the first\nask "Second?" as the second\nthe both is "{the first} {the second}"\n',
    });
    const run = await engine.startRun({ process: "asks", stage: "draft" });
    await engine.runs.waitFor(run.id, { orWaiting: true });
    await engine.runs.answer(run.id, "one");
    await engine.runs.waitFor(run.id, { orWaiting: true });
    await engine.runs.answer(run.id, "two");
    expect((await engine.runs.waitFor(run.id)).outputs).toMatchObject({ both: "one two" });
    const [res] = await engine.testCases.fromRuns([run.id]);
    if (!res?.ok) throw new Error("no case");
    expect(res.test_case.answers).toEqual(["one", "two"]);
    expect((await engine.suites.run({ processes: ["asks"] })).status).toBe("Passed");
    await engine.processes.update(p.id, {
      source:
        'ask "First?" as the first\nask "Second?" as the second\nask "Third?" as the third\nthe both is "{the first} {the second}"\n',
    });
    const s = await engine.suites.run({ processes: ["asks"] });
    expect(s.results[0]).toMatchObject({ status: "Error" });
    expect(s.results[0]?.reason).toMatch(
      /asked "Third\?" \(line 3\) and the test case has no stored answer/,
    );
    const asked = await engine.runs.get(s.results[0]?.run_id as string);
    expect(asked.status).toBe("Cancelled");
  });

  it("reports processes without cases as Missing test cases", async () => {
    const { engine } = te;
    await engine.processes.create({ name: "lonely", source: GREET });
    const s = await engine.suites.run({ processes: ["lonely"] });
    expect(s).toMatchObject({ status: "Passed", missing: [{ name: "lonely" }] });
    expect(s.counts.total).toBe(0);
    await expect(engine.suites.run({ processes: ["nope"] })).rejects.toThrow(/No process/);
    await expect(engine.suites.run({ stage: "nope" as never })).rejects.toThrow(/stage/);
    await expect(engine.suites.run({ concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(engine.suites.get("nope")).rejects.toThrow(/No suite run/);
  });

  it("runs the published version when asked, and its absence is each case's Error", async () => {
    const { engine } = te;
    await engine.processes.create({ name: "greet", source: GREET });
    const r = await succeeded(engine, "greet", { name: "Ada" });
    await engine.testCases.fromRuns([r.id]);
    const s = await engine.suites.run({ processes: ["greet"], stage: "published" });
    expect(s.results[0]?.reason).toMatch(/has no published version yet/);
    await engine.processes.publish("greet");
    const ok = await engine.suites.run({ processes: ["greet"], stage: "published" });
    expect(ok).toMatchObject({ status: "Passed", processes: [{ name: "greet", version: 1 }] });
  });

  it("gates publishing on the draft's cases when the process asks for it", async () => {
    const { engine } = te;
    const p = await engine.processes.create({ name: "greet", source: GREET });
    await engine.processes.update(p.id, { settings: { test_gate: true } });
    await expect(engine.processes.publish(p.id)).rejects.toThrow(/has none \(Missing test cases\)/);
    const r = await succeeded(engine, "greet", { name: "Ada" });
    await engine.testCases.fromRuns([r.id]);
    await engine.processes.update(p.id, {
      source: 'the greeting is "Bye, {the name}!"\nthe length is 10\n',
    });
    const refused = await engine.processes.publish(p.id).catch((e: EngineError) => e);
    expect(refused).toBeInstanceOf(EngineError);
    expect((refused as EngineError).message).toMatch(
      /1 test case of its draft did not pass: "name Ada" \(Failed\)/,
    );
    expect((refused as EngineError).details?.failing_cases).toMatchObject([{ name: "name Ada" }]);
    expect((await engine.processes.get(p.id)).latest_version).toBe(0);
    await engine.processes.update(p.id, { source: GREET });
    expect((await engine.processes.publish(p.id)).version).toBe(1);
    await engine.processes.update(p.id, { settings: { test_gate: false } });
    await expect(
      engine.processes.update(p.id, { settings: { test_gate: "yes" as never } }),
    ).rejects.toThrow(/test_gate is true or false/);
  });

  it("cancels a suite run: its runs in flight and the cases not started", async () => {
    const { engine } = te;
    await engine.processes.create({
      name: "slow",
      source: "the n is 0\nrepeat the count times\n  add 1 to the n\n",
    });
    const cases = [];
    for (let i = 0; i < 4; i++) cases.push((await succeeded(engine, "slow", { count: i + 1 })).id);
    await engine.testCases.fromRuns(cases);
    await engine.processes.update("slow", {
      source: "the n is 0\nrepeat the count * 1000000000 times\n  add 1 to the n\n",
    });
    const started = await engine.suites.start({ processes: ["slow"], concurrency: 2 });
    // Wait until a test run is executing, then cancel.
    await until(async () => {
      const page = await engine.runs.list({ trigger: "test", status: "Running" });
      return page.items.length > 0 ? true : undefined;
    });
    const cancelled = await engine.suites.cancel(started.id);
    expect(cancelled.status).toBe("Cancelled");
    expect(cancelled.counts).toMatchObject({ total: 4, cancelled: 4, pending: 0 });
    const detail = await engine.suites.get(started.id);
    const withRun = detail.results.filter((r) => r.run_id !== null);
    expect(withRun.length).toBe(2);
    for (const r of withRun) {
      const run = await engine.runs.waitFor(r.run_id as string);
      expect(run.status).toBe("Cancelled");
    }
    await expect(engine.suites.cancel(started.id)).rejects.toThrow(/already Cancelled/);
  });

  it("hands a suite run back on close; another engine resumes it, following its runs", async () => {
    const { engine } = te;
    await engine.processes.create({ name: "double", source: "the double is the n * 2\n" });
    const ids = [];
    for (let n = 0; n < 6; n++) ids.push((await succeeded(engine, "double", { n })).id);
    expect((await engine.testCases.fromRuns(ids)).every((r) => r.ok)).toBe(true);
    // No worker: the first two cases' runs stay Pending while the suite run is handed back.
    await pool.stop({ graceMs: 0 });
    const a = createEngine({ store: await te.t.reopen() });
    const started = await a.suites.start({ processes: ["double"], concurrency: 2 });
    const pending = await until(async () => {
      const page = await engine.runs.list({ trigger: "test" });
      return page.items.length === 2 ? page.items.map((r) => r.id) : undefined;
    });
    await a.close();
    const handed = await getSuiteRun(engine.store.db, started.id);
    expect(handed).toMatchObject({ status: "Running", owner: null, heartbeat_at: null });

    const b = createEngine({ store: await te.t.reopen() });
    const bPool = await b.startWorkers({ concurrency: 4 });
    try {
      const resumed: string[] = [];
      await b.suites.recover((id, how) => resumed.push(`${id} ${how}`));
      expect(resumed).toEqual([`${started.id} resumed`]);
      const done = await b.suites.wait(started.id);
      expect(done.status).toBe("Passed");
      expect(done.counts).toMatchObject({ total: 6, passed: 6, pending: 0 });
      // The runs started before the hand-back were followed, not started again.
      expect(done.results.map((r) => r.run_id)).toEqual(expect.arrayContaining(pending));
      expect((await engine.runs.list({ trigger: "test" })).items).toHaveLength(6);
      expect(await getSuiteRun(engine.store.db, started.id)).toMatchObject({
        owner: null,
        recoveries: 1,
      });

      // An owner presumed dead (its heartbeat made stale) loses the suite run: it stops
      // writing, and the server that took it over ends it with every case once.
      const c = createEngine({ store: await te.t.reopen() });
      const second = await c.suites.start({ processes: ["double"], concurrency: 1 });
      await engine.store.db
        .updateTable("suite_runs")
        .set({ heartbeat_at: 0 })
        .where("id", "=", second.id)
        .execute();
      await b.suites.recover();
      const ended = await b.suites.wait(second.id);
      await c.close();
      expect(ended.counts).toMatchObject({ total: 6, passed: 6, pending: 0 });
      expect(new Set(ended.results.map((r) => r.case_id)).size).toBe(6);
      expect((await getSuiteRun(engine.store.db, second.id))?.passed).toBe(6);

      // A suite run taken over too often is ended, each case left an Error saying why.
      const d = createEngine({ store: await te.t.reopen() });
      const third = await d.suites.start({ processes: ["double"], concurrency: 1 });
      await d.close();
      await engine.store.db
        .updateTable("suite_runs")
        .set({ recoveries: 3 })
        .where("id", "=", third.id)
        .execute();
      const how: string[] = [];
      await b.suites.recover((_id, h) => how.push(h));
      expect(how).toEqual(["ended"]);
      const last = await b.suites.wait(third.id);
      expect(last.status).toBe("Failed");
      expect(last.counts.total).toBe(6);
      expect(last.counts.error + last.counts.passed).toBe(6);
      expect(last.results.find((r) => r.status === "Error")?.reason).toMatch(
        /servers executing it stopped 4 times/,
      );

      // A suite run whose server stopped is cancelled at once (taken over and ended).
      const e = createEngine({ store: await te.t.reopen() });
      const fourth = await e.suites.start({ processes: ["double"], concurrency: 1 });
      await e.close();
      const cancelled = await b.suites.cancel(fourth.id);
      expect(cancelled.status).toBe("Cancelled");
      expect(cancelled.counts.pending).toBe(0);
      expect(cancelled.counts.cancelled + cancelled.counts.passed).toBe(6);
    } finally {
      await bPool.stop({ graceMs: 0 });
      await b.close();
    }
  }, 120_000);

  it("runs 500 cases to the right counts", async () => {
    const { engine } = te;
    await engine.processes.create({
      name: "many",
      source: 'the double is the n * 2\nif the n is greater than 9999 then\n  fail with "big"\n',
    });
    const ids: string[] = [];
    const starts = [];
    for (let i = 0; i < 500; i++) {
      starts.push(engine.startRun({ process: "many", stage: "draft", inputs: { n: i } }));
    }
    for (const r of await Promise.all(starts)) ids.push(r.id);
    for (const id of ids) await engine.runs.waitFor(id);
    const made = await engine.testCases.fromRuns(ids);
    expect(made.every((m) => m.ok)).toBe(true);
    // Break 7 cases' expectations and make 3 runs fail.
    const cases = await engine.testCases.list("many");
    for (const c of cases.slice(0, 7))
      await engine.testCases.update(c.id, { expected: { double: -1 } });
    await engine.processes.update("many", {
      source: 'the double is the n * 2\nif the n is greater than 496 then\n  fail with "big"\n',
    });
    const s = await engine.suites.run({ processes: ["many"] });
    expect(s.counts).toEqual({
      total: 500,
      passed: 490,
      failed: 7,
      error: 3,
      cancelled: 0,
      pending: 0,
    });
    expect(s.results).toHaveLength(500);
  }, 120_000);
});
