// Managing runs: list filters and pagination, re-run both ways, archive, bulk results.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WorkerPoolHandle } from "../../src/engine/index.ts";
import { EngineError } from "../../src/engine/index.ts";
import { getRun } from "../../src/store/index.ts";
import {
  createTestEngine,
  publishedProcess,
  snapshot,
  type TestEngine,
} from "../helpers/engines.ts";
import { dialects } from "../helpers/stores.ts";

const V1 = 'the greeting is "Hello, {the name}!"\n';
const V2 = 'the greeting is "Bye, {the name}!"\n';

describe.each(dialects)("managing runs on %s", (dialect) => {
  let te: TestEngine;
  let pool: WorkerPoolHandle;
  beforeEach(async () => {
    te = await createTestEngine(dialect);
    pool = await te.engine.startWorkers({ concurrency: 4, leaseMs: 2000 });
  });
  afterEach(async () => {
    await pool.stop({ graceMs: 0 });
    await te.cleanup();
  });

  it("lists newest first with filters and cursor pagination", async () => {
    const { engine } = te;
    await publishedProcess(engine, "greet", V1);
    const other = await publishedProcess(engine, "other", 'fail with "no"\n');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await engine.startRun({
        process: "greet",
        inputs: { name: `Person${i}` },
        trigger: { type: "api" },
      });
      ids.push(r.id);
    }
    const draft = await engine.startRun({
      process: "greet",
      stage: "draft",
      inputs: { name: "Zed" },
    });
    const failed = await engine.startRun({ process: other.id });
    for (const id of [...ids, draft.id, failed.id]) await engine.runs.waitFor(id);

    const all: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await engine.runs.list({
        process: "greet",
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      all.push(...page.items.map((r) => r.id));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(all).toEqual([...ids, draft.id].reverse());

    expect((await engine.runs.list({ status: "Failed" })).items.map((r) => r.id)).toEqual([
      failed.id,
    ]);
    expect((await engine.runs.list({ stage: "draft" })).items.map((r) => r.id)).toEqual([draft.id]);
    expect((await engine.runs.list({ trigger: "api" })).items.length).toBe(7);
    expect((await engine.runs.list({ text: "person3" })).items.map((r) => r.id)).toEqual([ids[3]]);
    // Outputs are searchable too.
    expect((await engine.runs.list({ text: "hello, zed" })).items.map((r) => r.id)).toEqual([
      draft.id,
    ]);
    const created = (await engine.runs.get(ids[3] as string)).created_at;
    const from = (await engine.runs.list({ createdFrom: created })).items.length;
    expect(from).toBeGreaterThanOrEqual(6);
    expect((await engine.runs.list({ createdTo: "2000-01-01" })).items).toEqual([]);
    await expect(engine.runs.list({ status: "Done" as never })).rejects.toBeInstanceOf(EngineError);
    await expect(engine.runs.list({ cursor: "garbage" })).rejects.toBeInstanceOf(EngineError);
  });

  it("re-runs with the same inputs on the current version, or the exact one", async () => {
    const { engine } = te;
    const p = await publishedProcess(engine, "greet", V1);
    const first = await engine.startRun({ process: "greet", inputs: { name: "Ada" } });
    await engine.runs.waitFor(first.id);
    await engine.processes.update(p.id, { source: V2 });
    await engine.processes.publish(p.id);

    const current = await engine.runs.rerun(first.id, { by: "ops" });
    const exact = await engine.runs.rerun(first.id, { exactVersion: true });
    expect(current).toMatchObject({
      rerun_of: first.id,
      trigger: "rerun",
      version: 2,
      inputs: first.inputs,
    });
    expect(exact).toMatchObject({ rerun_of: first.id, version: 1, source_hash: first.source_hash });
    expect((await engine.runs.waitFor(current.id)).outputs).toEqual({ greeting: "Bye, Ada!" });
    expect((await engine.runs.waitFor(exact.id)).outputs).toEqual({ greeting: "Hello, Ada!" });
    expect((await engine.runs.list({ rerunOf: first.id })).items.length).toBe(2);
  });

  it("re-runs through the same preparation as a start: the very input values and files", async () => {
    const { engine } = te;
    await publishedProcess(engine, "doc", 'say "got {the doc\'s name} {the amount}"\n');
    const f = await engine.files.put(new TextEncoder().encode("a,b\n1,2\n"), {
      name: "x.csv",
      type: "text/csv",
    });
    const first = await engine.startRun({
      process: "doc",
      inputs: {
        Doc: { file_id: f.id },
        "The Amount": 0.1,
        big: 1e21,
        notes: { name: "n.txt", text: "inline" },
        rows: [{ when: "2026-11-30", n: -2.5 }],
      },
    });
    const again = await engine.runs.rerun(first.id);
    const [a, b] = await Promise.all([
      getRun(engine.store.db, first.id),
      getRun(engine.store.db, again.id),
    ]);
    expect(b?.input_values).toBe(a?.input_values);
    expect(b?.inputs).toBe(a?.inputs);
    expect(new Set(JSON.parse(b?.file_ids ?? "[]"))).toEqual(
      new Set(JSON.parse(a?.file_ids ?? "[]")),
    );
    expect(b).toMatchObject({ trigger: "rerun", rerun_of: first.id });
    expect((await engine.runs.waitFor(again.id)).log).toEqual(["got x.csv 0.1"]);
  });

  it("archives and unarchives without touching execution; bulk forms answer per run", async () => {
    const { engine } = te;
    await publishedProcess(engine, "greet", V1);
    const a = await engine.startRun({ process: "greet", inputs: { name: "A" } });
    const b = await engine.startRun({ process: "greet", inputs: { name: "B" } });
    await engine.runs.archive(a.id);
    expect((await engine.runs.waitFor(a.id)).status).toBe("Succeeded");
    await engine.runs.waitFor(b.id);
    expect((await engine.runs.list()).items.map((r) => r.id)).toEqual([b.id]);
    expect((await engine.runs.list({ archived: true })).items.map((r) => r.id)).toEqual([a.id]);
    expect((await engine.runs.list({ archived: "all" })).items.length).toBe(2);
    await engine.runs.unarchive(a.id);
    expect((await engine.runs.list()).items.length).toBe(2);

    const snap = await snapshot(engine);
    const missing = "0190b3c0-0000-7000-8000-000000000000";
    await expect(engine.runs.archive(missing)).rejects.toMatchObject({ code: "not_found" });
    expect(await snapshot(engine)).toBe(snap);

    const archived = await engine.runs.archiveMany([a.id, missing, b.id]);
    expect(archived.map((r) => [r.id, r.ok])).toEqual([
      [a.id, true],
      [missing, false],
      [b.id, true],
    ]);
    const bad = archived[1];
    expect(bad?.ok === false && bad.error.code).toBe("not_found");
    const cancelled = await engine.runs.cancelMany([a.id]);
    expect(cancelled[0]).toMatchObject({ ok: false, error: { code: "conflict" } });
    const reruns = await engine.runs.rerunMany([a.id, b.id, missing]);
    expect(reruns.map((r) => r.ok)).toEqual([true, true, false]);
    expect((await engine.runs.unarchiveMany([a.id, b.id])).every((r) => r.ok)).toBe(true);
    await expect(
      engine.runs.archiveMany(Array.from({ length: 1001 }, () => a.id)),
    ).rejects.toMatchObject({
      code: "too_large",
    });
  });
});
