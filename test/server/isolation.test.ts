// Isolation against the real `plainrun serve`: a run that exhausts its executor's memory ends
// Failed with a sentence naming the bound, while the server keeps answering /health and
// executing other runs; runs that shared the dead executor are executed again alone, so only
// the guilty one fails; and on PostgreSQL, two servers sharing the run both survive it and
// the run fails once. The executors get a small memory bound (64 MB) so that a run within
// the interpreter's own bounds still passes it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/apiClient.ts";
import { until } from "../helpers/engines.ts";
import { createKey, type Served, serve } from "../helpers/serve.ts";
import { createTestStore, PG_URL, type TestStore } from "../helpers/stores.ts";

const MEMORY_MB = 40;
const SENTENCE = `The run was stopped: it used more memory than an executor may (${MEMORY_MB} MB).`;
// About 100 MB of heap for its exact decimals and numbers, more than the executor may hold
// (40 MB) and less than the run's own state bound (64 MB, counted as memory), so the
// executor's bound is the one that stops it.
const POISON = [
  "the rows are 1, 2",
  "repeat 500000 times",
  "  add the iteration / 3 to the rows",
  "  add the iteration / 7 to the rows",
  'say "done"',
].join("\n");
// One statement that takes minutes (50,000 × 100,000 comparisons, the lists given as inputs
// so that it is the first statement): it holds its executor's event loop all along.
const LONG_STATEMENT = 'the hits are the rows whose n is one of the ys\nsay "done"';
const LONG_INPUTS = {
  rows: Array.from({ length: 50_000 }, () => ({ n: 5 })),
  ys: Array.from({ length: 100_000 }, () => 1),
};
// Executes until cancelled, so it is still executing when the poison kills their executor.
const ENDLESS = [
  "the n is 0",
  "repeat 1000000000 times",
  "  add 1 to the n",
  'say "counted {the n}"',
].join("\n");

interface RunView {
  id: string;
  status: string;
  log: string[];
  error: { message: string } | null;
}

class Api extends ApiClient {
  run(id: string): Promise<RunView> {
    return this.call<RunView>("GET", `/runs/${id}`);
  }

  async waitFor(id: string, done: (r: RunView) => boolean, timeoutMs = 300_000): Promise<RunView> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.run(id);
      if (done(r) || Date.now() > until) return r;
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  waitFinal(id: string): Promise<RunView> {
    return this.waitFor(id, (r) => !["Pending", "Running"].includes(r.status));
  }

  /** The statuses the run's events announce, in order (every page). */
  async statusEvents(id: string): Promise<string[]> {
    return (await this.statusData(id)).map((d) => d.status ?? "");
  }

  async statusData(id: string): Promise<Array<{ status?: string; worker?: string }>> {
    const out: Array<{ status?: string; worker?: string }> = [];
    for (let after = 0; ; ) {
      const page = await this.call<{
        items: Array<{ seq: number; type: string; data: { status?: string; worker?: string } }>;
      }>("GET", `/runs/${id}/events?after=${after}&limit=500`);
      for (const e of page.items) if (e.type === "status") out.push(e.data);
      const last = page.items.at(-1);
      if (!last) return out;
      after = last.seq;
    }
  }
}

/**
 * Asks /health every 50 ms until stopped; every answer that is not a 200 is kept, and one
 * that does not come within 60 s (a server that stopped answering, not a loaded machine).
 */
