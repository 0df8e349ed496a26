// The routes the web UI reads around its tables: runs per hour by status, each process's
// latest run and recent count, and the server's version and data location.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.ts";

/** Counts per status over all 24 hours (a run made in an hour's first minute may count in the hour before). */
function total(hours: { counts: Record<string, number> }[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const h of hours) for (const [k, n] of Object.entries(h.counts)) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}

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
    expect(total(all.body.hours)).toEqual({ Succeeded: 2, Failed: 1 });
    expect(Date.parse(all.body.hours[23].start)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(all.body.hours[23].start)).toBeGreaterThan(Date.now() - 3_600_000);
    const one = await s.api("GET", "/api/v2/runs/per-hour?process=bad");
    expect(total(one.body.hours)).toEqual({ Failed: 1 });

    // Archiving hides a run from the list, not from what happened.
    await s.api("POST", "/api/v2/runs/actions/archive", { run_ids: [ids[2]] });
    const after = await s.api("GET", "/api/v2/runs/per-hour?process=bad");
    expect(total(after.body.hours)).toEqual({ Failed: 1 });

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
