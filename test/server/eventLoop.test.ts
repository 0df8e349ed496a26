// The API's event loop stays free (issue 7, item 4): large sources are checked on the
// engine's compile threads, so /health answers at once while ~1 MB sources are created,
// edited, checked and published. The latency bound here is generous (the figure itself is
// in docs/benchmarks.md, from bench/api/health.ts); a parse on the request thread takes
// seconds and fails it by far.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileWorkers } from "../../src/engine/compileWorkers.ts";
import { createKey, serve } from "../helpers/serve.ts";
import { largeSource } from "../helpers/sources.ts";
import { expectProblem, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite", { workers: false });
});
afterAll(() => s.close());

/** Polls /health one request after another until `done` settles; the latencies in ms. */
async function healthWhile(url: string, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  const times: number[] = [];
  while (!finished) {
    const t = performance.now();
    const r = await fetch(`${url}/api/v2/health`);
    await r.arrayBuffer();
    times.push(performance.now() - t);
  }
  return times;
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;

describe("large sources do not hold the event loop", () => {
  it("answers /health while 1 MB sources are created, checked, edited and published", async () => {
    const source = largeSource(950_000);
    const work = (async () => {
      const created = await s.api("POST", "/api/v2/processes", { name: "large", source });
      expect(created.status, created.text.slice(0, 300)).toBe(201);
      expect(created.body.inputs).toEqual(["price"]);
      const checks = await Promise.all(
        [0, 1].map(() =>
          s.api("POST", "/api/v2/processes/large/check", { source: `${source}\nthe x is (` }),
        ),
      );
      for (const c of checks) {
        expect(c.status).toBe(200);
        expect(c.body.ok).toBe(false);
      }
      const edited = await s.api("PATCH", "/api/v2/processes/large", { source: `${source}\n` });
      expect(edited.status).toBe(200);
      const published = await s.api("POST", "/api/v2/processes/large/publish");
      expect(published.status).toBe(201);
    })();
    const times = await healthWhile(s.url, work);
    await work;
    expect(times.length).toBeGreaterThan(10);
    // Generous: a parse of this source on the request thread holds /health for seconds.
    expect(p99(times)).toBeLessThan(1000);
  }, 120_000);

  it("refuses a source over the bound, naming it", async () => {
    const r = await s.api("POST", "/api/v2/processes/large/check", {
      source: "x".repeat(1024 * 1024 + 1),
    });
    expect(r.status).toBeGreaterThanOrEqual(413);
    expect(r.status).toBeLessThanOrEqual(422);
    expect(expectProblem(r, r.status).detail).toMatch(/1048576|1 MB/);
  });
});

describe("compile threads", () => {
  it("give what an inline check gives, and refuse work beyond their queue", async () => {
    const workers = new CompileWorkers({ threads: 1, inlineMax: 10, maxQueue: 1 });
    const inline = new CompileWorkers({ threads: 0 });
    try {
      const source = largeSource(20_000);
      const [a, b] = await Promise.all([workers.compile(source), inline.compile(source)]);
      expect(a.hash).toBe(b.hash);
      expect(a.inputs).toEqual(b.inputs);
      expect(a.diagnostics).toEqual(b.diagnostics);
      expect("program" in a).toBe(false);

      const broken = await workers.compile(`${source}\nthe x is (`);
      expect(broken.errors.length).toBeGreaterThan(0);

      // one running, one queued: the third is refused with a sentence, not queued forever
      const jobs = [workers.compile(source), workers.compile(source)];
      await expect(workers.compile(source)).rejects.toMatchObject({ code: "busy" });
      await Promise.all(jobs);
    } finally {
      await workers.close();
      await inline.close();
    }
  }, 60_000);

  it("bound the time of one check", async () => {
    const workers = new CompileWorkers({ threads: 1, inlineMax: 10, timeoutMs: 1 });
    try {
      await expect(workers.compile(largeSource(200_000))).rejects.toMatchObject({
        code: "too_large",
        message: expect.stringMatching(/longer than 0.001 s/),
      });
    } finally {
      await workers.close();
    }
  }, 60_000);
});

describe("a real server, its executors and its API", () => {
  it("answer /health while a 1 MB source is checked in a loop and a poison run executes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plainrun-eventloop-"));
    const key = await createKey(["--data-dir", dir]);
    const server = await serve(["--data-dir", dir, "--executor-memory", "40"]);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/api/v2${path}`, {
        method,
        headers: {
          "x-api-key": key,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      expect(res.status, text.slice(0, 300)).toBeLessThan(300);
      return JSON.parse(text) as { id: string; status: string; error?: { message: string } };
    };
    try {
      await call("POST", "/processes", { name: "large", source: "the total is the price * 2" });
      // The poison of test/server/isolation.test.ts: ~100 MB of heap, its executor may hold 40.
      const poison = [
        "the rows are 1, 2",
        "repeat 500000 times",
        "  add the iteration / 3 to the rows",
        "  add the iteration / 7 to the rows",
        'say "done"',
      ].join("\n");
      await call("POST", "/processes", { name: "poison", source: poison });
      await call("POST", "/processes/poison/publish");
      const source = largeSource(1_000_000);
      let checks = 0;
      let done = false;
      const checker = (async () => {
        while (!done) {
          const c = await call("POST", "/processes/large/check", { source });
          expect(c).toMatchObject({ ok: true });
          checks++;
        }
      })();
      const runId = (await call("POST", "/runs", { process: "poison" })).id;
      for (let r = await call("GET", `/runs/${runId}`); r.status === "Pending"; ) {
        await new Promise((res) => setTimeout(res, 100));
        r = await call("GET", `/runs/${runId}`);
      }
      // While the poison executes (it exhausts its executor, which is then replaced) and
      // three more checks are done.
      const target = checks + 3;
      const times = await healthWhile(
        server.url,
        (async () => {
          while (checks < target) await new Promise((res) => setTimeout(res, 50));
        })(),
      );
      done = true;
      await checker;
      await fetch(`${server.url}/api/v2/runs/${runId}/cancel`, {
        method: "POST",
        headers: { "x-api-key": key },
      });
      expect(times.length).toBeGreaterThan(10);
      // Generous (the 50 ms target is measured by bench/health, docs/benchmarks.md): a check
      // on the request thread, or a run on it, holds /health for seconds.
      expect(p99(times)).toBeLessThan(1000);
      expect(server.child.exitCode).toBeNull();
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
