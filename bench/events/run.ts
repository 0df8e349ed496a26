/**
 * bench/events: how soon a run's event reaches a live stream (SSE) once it is committed, on
 * the same server and across two servers sharing a PostgreSQL database.
 *
 *   node --import tsx bench/events/run.ts [--runs 100] [--reps 3] [--rate 50]
 *     [--pg postgres://127.0.0.1:5432/test]
 *
 * With PLAINRUN_BENCH_ROOT=DIR, the servers are DIR's (another checkout, built): the peer
 * of a before/after comparison (before push, streams polled every 250 ms).
 *
 * Servers are CHILD PROCESSES, as deployed (`node bin/plainrun.js serve`, executors in their
 * threads), with `--sse-poll 3600000`, so every event measured was pushed, never polled:
 * - sqlite: one server on a fresh data directory; streams on it ("same node");
 * - postgres: server A (api, worker) and server B (api only) on one schema; each run has a
 *   stream on A ("pg same node") and one on B ("pg cross node"); A writes every event.
 * Per repetition: `--runs` runs of a process that asks a question are started and left
 * waiting; a stream per run (and per server) is opened and has replayed the question; then
 * the runs are answered, `--rate` per second. Each answer is written by the API thread, the
 * rest of the run (Running, its log line, Succeeded) by the executor thread. A sample is one
 * write (the events sharing run and time): received (bench clock) minus the event's `at`
 * (the writer's clock, taken just before its commit, same machine), so a sample slightly
 * overstates commit → received. Printed: p50 and p99 per repetition, the median (min–max)
 * over repetitions; the last line is one JSON object with every figure.
 */
import pg from "pg";
import { ApiClient } from "../../test/helpers/apiClient.ts";
import { numberArg } from "../lib/args.ts";
import { type ServeChild, startServeChild } from "../lib/serve.ts";
import { formatSpread, percentiles, round, spread } from "../lib/stats.ts";

const runs = numberArg("runs", 100);
const reps = numberArg("reps", 3);
const rate = numberArg("rate", 50);
const pgIdx = process.argv.indexOf("--pg");
const PG =
  pgIdx >= 0 ? (process.argv[pgIdx + 1] as string) : "postgres://postgres@127.0.0.1:5432/test";
const TARGET_P99_MS = 50;
// A server from before --sse-poll (PLAINRUN_BENCH_ROOT, see bench/lib/serve.ts) polls instead.
const NO_POLL = process.env.PLAINRUN_BENCH_ROOT ? [] : ["--sse-poll", "3600000"];
const ASK = 'ask "Go?" with choices "yes", "no" as the go\nsay "went {the go}"';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One run's stream: resolves `ready` once the question was replayed, records one latency per
 * write pushed after that, ends at the final status.
 */
function follow(api: ApiClient, runId: string, lastSeq: number, samples: number[]) {
  let ready!: () => void;
  const readyP = new Promise<void>((r) => {
    ready = r;
  });
  const done = (async () => {
    const res = await fetch(`${api.url}/api/v2/runs/${runId}/events/stream`, {
      headers: { "x-api-key": api.key },
    });
    if (res.status !== 200) throw new Error(`stream ${runId}: ${res.status}`);
    const decoder = new TextDecoder();
    let buf = "";
    const seen = new Set<number>();
    for await (const chunk of res.body as ReadableStream<Uint8Array>) {
      const at = now();
      buf += decoder.decode(chunk, { stream: true });
      for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = block.split("\n").find((l) => l.startsWith("data: "));
        if (!data) continue;
        const e = JSON.parse(data.slice(6)) as { seq: number; at: string };
        const written = Date.parse(e.at);
        if (e.seq > lastSeq && !seen.has(written)) {
          seen.add(written);
          samples.push(at - written);
        }
        if (e.seq >= lastSeq) ready();
      }
    }
  })();
  return { ready: readyP, done };
}

/** Each run's last event seq once it waits for its answer. */
async function waitAllWaiting(api: ApiClient, ids: string[]): Promise<number[]> {
  const last: number[] = [];
  for (const id of ids) {
    for (;;) {
      const r = await api.call<{ status: string; last_event_seq: number }>("GET", `/runs/${id}`);
      if (r.status === "AwaitingAnswer") {
        last.push(r.last_event_seq);
        break;
      }
      if (r.status !== "Pending" && r.status !== "Running")
        throw new Error(`run ${id}: ${r.status}`);
      await sleep(20);
    }
  }
  return last;
}

