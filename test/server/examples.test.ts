// Every case of ../shared/examples through the API (POST /runs, GET /runs/{id}, POST
// /runs/{id}/answer), on SQLite and on PostgreSQL: the same path a real run takes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExamples, mismatches } from "../helpers/examples.ts";
import { dialects } from "../helpers/stores.ts";
import { publish, startTestServer, type TestServer } from "./helpers.ts";

const cases = loadExamples();
const names = [...new Set(cases.map((c) => c.name))];

describe.each(dialects)("shared examples through the API on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    const sources = new Map(cases.map((c) => [c.name, c.source]));
    for (const name of names) await publish(s, name, sources.get(name) as string);
  });
  afterAll(() => s?.close());

  it("has examples", () => {
    expect(cases.length).toBeGreaterThan(5);
  });

  for (const c of cases) {
    it(`${c.name} case ${c.index + 1}`, async () => {
      const started = await s.api("POST", "/api/v2/runs", { process: c.name, inputs: c.inputs });
      expect(started.status, started.text).toBe(202);
      const run = await s.waitRun(started.body.id);
      expect(mismatches({ ...run, outputs: run.outputs ?? {} }, c.expect)).toEqual([]);
      if (c.answer !== undefined && c.then) {
        const answered = await s.api("POST", `/api/v2/runs/${run.id}/answer`, { answer: c.answer });
        expect(answered.status, answered.text).toBe(200);
        const after = await s.waitRun(run.id);
        expect(mismatches({ ...after, outputs: after.outputs ?? {} }, c.then)).toEqual([]);
      }
    });
  }
});

describe("smoke test on PostgreSQL", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("postgres");
  });
  afterAll(() => s?.close());

  it("serves health, auth, processes, runs, idempotency, events and bulk actions", async () => {
    const health = await s.api("GET", "/api/v2/health", undefined, { "x-api-key": "" });
    expect(health.body).toMatchObject({ status: "ok", database: "postgres" });
    expect((await s.api("GET", "/api/v2/runs", undefined, { "x-api-key": "" })).status).toBe(401);
    await publish(s, "double", "the result is the number * 2");
    const h = { "idempotency-key": "pg-1" };
    const a = await s.api("POST", "/api/v2/runs", { process: "double", inputs: { number: 4 } }, h);
    const b = await s.api("POST", "/api/v2/runs", { process: "double", inputs: { number: 4 } }, h);
    expect(b.body.id).toBe(a.body.id);
    expect(
      (await s.api("POST", "/api/v2/runs", { process: "double", inputs: { number: 5 } }, h)).status,
    ).toBe(422);
    const run = await s.waitRun(a.body.id);
    expect(run).toMatchObject({ status: "Succeeded", outputs: { result: 8 } });
    const events = await s.api("GET", `/api/v2/runs/${run.id}/events`);
    expect(events.body.items.at(-1).data.status).toBe("Succeeded");
    const stream = await fetch(`${s.url}/api/v2/runs/${run.id}/events/stream`, {
      headers: { "x-api-key": s.key, "last-event-id": "1" },
    });
    const text = await stream.text();
    expect(text).toContain("id: 2\n");
    expect(text).not.toContain("id: 1\n");
    const list = await s.api("GET", "/api/v2/runs?process=double&status=Succeeded");
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([run.id]);
    const bulk = await s.api("POST", "/api/v2/runs/actions/archive", { run_ids: [run.id] });
    expect(bulk.body.results[0]).toMatchObject({ ok: true, run: { archived: true } });
    const key = await s.api("POST", "/api/v2/keys", { name: "pg" });
    await s.api("DELETE", `/api/v2/keys/${key.body.id}`);
    expect(
      (await s.api("GET", "/api/v2/runs", undefined, { "x-api-key": key.body.secret })).status,
    ).toBe(401);
  });
});
