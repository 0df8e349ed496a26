// Processes and versions: drafts that must compile, immutable versions, restore.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EngineError } from "../../src/engine/index.ts";
import { createTestEngine, snapshot, type TestEngine } from "../helpers/engines.ts";
import { dialects } from "../helpers/stores.ts";

const V1 = 'the greeting is "Hello, {the name}!"\nsay the greeting\n';
const V2 = 'say "Hi {the name}"\n';
const BROKEN = 'say "unclosed\nthe x is\n';

async function caught(p: Promise<unknown>): Promise<EngineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

describe.each(dialects)("processes on %s", (dialect) => {
  let te: TestEngine;
  beforeEach(async () => {
    te = await createTestEngine(dialect);
  });
  afterEach(async () => {
    await te.cleanup();
  });

  it("creates, publishes, updates and restores, with input names computed", async () => {
    const { engine } = te;
    const p = await engine.processes.create({
      name: "Greeter",
      description: "says hello",
      source: V1,
    });
    expect(p).toMatchObject({
      name: "Greeter",
      latest_version: 0,
      inputs: ["name"],
      settings: { time_limit_ms: 600000 },
    });
    const v1 = await engine.processes.publish("Greeter");
    expect(v1).toMatchObject({ version: 1, source: V1 });
    await engine.processes.update(p.id, {
      source: V2,
      starredOutputs: ["The Greeting"],
      settings: { time_limit_ms: 5000 },
    });
    const v2 = await engine.processes.publish(p.id);
    expect(v2.version).toBe(2);
    const got = await engine.processes.get(p.id);
    expect(got).toMatchObject({
      latest_version: 2,
      starred_outputs: ["greeting"],
      settings: { time_limit_ms: 5000 },
    });
    expect((await engine.processes.versions(p.id)).map((v) => v.version)).toEqual([2, 1]);
    const restored = await engine.processes.restore(p.id, 1);
    expect(restored.draft_source).toBe(V1);
    // A published version never changes.
    expect((await engine.processes.version(p.id, 2)).source).toBe(V2);
    expect((await engine.processes.list()).map((x) => x.name)).toEqual(["Greeter"]);
  });

  it("publishing an unchanged draft answers with the current version and creates none", async () => {
    const { engine } = te;
    await engine.processes.create({ name: "Same", source: V1 });
    expect(await engine.processes.publishDraft("Same")).toMatchObject({
      created: true,
      version: { version: 1 },
    });
    const again = await engine.processes.publishDraft("Same");
    expect(again).toMatchObject({ created: false, version: { version: 1, source: V1 } });
    expect((await engine.processes.versions("Same")).map((v) => v.version)).toEqual([1]);
    // After a restore of v1 while v2 is the latest, publishing makes v3 with v1's source.
    await engine.processes.update("Same", { source: V2 });
    await engine.processes.publish("Same");
    await engine.processes.restore("Same", 1);
    expect((await engine.processes.publishDraft("Same")).version.version).toBe(3);
  });

  it("refuses source with errors, with every diagnostic, and stores nothing", async () => {
    const { engine } = te;
    const snap = await snapshot(engine);
    const err = await caught(engine.processes.create({ name: "Bad", source: BROKEN }));
    expect(err.code).toBe("invalid");
    const diags = err.details?.diagnostics as Array<{ line: number; col: number; message: string }>;
    expect(diags.length).toBeGreaterThan(0);
    expect(diags[0]).toMatchObject({
      line: expect.any(Number),
      col: expect.any(Number),
      message: expect.any(String),
    });
    expect(await snapshot(engine)).toBe(snap);

    const p = await engine.processes.create({ name: "Good", source: V1 });
    const snap2 = await snapshot(engine);
    const err2 = await caught(engine.processes.update(p.id, { source: BROKEN }));
    expect(err2.code).toBe("invalid");
    expect(await snapshot(engine)).toBe(snap2);
    expect((await engine.processes.check(BROKEN)).ok).toBe(false);
    expect(await engine.processes.check(V1)).toMatchObject({ ok: true, inputs: ["name"] });
  });

  it("refuses duplicate names, unknown processes and versions, bad settings", async () => {
    const { engine } = te;
    await engine.processes.create({ name: "A", source: V1 });
    expect((await caught(engine.processes.create({ name: "A", source: V1 }))).code).toBe(
      "conflict",
    );
    expect((await caught(engine.processes.create({ name: "  " }))).code).toBe("invalid");
    expect((await caught(engine.processes.get("missing"))).code).toBe("not_found");
    expect((await caught(engine.processes.publish("missing"))).code).toBe("not_found");
    expect((await caught(engine.processes.restore("A", 3))).code).toBe("not_found");
    expect(
      (await caught(engine.processes.update("A", { settings: { time_limit_ms: -1 } }))).code,
    ).toBe("invalid");
  });
});