/** One repetition: runs started on `actor`, followed on each of `watchers`, answered on `actor`. */
async function rep(actor: ApiClient, watchers: ApiClient[]): Promise<number[][]> {
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) {
    ids.push((await actor.call<{ id: string }>("POST", "/runs", { process: "ask" })).id);
  }
  const last = await waitAllWaiting(actor, ids);
  const samples = watchers.map(() => [] as number[]);
  const streams = ids.flatMap((id, i) =>
    watchers.map((w, k) => follow(w, id, last[i] as number, samples[k] as number[])),
  );
  await Promise.all(streams.map((s) => s.ready));
  const gap = 1000 / rate;
  const t0 = now();
  for (let i = 0; i < ids.length; i++) {
    const wait = t0 + i * gap - now();
    if (wait > 0) await sleep(wait);
    void actor.call("POST", `/runs/${ids[i]}/answer`, { answer: "yes" });
  }
  await Promise.all(streams.map((s) => s.done));
  return samples;
}

interface Figures {
  p50: number[];
  p99: number[];
  samples: number;
}

function summarize(name: string, f: Figures) {
  const p50 = spread(f.p50);
  const p99 = spread(f.p99);
  console.log(
    `${name}: p50 ${formatSpread(p50, 1)} ms, p99 ${formatSpread(p99, 1)} ms (median (min–max) over ${f.p50.length} reps, ${f.samples} writes)`,
  );
  return {
    p50_ms: { median: round(p50.median, 1), min: round(p50.min, 1), max: round(p50.max, 1) },
    p99_ms: { median: round(p99.median, 1), min: round(p99.min, 1), max: round(p99.max, 1) },
    writes: f.samples,
    target_met: p99.median <= TARGET_P99_MS,
  };
}

async function measure(actor: ApiClient, watchers: ApiClient[], names: string[]) {
  const figures = names.map((): Figures => ({ p50: [], p99: [], samples: 0 }));
  await actor.call("POST", "/processes", { name: "ask", source: ASK });
  await actor.call("POST", "/processes/ask/publish");
  // Warm-up: one small repetition, not counted.
  const warm = runs;
  await rep(actor, watchers).catch((err) => {
    throw new Error(`warm-up failed (${warm} runs): ${err}`);
  });
  for (let r = 0; r < reps; r++) {
    const samples = await rep(actor, watchers);
    samples.forEach((s, k) => {
      const [p50, p99] = percentiles(s, [50, 99]);
      const f = figures[k] as Figures;
      f.p50.push(p50 as number);
      f.p99.push(p99 as number);
      f.samples += s.length;
      console.log(
        `  rep ${r + 1} ${names[k]}: p50 ${(p50 as number).toFixed(1)} ms, p99 ${(p99 as number).toFixed(1)} ms, ${s.length} writes`,
      );
    });
  }
  return Object.fromEntries(names.map((n, k) => [n, summarize(n, figures[k] as Figures)]));
}

async function main() {
  const out: Record<string, unknown> = {};
  const started: ServeChild[] = [];
  const schema = `bench_events_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG });
  try {
    const one = await startServeChild("events", NO_POLL);
    started.push(one);
    const api = new ApiClient(one.url, one.key);
    Object.assign(out, await measure(api, [api], ["sqlite_same_node"]));
    await one.stop();
    started.pop();

    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    const url = `${PG}?schema=${schema}`;
    const a = await startServeChild("events-a", NO_POLL, ["--database-url", url]);
    started.push(a);
    const b = await startServeChild(
      "events-b",
      [...NO_POLL, "--roles", "api"],
      ["--database-url", url],
    );
    started.push(b);
    const apiA = new ApiClient(a.url, a.key);
    const apiB = new ApiClient(b.url, a.key);
    Object.assign(out, await measure(apiA, [apiA, apiB], ["pg_same_node", "pg_cross_node"]));
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await admin.query(`drop schema if exists "${schema}" cascade`).catch(() => {});
    await admin.end().catch(() => {});
  }
  console.log(
    JSON.stringify({ bench: "events", runs, reps, rate, target_p99_ms: TARGET_P99_MS, ...out }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
