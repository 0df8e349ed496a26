/**
 * bench/health: how long GET /api/v2/health waits while large sources are checked.
 *
 *   node --import tsx bench/health/run.ts [--seconds 20] [--kb 1000] [--parallel 2]
 *
 * The server runs as a child process (`plainrun serve`, SQLite, roles api+worker). Each of
 * `--parallel` callers POSTs /processes/{id}/check with a ~`--kb` KB source in a loop while
 * one caller requests /health one after another; the figures are /health's latencies
 * (p50, p99, max) during the checks, and before them (idle) for comparison. The last
 * line is one JSON object with every figure.
 */
import { largeSource } from "../../test/helpers/sources.ts";
import { numberArg } from "../lib/args.ts";
import { startServeChild } from "../lib/serve.ts";
import { percentiles } from "../lib/stats.ts";

const seconds = numberArg("seconds", 20);
const kb = numberArg("kb", 1000);
const parallel = numberArg("parallel", 2);

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
  const server = await startServeChild("health");
  try {
    const headers = { "x-api-key": server.key, "content-type": "application/json" };
    const created = await fetch(`${server.url}/api/v2/processes`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "bench", source: "the total is the price * 2" }),
    });
    if (created.status !== 201) throw new Error(`create: ${created.status}`);
    const body = JSON.stringify({ source: largeSource(kb * 1000) });
    console.log(
      `bench/health: /health latency while ${parallel} callers check a ${kb} KB source in a loop, ${seconds} s (server = child process)`,
    );
    const idle = figures(await healthFor(server.url, 3000));
    let checks = 0;
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
    const busy = figures(await healthFor(server.url, seconds * 1000));
    stop = true;
    await Promise.all(checkers);
    console.log(
      `  idle:            p50 ${idle.p50_ms} ms, p99 ${idle.p99_ms} ms, max ${idle.max_ms} ms (${idle.n} requests)`,
    );
    console.log(
      `  during checks:   p50 ${busy.p50_ms} ms, p99 ${busy.p99_ms} ms, max ${busy.max_ms} ms (${busy.n} requests; ${checks} checks done)`,
    );
    console.log(`target (p99 < 50 ms during checks): ${busy.p99_ms < 50 ? "met" : "NOT met"}`);
    console.log(JSON.stringify({ bench: "health", kb, parallel, seconds, checks, idle, busy }));
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
