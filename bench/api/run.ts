/**
 * bench/api: POST /api/v2/runs under load, on SQLite, while the workers drain the runs.
 *
 *   node --import tsx bench/api/run.ts [--seconds 10] [--reps 3] [--connections 50]
 *     [--concurrency 4] [--warmup 3]
 *
 * The server runs as a CHILD PROCESS, exactly as deployed: `node bin/plainrun.js serve` on a
 * temp data dir (embedded SQLite) and a free port, roles api+worker, default log level
 * (warn). This process creates an API key with `plainrun keys create`, creates and
 * publishes a one-statement process through the API, then runs autocannon (in this
 * process) with N connections POSTing /api/v2/runs for the given seconds, `--reps` times
 * (after a warm-up). Per repetition: accepted runs/s (2xx answers / duration), p50/p99
 * latency, non-2xx and errors, the runs the workers finished meanwhile (read from the
 * store file), and the server process's CPU (all threads) per accepted run, which load moves
 * far less than the wall-clock figures. The last line is one JSON object with every figure.
 */
import { join } from "node:path";
import autocannon from "autocannon";
import { countRunsByStatus, openStore } from "../../src/store/index.ts";
import { numberArg } from "../lib/args.ts";
import { cpuSeconds } from "../lib/cpu.ts";
import { startServeChild } from "../lib/serve.ts";
import { formatSpread, round, spread } from "../lib/stats.ts";

const seconds = numberArg("seconds", 10);
const reps = numberArg("reps", 3);
const connections = numberArg("connections", 50);
const concurrency = numberArg("concurrency", 4);
const warmup = numberArg("warmup", 3);
const rolesIdx = process.argv.indexOf("--roles");
const roles = rolesIdx >= 0 ? (process.argv[rolesIdx + 1] as string) : "api,worker";

interface Rep {
  accepted_per_s: number;
  p50_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
  finished_per_s: number;
  /** The server process's CPU (all threads: API and executors) per accepted run. */
  cpu_us_per_run: number;
}

async function main() {
  const server = await startServeChild("api", [
    "--concurrency",
    String(concurrency),
    "--roles",
    roles,
  ]);
  const { url, key, dir } = server;
  try {
    const headers = { "x-api-key": key, "content-type": "application/json" };
    const post = async (path: string, body: unknown) => {
      const res = await fetch(url + path, { method: "POST", headers, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ id: string }>;
    };
    const p = await post("/api/v2/processes", { name: "bench", source: "the done is true" });
    await post(`/api/v2/processes/${p.id}/publish`, {});

    const store = await openStore({ url: `sqlite:${join(dir, "plainrun.sqlite")}` });
    const finished = async () => (await countRunsByStatus(store.db)).Succeeded ?? 0;
    const body = JSON.stringify({ process_id: p.id, inputs: {} });
    const fire = (duration: number) =>
      autocannon({
        url: `${url}/api/v2/runs`,
        method: "POST",
        headers,
        body,
        connections,
        duration,
      });

    console.log(
      `bench/api: POST /api/v2/runs, ${connections} connections, ${seconds} s x ${reps}, server = child process (SQLite, workers concurrency ${concurrency})`,
    );
    await fire(warmup);
    const results: Rep[] = [];
    for (let i = 0; i < reps; i++) {
      const before = await finished();
      const cpu0 = cpuSeconds(server.child.pid as number);
      const r = await fire(seconds);
      // The runs accepted meanwhile are finished by now (or nearly: runs_by_status says).
      const after = await finished();
      const cpu = cpuSeconds(server.child.pid as number) - cpu0;
      const duration = r.duration || seconds;
      const rep: Rep = {
        accepted_per_s: r["2xx"] / duration,
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
        finished_per_s: (after - before) / duration,
        cpu_us_per_run: Math.round((cpu * 1e6) / Math.max(1, r["2xx"])),
      };
      results.push(rep);
      console.log(
        `  rep ${i + 1}: ${rep.accepted_per_s.toFixed(0)} runs/s accepted, p50 ${rep.p50_ms} ms, p99 ${rep.p99_ms} ms, non-2xx ${rep.non2xx}, errors ${rep.errors}; workers finished ${rep.finished_per_s.toFixed(0)} runs/s; server CPU ${rep.cpu_us_per_run} µs per run`,
      );
    }
    const counts = await countRunsByStatus(store.db);
    await store.close();
    const acc = spread(results.map((r) => r.accepted_per_s));
    const p99 = spread(results.map((r) => r.p99_ms));
    const fin = spread(results.map((r) => r.finished_per_s));
    const cpu = spread(results.map((r) => r.cpu_us_per_run));
    console.log(`accepted runs/s: ${formatSpread(acc)}   (median (min–max))`);
    console.log(`p99 latency ms:  ${formatSpread(p99, 1)}`);
    console.log(`finished runs/s: ${formatSpread(fin)}   (workers, same process as the API)`);
    console.log(`server CPU µs per accepted run: ${formatSpread(cpu)}   (all threads)`);
    const target = acc.median >= 5000 && p99.median <= 25;
    console.log(`target (>= 5000 runs/s, p99 <= 25 ms): ${target ? "met" : "NOT met"}`);
    console.log(
      JSON.stringify({
        bench: "api",
        server: "child process",
        database: "sqlite",
        connections,
        seconds,
        reps,
        worker_concurrency: concurrency,
        accepted_per_s: {
          median: round(acc.median, 0),
          min: round(acc.min, 0),
          max: round(acc.max, 0),
        },
        p99_ms: { median: p99.median, min: p99.min, max: p99.max },
        p50_ms: results.map((r) => r.p50_ms),
        finished_per_s: {
          median: round(fin.median, 0),
          min: round(fin.min, 0),
          max: round(fin.max, 0),
        },
        server_cpu_us_per_run: { median: cpu.median, min: cpu.min, max: cpu.max },
        non2xx: results.reduce((a, r) => a + r.non2xx, 0),
        errors: results.reduce((a, r) => a + r.errors, 0),
        runs_by_status: counts,
        target_met: target,
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