function pollHealth(urls: string[]) {
  const failures: string[] = [];
  let answers = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const url of urls) {
        try {
          const res = await fetch(`${url}/api/v2/health`, { signal: AbortSignal.timeout(60_000) });
          if (res.status === 200) answers++;
          else failures.push(`${url}: ${res.status}`);
          await res.body?.cancel();
        } catch (err) {
          failures.push(`${url}: ${String(err)}`);
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    failures,
    get answers() {
      return answers;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

const alive = (s: Served) => s.child.exitCode === null && s.child.signalCode === null;

async function stopServer(s: Served | undefined): Promise<void> {
  if (!s || !alive(s)) return;
  s.child.kill("SIGTERM");
  const t = setTimeout(() => s.child.kill("SIGKILL"), 20_000);
  await s.exited;
  clearTimeout(t);
}

describe("a run that exhausts its executor's memory (SQLite)", () => {
  let dir: string;
  let server: Served;
  let api: Api;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plainrun-isolation-"));
    const key = await createKey(["--data-dir", dir]);
    server = await serve([
      "--data-dir",
      dir,
      "--concurrency",
      "2",
      "--executor-memory",
      String(MEMORY_MB),
    ]);
    api = new Api(server.url, key);
    await api.publish("poison", POISON);
    await api.publish("endless", ENDLESS);
    await api.publish("hello", 'say "hi"');
    await api.publish("long", LONG_STATEMENT);
  }, 90_000);
  afterAll(async () => {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("ends Failed with a sentence naming the bound; the server answers throughout and runs the next run", async () => {
    const health = pollHealth([server.url]);
    try {
      const poison = await api.waitFinal(await api.start("poison"));
      expect(poison.status).toBe("Failed");
      expect(poison.error?.message).toBe(SENTENCE);
      expect(await api.statusEvents(poison.id)).toEqual(["Pending", "Running", "Failed"]);
      const next = await api.waitFinal(await api.start("hello"));
      expect(next.status).toBe("Succeeded");
      expect(next.log).toEqual(["hi"]);
    } finally {
      await health.stop();
    }
    expect(health.failures).toEqual([]);
    expect(health.answers).toBeGreaterThan(0);
    expect(alive(server)).toBe(true);
  }, 330_000);

  it("is cancelled at once, without waiting for the statement to end", async () => {
    const id = await api.start("long", LONG_INPUTS);
    // Running: its claim committed and its first statement, the long one, began.
    const running = await api.waitFor(id, (r) => r.status !== "Pending");
    expect(running.status).toBe("Running");
    await api.call("POST", `/runs/${id}/cancel`);
    // Before the statement ends or the watchdog (10 s of a held event loop) stops it.
    const run = await api.waitFinal(id);
    expect(run.status, run.error?.message).toBe("Cancelled");
    expect(run.log).toEqual([]);
  }, 330_000);

  it("fails only the guilty run when others shared its executor: they are executed again alone", async () => {
    const health = pollHealth([server.url]);
    try {
      const innocentId = await api.start("endless");
      await api.waitFor(innocentId, (r) => r.status !== "Pending");
      const poisonId = await api.start("poison");
      // Once their executor died, the innocent run is executed again alone, in the quarantine.
      const quarantined = async () =>
        (await api.statusData(innocentId)).some((d) => d.worker?.startsWith("quarantine-"));
      await until(async () => ((await quarantined()) ? true : undefined), 300_000, 100);
      await api.call("POST", `/runs/${innocentId}/cancel`);
      const innocent = await api.waitFinal(innocentId);
      expect(innocent.status).toBe("Cancelled");
      const poison = await api.waitFinal(poisonId);
      expect(poison.status).toBe("Failed");
      expect(poison.error?.message).toBe(SENTENCE);
      expect((await api.statusEvents(poisonId)).filter((s) => s === "Failed")).toHaveLength(1);
    } finally {
      await health.stop();
    }
    expect(health.failures).toEqual([]);
    expect(alive(server)).toBe(true);
  }, 400_000);
});

describe("an executor that stops answering (SQLite)", () => {
  let dir: string;
  let server: Served;
  let api: Api;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plainrun-isolation-"));
    const key = await createKey(["--data-dir", dir]);
    // The test hook blocks the executor thread for good once a run logs this line (as a
    // statement stuck in native code would): only the watchdog can end it.
    server = await serve(["--data-dir", dir, "--executor-watchdog", "2000"], {
      PLAINRUN_TEST_HANG_AFTER_LOG: "hang now",
    });
    api = new Api(server.url, key);
    await api.publish("stuck", `say "hang now"\n${ENDLESS}`);
    await api.publish("hello", 'say "hi"');
  }, 90_000);
  afterAll(async () => {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("is failed by the watchdog when its executor stops answering; the server goes on", async () => {
    const health = pollHealth([server.url]);
    try {
      const stuck = await api.waitFinal(await api.start("stuck"));
      expect(stuck.status).toBe("Failed");
      expect(stuck.error?.message).toBe(
        "The run was stopped: it kept its executor busy without a pause for more than 2 s.",
      );
      expect(await api.statusEvents(stuck.id)).toEqual(["Pending", "Running", "Failed"]);
      // The executor was replaced.
      const next = await api.waitFinal(await api.start("hello"));
      expect(next.status).toBe("Succeeded");
    } finally {
      await health.stop();
    }
    expect(health.failures).toEqual([]);
    expect(health.answers).toBeGreaterThan(0);
    expect(alive(server)).toBe(true);
  }, 330_000);
});

describe("a run that exhausts its executor's memory, two servers on one PostgreSQL database", () => {
  let t: TestStore;
  const servers: Served[] = [];
  let apis: Api[];

  beforeAll(async () => {
    t = await createTestStore("postgres");
    const url = `${PG_URL}?schema=${t.schema}`;
    const key = await createKey(["--database-url", url]);
    for (let i = 0; i < 2; i++) {
      servers.push(await serve(["--database-url", url, "--executor-memory", String(MEMORY_MB)]));
    }
    apis = servers.map((s) => new Api(s.url, key));
    await apis[0]?.publish("poison", POISON);
    await apis[0]?.publish("hello", 'say "hi"');
  }, 330_000);
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await t?.cleanup();
  }, 30_000);

  it("neither server dies, and the run ends Failed once", async () => {
    const [a, b] = apis as [Api, Api];
    const health = pollHealth(servers.map((s) => s.url));
    try {
      const id = await a.start("poison");
      const run = await a.waitFinal(id);
      expect(run.status).toBe("Failed");
      expect(run.error?.message).toBe(SENTENCE);
      expect((await b.statusEvents(id)).filter((s) => s === "Failed")).toHaveLength(1);
      // Both servers still execute runs.
      for (const api of [a, b]) {
        const next = await api.waitFinal(await api.start("hello"));
        expect(next.status).toBe("Succeeded");
      }
    } finally {
      await health.stop();
    }
    expect(health.failures).toEqual([]);
    expect(servers.every(alive)).toBe(true);
  }, 330_000);
});
