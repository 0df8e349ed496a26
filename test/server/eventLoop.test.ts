// The API's event loop stays free (issue 7, item 4): large sources are checked on the
// engine's compile threads, so /health answers all along while ~1 MB sources are created,
// edited, checked and published. Counted, not timed: a request parsed on the API thread
// holds every /health behind it until it is answered, so at most the few that slip in
// while its body arrives are answered during it; parsed on another thread, /health answers
// hundreds of times during it (a 1 MB parse is about a thousand times the work of an
// answer), on a loaded machine as on an idle one. The latency itself is a figure of
// bench/health (docs/benchmarks.md).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileWorkers } from "../../src/engine/compileWorkers.ts";
import { until } from "../helpers/engines.ts";
import { createKey, serve } from "../helpers/serve.ts";
import { largeSource } from "../helpers/sources.ts";
import { expectProblem, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite", { workers: false });
});
afterAll(() => s.close());

/** Far more than slip in while a body arrives, far fewer than a parse's worth. */
const FREE = 20;

/** Asks /health one request after another until stopped, counting the answers. */
function healthPoller(url: string) {
  let answered = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const r = await fetch(`${url}/api/v2/health`);
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      answered++;
    }
  })();
  return {
    /** What `request` resolves to, and how many /health answers came while it ran. */
    async during<T>(request: Promise<T>): Promise<[T, number]> {
      const before = answered;
      const value = await request;
      return [value, answered - before];
    },
    /** Stops asking; the number of answers in all. */
    async stop(): Promise<number> {
      stopped = true;
      await loop;
      return answered;
    },
  };
}

describe("large sources do not hold the event loop", () => {
  it("answers /health while 1 MB sources are created, checked, edited and published", async () => {
    const source = largeSource(950_000);
    const health = healthPoller(s.url);
    try {
      const [created, duringCreate] = await health.during(
        s.api("POST", "/api/v2/processes", { name: "large", source }),
      );
      expect(created.status, created.text.slice(0, 300)).toBe(201);
      expect(created.body.inputs).toEqual(["price"]);
      expect(duringCreate).toBeGreaterThan(FREE);
      const [checks, duringChecks] = await health.during(
        Promise.all(
          [0, 1].map(() =>
            s.api("POST", "/api/v2/processes/large/check", { source: `${source}\nthe x is (` }),
          ),
        ),
      );
      for (const c of checks) {
        expect(c.status).toBe(200);
        expect(c.body.ok).toBe(false);
      }
      expect(duringChecks).toBeGreaterThan(FREE);
      const [edited, duringEdit] = await health.during(
        s.api("PATCH", "/api/v2/processes/large", { source: `${source}\n` }),
      );
      expect(edited.status).toBe(200);
      expect(duringEdit).toBeGreaterThan(FREE);
      const published = await s.api("POST", "/api/v2/processes/large/publish");
      expect(published.status).toBe(201);
    } finally {
      await health.stop();
    }
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
      const health = healthPoller(server.url);
      // Checks one after another, each with the /health answers that came while it ran.
      const during: number[] = [];
      let enough: () => void = () => {};
      let stop = false;
      const checker = (async () => {
        while (!stop) {
          const [c, n] = await health.during(call("POST", "/processes/large/check", { source }));
          expect(c).toMatchObject({ ok: true });
          during.push(n);
          enough();
        }
      })();
      const runId = (await call("POST", "/runs", { process: "poison" })).id;
      await until(async () => {
        const r = await call("GET", `/runs/${runId}`);
        return r.status === "Pending" ? undefined : r;
      }, 120_000);
      // While the poison executes (it exhausts its executor, which is then replaced): three
      // more checks, each with /health answering all along.
      const from = during.length;
      const threeMore = new Promise<void>((resolve) => {
        enough = () => {
          if (during.length >= from + 3) resolve();
        };
      });
      await Promise.race([threeMore, checker]);
      stop = true;
      await checker;
      await fetch(`${server.url}/api/v2/runs/${runId}/cancel`, {
        method: "POST",
        headers: { "x-api-key": key },
      });
      expect(await health.stop()).toBeGreaterThan(FREE);
      for (const n of during.slice(from)) expect(n).toBeGreaterThan(FREE);
      expect(server.child.exitCode).toBeNull();
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
