// The routes the web UI reads around its tables: runs per hour by status, each process's
// latest run and recent count, and the server's version and data location.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite", { config: { dataDir: "/srv/plainrun-data" } });
});
afterAll(() => s?.close());

describe("UI activity routes", () => {
  it("counts this hour's runs by status, in 24 hourly buckets, and per process", async () => {
    await s.api("POST", "/api/v2/processes", { name: "ok", source: 'say "fine"' });
    await s.api("POST", "/api/v2/processes", { name: "bad", source: 'fail with "no"' });
    const ids: string[] = [];
    for (const [name, n] of [
      ["ok", 2],
      ["bad", 1],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const r = await s.api("POST", "/api/v2/runs", { process: name, stage: "draft" });
        ids.push(r.body.id);
      }
    }
    for (const id of ids) await s.waitRun(id);
    const all = await s.api("GET", "/api/v2/runs/per-hour");
    expect(all.status).toBe(200);
    expect(all.body.hours).toHaveLength(24);
    const last = all.body.hours[23];
    expect(last.counts).toEqual({ Succeeded: 2, Failed: 1 });
    expect(Date.parse(last.start)).toBeLessThanOrEqual(Date.now());
    const one = await s.api("GET", "/api/v2/runs/per-hour?process=bad");
    expect(one.body.hours[23].counts).toEqual({ Failed: 1 });

    // Archived runs leave the chart.
    await s.api("POST", "/api/v2/runs/actions/archive", { run_ids: [ids[2]] });
    expect((await s.api("GET", "/api/v2/runs/per-hour?process=bad")).body.hours[23].counts).toEqual(
      {},
    );

    const activity = await s.api("GET", "/api/v2/processes/activity");
    const processes = (await s.api("GET", "/api/v2/processes")).body.items as {
      id: string;
      name: string;
    }[];
    const byName = (n: string) =>
      activity.body.items.find(
        (a: { process_id: string }) => a.process_id === processes.find((p) => p.name === n)?.id,
      );
    expect(byName("ok")).toMatchObject({ last_run_status: "Succeeded", runs_24h: 2 });
    expect(byName("bad")).toMatchObject({ last_run_status: "Failed", runs_24h: 1 });
  });

  it("names an unknown process", async () => {
    const r = await s.api("GET", "/api/v2/runs/per-hour?process=nope");
    expect(r.status).toBe(404);
    expect(r.body.detail).toContain("nope");
  });

  it("tells the version and where the data lives", async () => {
    const r = await s.api("GET", "/api/v2/server");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ database: "sqlite", data_location: "/srv/plainrun-data" });
    expect(r.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect((await s.api("GET", "/api/v2/server", undefined, { "x-api-key": "" })).status).toBe(401);
  });
});
