// Issue 7: the poison processes end Failed with a sentence naming the bound and the line,
// and nothing a run stores (now, or before these bounds existed) can fail a read, a
// list or a bulk action. Through the real API on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOUBLING_LIST, NESTED_RECORD, SQUARES } from "../helpers/poison.ts";
import { dialects } from "../helpers/stores.ts";
import { publish, startTestServer, type TestServer } from "./helpers.ts";

describe.each(dialects)("stored runs always read back on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    await publish(s, "nested", NESTED_RECORD);
    await publish(s, "doubling", DOUBLING_LIST);
    await publish(s, "squares", SQUARES);
    await publish(s, "far", 'say "2026-01-01" + 999999999 years');
    await publish(s, "plain", 'the result is 1\nsay "ok"');
  });
  afterAll(() => s?.close());

  async function runOf(process: string) {
    const r = await s.api("POST", "/api/v2/runs", { process });
    expect(r.status).toBe(202);
    return s.waitRun(r.body.id, 60_000);
  }

  async function readsBack(id: string) {
    const one = await s.api("GET", `/api/v2/runs/${id}`);
    expect(one.status).toBe(200);
    const list = await s.api("GET", "/api/v2/runs");
    expect(list.status).toBe(200);
    expect(list.body.items.some((x: { id: string }) => x.id === id)).toBe(true);
    const events = await s.api("GET", `/api/v2/runs/${id}/events`);
    expect(events.status).toBe(200);
    const bulk = await s.api("POST", "/api/v2/runs/actions/archive", { run_ids: [id] });
    expect(bulk.status).toBe(200);
    expect(bulk.body.results[0]).toMatchObject({ id, ok: true });
    const archived = await s.api("GET", "/api/v2/runs?archived=all");
    expect(archived.status).toBe(200);
    return one.body;
  }

  it("a record nested 20,000 deep ends Failed on the depth bound and reads back", async () => {
    const run = await runOf("nested");
    expect(run.status).toBe("Failed");
    expect(run.error.message).toBe("lists and records can be nested at most 100 levels deep");
    expect([4, 5]).toContain(run.error.line);
    await readsBack(run.id);
  });

  it("a list that appends itself, squaring a number, a date far away: each a sentence", async () => {
    const doubling = await runOf("doubling");
    expect(doubling.status).toBe("Failed");
    expect(doubling.error.line).toBe(3);
    expect(doubling.error.message).toMatch(/^a list can hold at most 1,000,000 items/);
    const squares = await runOf("squares");
    expect(squares.status).toBe("Failed");
    expect(squares.error).toEqual({
      line: 3,
      message: "a number can have at most 1,000 digits before or after the decimal point",
    });
    const far = await runOf("far");
    expect(far.status).toBe("Failed");
    expect(far.error.line).toBe(1);
    expect(far.error.message).toMatch(/supported dates are from 0001-01-01 to 9999-12-31/);
    for (const r of [doubling, squares, far]) await readsBack(r.id);
  });

  it("data stored before the bounds (too deep, not JSON) reads back as placeholders", async () => {
    const run = await runOf("plain");
    expect(run.status).toBe("Succeeded");
    const deep = `${'{"child":'.repeat(20_000)}1${"}".repeat(20_000)}`;
    await s.engine.store.db
      .updateTable("runs")
      .set({
        outputs: `{"r":${deep}}`,
        log: "[not json",
        timeline: `{"entries":[${deep}],"omitted":0,"byLine":{}}`,
        error: deep,
      })
      .where("id", "=", run.id)
      .execute();
    await s.engine.store.db
      .updateTable("run_events")
      .set({ data: deep })
      .where("run_id", "=", run.id)
      .execute();
    const back = await readsBack(run.id);
    expect(back.log).toEqual(["(the stored log cannot be shown: it is not valid JSON)"]);
    // The outputs keep their shallow parts; the part too deep is a sentence.
    let node = back.outputs.r;
    let depth = 1;
    while (typeof node === "object" && node !== null) {
      node = node.child;
      depth++;
    }
    expect(node).toMatch(/^\(not shown: nested more than \d+ levels deep\)$/);
    expect(depth).toBeGreaterThan(50);
    const events = await s.api("GET", `/api/v2/runs/${run.id}/events`);
    expect(events.status).toBe(200);
  });
});
