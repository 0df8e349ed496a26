// A suite run outlives the server executing it: real `plainrun serve` processes (API only)
// and a `plainrun runs work` worker on one data directory; the server running a suite is
// killed (SIGKILL) mid-way, another server starts, finds the suite run's heartbeat stale and
// resumes it: the cases ended keep their results, the cases in flight are followed on their
// runs, the others start, and the suite run ends with every case once.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/apiClient.ts";
import { BIN, createKey, ROOT, type Served, serve } from "../helpers/serve.ts";

const dir = mkdtempSync(join(tmpdir(), "plainrun-suite-recovery-"));
const store = ["--data-dir", dir];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function server(): Promise<Served> {
  const s = await serve([...store, "--roles", "api", "--suite-lease", "1000"]);
  children.push(s.child);
  return s;
}

interface Suite {
  status: string;
  counts: Record<string, number>;
  results: Array<{ case_id: string; status: string; run_id: string | null }>;
}

describe("a suite run whose server dies", () => {
  it("is resumed by the next server and ends with every case once", async () => {
    const key = await createKey(store);
    const worker = spawn(process.execPath, [BIN, "runs", "work", "--concurrency", "4", ...store], {
      cwd: ROOT,
      stdio: "ignore",
    });
    children.push(worker);
    const a = await server();
    const apiA = new ApiClient(a.url, key);
    await apiA.publish("double", "the double is the n * 2\n");
    const runIds: string[] = [];
    for (let n = 0; n < 16; n++) runIds.push(await apiA.start("double", { n }));
    await until("16 Succeeded runs", async () => {
      const page = await apiA.call<{ items: Array<{ status: string }> }>(
        "GET",
        "/runs?status=Succeeded&limit=100",
      );
      return page.items.length === 16 ? true : undefined;
    });
    const added = await apiA.call<{ results: Array<{ ok: boolean }> }>(
      "POST",
      "/runs/actions/add-test-case",
      { run_ids: runIds },
    );
    expect(added.results.every((r) => r.ok)).toBe(true);

    // Two cases at a time, each picked up by the worker's poll: it takes a few seconds.
    const started = await apiA.call<{ id: string }>("POST", "/suite-runs", {
      processes: ["double"],
      concurrency: 2,
    });
    const before = await until("a few cases ended", async () => {
      const s = await apiA.call<Suite>("GET", `/suite-runs/${started.id}`);
      return (s.counts.passed ?? 0) >= 2 ? s : undefined;
    });
    expect(before.status).toBe("Running");
    a.child.kill("SIGKILL");
    await a.exited;

    const b = await server();
    const apiB = new ApiClient(b.url, key);
    const after = await until(
      "the suite run to end",
      async () => {
        const s = await apiB.call<Suite>("GET", `/suite-runs/${started.id}`);
        return s.status === "Running" ? undefined : s;
      },
      120_000,
    );
    expect(after.status).toBe("Passed");
    expect(after.counts).toEqual({
      total: 16,
      passed: 16,
      failed: 0,
      error: 0,
      cancelled: 0,
      pending: 0,
    });
    expect(new Set(after.results.map((r) => r.case_id)).size).toBe(16);
    // What ended before the kill kept its result and run.
    for (const r of before.results) {
      expect(after.results.find((x) => x.case_id === r.case_id)).toEqual(r);
    }
    // Each case ran once: the runs in flight at the kill were followed, not started again.
    const tests = await apiB.call<{ items: unknown[] }>("GET", "/runs?trigger=test&limit=100");
    expect(tests.items).toHaveLength(16);
    expect(b.output()).toMatch(/suite run resumed after its server stopped/);
    b.child.kill("SIGTERM");
    await b.exited;
  }, 240_000);
});
