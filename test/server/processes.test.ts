// Processes over a real socket: every route, its bad inputs and unknown ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite", { workers: false });
});
afterAll(() => s.close());

describe("processes", () => {
  it("creates, reads, lists and edits a process", async () => {
    const c = await s.api("POST", "/api/v2/processes", {
      name: "Total",
      description: "adds",
      source: "the total is the price * 2",
    });
    expect(c.status).toBe(201);
    expect(c.headers.get("location")).toBe(`/api/v2/processes/${c.body.id}`);
    expect(c.body).toMatchObject({ name: "Total", description: "adds", latest_version: 0 });
    expect(c.body.inputs).toEqual(["price"]);
    expect(c.body.settings.time_limit_ms).toBe(600_000);

    const byName = await s.api("GET", "/api/v2/processes/Total");
    expect(byName.status).toBe(200);
    expect(byName.body.id).toBe(c.body.id);
    const list = await s.api("GET", "/api/v2/processes");
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(c.body.id);

    const p = await s.api("PATCH", `/api/v2/processes/${c.body.id}`, {
      source: "the total is the price * 3",
      settings: { time_limit_ms: 5000 },
      starred_outputs: ["The Total"],
      description: "triples",
    });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({
      draft_source: "the total is the price * 3",
      starred_outputs: ["total"],
      description: "triples",
    });
    expect(p.body.settings.time_limit_ms).toBe(5000);
  });

  it("checks source without saving, publishes, lists versions and restores", async () => {
    const c = await s.api("POST", "/api/v2/processes", {
      name: "Versions",
      source: "the count is 1",
    });
    const id = c.body.id;
    const bad = await s.api("POST", `/api/v2/processes/${id}/check`, { source: "the count is" });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.diagnostics[0]).toMatchObject({ severity: "error", line: 1 });
    const good = await s.api("POST", `/api/v2/processes/${id}/check`);
    expect(good.body).toMatchObject({ ok: true, diagnostics: [] });
    expect((await s.api("GET", `/api/v2/processes/${id}`)).body.draft_source).toBe(
      "the count is 1",
    );

    const v1 = await s.api("POST", `/api/v2/processes/${id}/publish`);
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ version: 1, source: "the count is 1" });
    await s.api("PATCH", `/api/v2/processes/${id}`, { source: "the count is 2" });
    const v2 = await s.api("POST", `/api/v2/processes/${id}/publish`, {});
    expect(v2.body.version).toBe(2);
    // Publishing the same draft again answers with v2 and creates nothing.
    const again = await s.api("POST", `/api/v2/processes/${id}/publish`, {});
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(2);
    const versions = await s.api("GET", `/api/v2/processes/${id}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const one = await s.api("GET", `/api/v2/processes/${id}/versions/1`);
    expect(one.body.source).toBe("the count is 1");
    expectProblem(await s.api("GET", `/api/v2/processes/${id}/versions/9`), 404);

    const restored = await s.api("POST", `/api/v2/processes/${id}/restore`, { version: 1 });
    expect(restored.status).toBe(200);
    expect(restored.body.draft_source).toBe("the count is 1");
    expect(restored.body.latest_version).toBe(2);
    expectProblem(await s.api("POST", `/api/v2/processes/${id}/restore`, { version: 7 }), 404);
  });

  it("refuses source with errors: 422 with every error as a field error", async () => {
    const r = await s.api("POST", "/api/v2/processes", {
      name: "Broken",
      source: "the count is\nthe other is",
    });
    const p = expectProblem(r, 422);
    expect(p.code).toBe("invalid");
    expect(p.errors.length).toBeGreaterThanOrEqual(1);
    expect(p.errors[0].field).toBe("source");
    expect(p.errors[0].message).toMatch(/^line 1, column \d+: /);
    expect(Array.isArray(p.diagnostics)).toBe(true);
    expectProblem(await s.api("GET", "/api/v2/processes/Broken"), 404);
  });

  it("refuses a duplicate name with 409", async () => {
    await s.api("POST", "/api/v2/processes", { name: "Twice" });
    const p = expectProblem(await s.api("POST", "/api/v2/processes", { name: "Twice" }), 409);
    expect(p.code).toBe("conflict");
  });

  it("answers 404 for unknown ids on every process route", async () => {
    const id = "00000000-0000-7000-8000-000000000000";
    expectProblem(await s.api("GET", `/api/v2/processes/${id}`), 404);
    expectProblem(await s.api("PATCH", `/api/v2/processes/${id}`, { description: "x" }), 404);
    expectProblem(await s.api("POST", `/api/v2/processes/${id}/check`, {}), 404);
    expectProblem(await s.api("POST", `/api/v2/processes/${id}/publish`), 404);
    expectProblem(await s.api("GET", `/api/v2/processes/${id}/versions`), 404);
    expectProblem(await s.api("POST", `/api/v2/processes/${id}/restore`, { version: 1 }), 404);
    expectProblem(await s.api("GET", "/api/v2/nothing-here"), 404);
  });

  it("rejects malformed JSON (400), wrong types and unknown fields (422), big bodies (413)", async () => {
    const bad = expectProblem(await s.api("POST", "/api/v2/processes", '{"name": "x",'), 400);
    expect(bad.title).toMatch(/JSON/);

    const types = expectProblem(
      await s.api("POST", "/api/v2/processes", { name: 5, source: ["x"], starred_outputs: "y" }),
      422,
    );
    const fields = types.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(["name", "source", "starred_outputs"]);
    for (const e of types.errors) expect(e.message).toMatch(/expected/);

    const unknown = expectProblem(
      await s.api("POST", "/api/v2/processes", { name: "U", colour: "red", settings: { x: 1 } }),
      422,
    );
    expect(unknown.errors).toEqual(
      expect.arrayContaining([
        { field: "colour", message: "unknown field" },
        { field: "settings.x", message: "unknown field" },
      ]),
    );

    const missing = expectProblem(await s.api("POST", "/api/v2/processes", {}), 422);
    expect(missing.errors).toEqual([{ field: "name", message: "is required" }]);
    expectProblem(await s.api("POST", "/api/v2/processes"), 422);

    const big = await s.api("POST", "/api/v2/processes", {
      name: "Big",
      source: `# ${"x".repeat(1_100_000)}`,
    });
    expectProblem(big, 413);

    const neg = expectProblem(
      await s.api("PATCH", "/api/v2/processes/Total", { settings: { time_limit_ms: -1 } }),
      422,
    );
    expect(neg.errors[0].field).toBe("settings.time_limit_ms");
    expectProblem(await s.api("POST", "/api/v2/processes/Total/restore", { version: "one" }), 422);
  });

  it("rejects other content types with 415", async () => {
    const r = await s.api("POST", "/api/v2/processes", "name=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expectProblem(r, 415);
  });
});
