/**
 * bench/health: how long GET /api/v2/health waits while large sources are checked and a
 * poison run executes (issue 7: p99 under 50 ms).
 *
 *   node --import tsx bench/health/run.ts [--seconds 20] [--kb 1000] [--parallel 2] [--reps 3]
 *
 * The server runs as a child process (`plainrun serve`, SQLite, roles api+worker, executors
 * of 40 MB). In each of `--reps` rounds, each of `--parallel` callers POSTs
 * /processes/{id}/check with a ~`--kb` KB source in a loop, and poison runs (one at a time:
 * a run that exhausts its executor's memory, which is then replaced) execute, while one
 * caller requests /health one after another for `--seconds`; before the first round, 3 s of
 * /health alone (idle). Each round gives p50, p99 and max; the summary is the median and
 * range of the rounds' p99. The last line is one JSON object with every figure.
 */
import { largeSource } from "../../test/helpers/sources.ts";
import { numberArg } from "../lib/args.ts";
import { startServeChild } from "../lib/serve.ts";
import { formatSpread, percentiles, spread } from "../lib/stats.ts";

const seconds = numberArg("seconds", 20);
const kb = numberArg("kb", 1000);
const parallel = numberArg("parallel", 2);
const reps = numberArg("reps", 3);
const MEMORY_MB = 40;
// Exact decimals: about 100 MB of heap, more than the executor may hold (as in
// test/server/isolation.test.ts).
const POISON = [
  "the rows are 1, 2",
  "repeat 500000 times",
  "  add the iteration / 3 to the rows",
  "  add the iteration / 7 to the rows",
  'say "done"',
].join("\n");

async function healthFor(url: string, ms: number): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const t = performance.now();
    const r = await fetch(`${url}/api/v2/health`);
    await r.arrayBuffer();
    times.push(performance.now() - t);
  }
  return times;
}

const figures = (xs: number[]) => {
  const [p50 = 0, p99 = 0, max = 0] = percentiles(xs, [50, 99, 100]).map(
    (x) => Math.round(x * 10) / 10,
  );
  return { n: xs.length, p50_ms: p50, p99_ms: p99, max_ms: max };
};

async function main() {
  const server = await startServeChild("health", ["--executor-memory", String(MEMORY_MB)]);
  try {
    const headers = { "x-api-key": server.key, "content-type": "application/json" };
    const api = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${server.url}/api/v2${path}`, {
        method,
        ...(body === undefined
          ? { headers: { "x-api-key": server.key } }
          : { headers, body: JSON.stringify(body) }),
      });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { id?: string; status?: string; error?: { message: string } };
    };
    await api("POST", "/processes", { name: "bench", source: "the total is the price * 2" });
    await api("POST", "/processes", { name: "poison", source: POISON });
    await api("POST", "/processes/poison/publish");
    const body = JSON.stringify({ source: largeSource(kb * 1000) });
    console.log(
      `bench/health: /health latency while ${parallel} callers check a ${kb} KB source in a loop and poison runs execute (executors of ${MEMORY_MB} MB), ${reps} × ${seconds} s (server = child process)`,
    );
    const idle = figures(await healthFor(server.url, 3000));
    console.log(
      `  idle:     p50 ${idle.p50_ms} ms, p99 ${idle.p99_ms} ms, max ${idle.max_ms} ms (${idle.n} requests)`,
    );
    const rounds = [];
    for (let rep = 0; rep < reps; rep++) {
      let checks = 0;
      let poisons = 0;
      const failures: string[] = [];
      let stop = false;
      const checkers = Array.from({ length: parallel }, async () => {
        while (!stop) {
          const r = await fetch(`${server.url}/api/v2/processes/bench/check`, {
            method: "POST",
            headers,
            body,
          });
          if (r.status !== 200) throw new Error(`check: ${r.status} ${await r.text()}`);
          await r.arrayBuffer();
          checks++;
        }
      });
      const poisoner = (async () => {
        while (!stop) {
          const { id } = await api("POST", "/runs", { process: "poison" });
          for (;;) {
            const run = await api("GET", `/runs/${id}`);
            if (run.status !== "Pending" && run.status !== "Running") {
              if (run.status === "Failed") poisons++;
              else failures.push(`poison ended ${run.status}: ${run.error?.message}`);
              break;
            }
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      })();
      const busy = figures(await healthFor(server.url, seconds * 1000));
      stop = true;
      await Promise.all([...checkers, poisoner]);
      if (failures.length > 0) throw new Error(failures.join("; "));
      rounds.push({ ...busy, checks, poisons });
      console.log(
        `  round ${rep + 1}:  p50 ${busy.p50_ms} ms, p99 ${busy.p99_ms} ms, max ${busy.max_ms} ms (${busy.n} requests; ${checks} checks, ${poisons} poison runs failed by their executor's death)`,
      );
    }
    const p99 = spread(rounds.map((r) => r.p99_ms));
    console.log(`  p99 over rounds: ${formatSpread(p99, 1)} ms (median (min–max))`);
    console.log(`target (p99 < 50 ms): ${p99.median < 50 ? "met" : "NOT met"}`);
    console.log(
      JSON.stringify({
        bench: "health",
        kb,
        parallel,
        seconds,
        reps,
        idle,
        rounds,
        p99_median_ms: p99.median,
        p99_min_ms: p99.min,
        p99_max_ms: p99.max,
      }),
    );
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
