/**
 * bench/schedule: how late schedules fire. 100 schedules of one published process, each
 * firing every second (cron `* * * * * *`, UTC), on a `plainrun serve` child process, for
 * 60 s; on SQLite, then on PostgreSQL.
 *
 *   node --import tsx bench/schedule/run.ts [--schedules 100] [--seconds 60] [--reps 3]
 *     [--pg postgres://127.0.0.1:5432/test] [--only sqlite|postgres]
 *
 * Per repetition and store: a fresh server (`--roles api,scheduler,worker`; SQLite on a fresh
 * data directory, PostgreSQL on a fresh schema), the process created and published and the
 * schedules created over the API; after --seconds the schedules are paused, the server's
 * runs with trigger `schedule` are read over the API and the server stopped. Lateness of a
 * run = its `created_at` (the scheduler's commit of the run, i.e. when it was started and
 * queued) minus its slot's due time (`trigger_details.slot`); the figure beside it,
 * `started_at` minus due, adds the wait for a worker to pick the run up. Both clocks are this
 * machine's. It also counts the slots fired against those due while the schedules were on,
 * and any slot fired twice (exactly once: must be 0). Prints p50/p99 per repetition and the
 * median (min–max) over repetitions; the last line is one JSON object with every figure.
 */
import pg from "pg";
import { ApiClient } from "../../test/helpers/apiClient.ts";
import { numberArg } from "../lib/args.ts";
import { type ServeChild, startServeChild } from "../lib/serve.ts";
import { formatSpread, percentiles, round, spread } from "../lib/stats.ts";

const schedules = numberArg("schedules", 100);
const seconds = numberArg("seconds", 60);
const reps = numberArg("reps", 3);
const pgIdx = process.argv.indexOf("--pg");
const PG =
  pgIdx >= 0 ? (process.argv[pgIdx + 1] as string) : "postgres://postgres@127.0.0.1:5432/test";
const onlyIdx = process.argv.indexOf("--only");
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
const TARGET_P99_MS = 100;
const ROLES = ["--roles", "api,scheduler,worker"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunRow {
  trigger_details: { schedule_id?: string; slot?: string };
  created_at: string;
  started_at: string | null;
}

interface Rep {
  created_p50: number;
  created_p99: number;
  started_p50: number;
  started_p99: number;
  fired: number;
  due: number;
  duplicates: number;
}

async function allScheduledRuns(api: ApiClient): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: RunRow[]; next_cursor: string | null } = await api.call(
      "GET",
      `/runs?trigger=schedule&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    rows.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

async function measure(server: ServeChild): Promise<Rep> {
  const api = new ApiClient(server.url, server.key);
  await api.publish("tick", 'say "tick"\n');
  const ids: string[] = [];
  for (let i = 0; i < schedules; i++) {
    const s = await api.call<{ id: string }>("POST", "/processes/tick/schedules", {
      name: `tick ${i}`,
      cron: "* * * * * *",
      timezone: "UTC",
    });
    ids.push(s.id);
  }
  // The slots due while every schedule was on: from the first whole second after the last was
  // created to the last whole second before the first was paused.
  const from = Math.ceil(Date.now() / 1000) * 1000;
  await sleep(seconds * 1000);
  const to = Math.floor(Date.now() / 1000) * 1000;
  for (const id of ids) await api.call("POST", `/schedules/${id}/pause`);
  // A slot claimed just before its pause is still being written: let it land.
  await sleep(2000);
  const runs = await allScheduledRuns(api);
  const seen = new Set<string>();
  let duplicates = 0;
  const created: number[] = [];
  const started: number[] = [];
  let fired = 0;
  for (const r of runs) {
    const slot = r.trigger_details.slot;
    if (!slot) continue;
    const key = `${r.trigger_details.schedule_id}@${slot}`;
    if (seen.has(key)) duplicates++;
    seen.add(key);
    const due = Date.parse(slot);
    if (due < from || due > to) continue;
    fired++;
    created.push(Date.parse(r.created_at) - due);
    if (r.started_at) started.push(Date.parse(r.started_at) - due);
  }
  const [c50, c99] = percentiles(created, [50, 99]);
  const [s50, s99] = percentiles(started, [50, 99]);
  return {
    created_p50: c50 ?? Number.NaN,
    created_p99: c99 ?? Number.NaN,
    started_p50: s50 ?? Number.NaN,
    started_p99: s99 ?? Number.NaN,
    fired,
    due: ((to - from) / 1000 + 1) * schedules,
    duplicates,
  };
}

async function series(name: string, store: () => Promise<string[] | undefined>) {
  const results: Rep[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const server = await startServeChild(`schedule-${name}`, ROLES, await store());
    try {
      const r = await measure(server);
      results.push(r);
      console.log(
        `${name} rep ${rep + 1}: created-due p50 ${r.created_p50.toFixed(0)} ms, p99 ${r.created_p99.toFixed(0)} ms; started-due p50 ${r.started_p50.toFixed(0)} ms, p99 ${r.started_p99.toFixed(0)} ms; fired ${r.fired}/${r.due}, duplicates ${r.duplicates}`,
      );
    } finally {
      await server.stop();
    }
  }
  const of = (k: keyof Rep) => spread(results.map((r) => r[k]));
  console.log(
    `${name}: created-due p50 ${formatSpread(of("created_p50"))} ms, p99 ${formatSpread(of("created_p99"))} ms (target p99 <= ${TARGET_P99_MS}); started-due p50 ${formatSpread(of("started_p50"))} ms, p99 ${formatSpread(of("started_p99"))} ms`,
  );
  return {
    [`${name}_created_p50_ms`]: round(of("created_p50").median, 1),
    [`${name}_created_p99_ms`]: round(of("created_p99").median, 1),
    [`${name}_created_p99_max_ms`]: round(of("created_p99").max, 1),
    [`${name}_started_p50_ms`]: round(of("started_p50").median, 1),
    [`${name}_started_p99_ms`]: round(of("started_p99").median, 1),
    [`${name}_fired`]: results.reduce((n, r) => n + r.fired, 0),
    [`${name}_due`]: results.reduce((n, r) => n + r.due, 0),
    [`${name}_duplicates`]: results.reduce((n, r) => n + r.duplicates, 0),
  };
}

async function main() {
  const out: Record<string, unknown> = {};
  const admin = new pg.Client({ connectionString: PG });
  const made: string[] = [];
  try {
    if (only !== "postgres") Object.assign(out, await series("sqlite", async () => undefined));
    if (only !== "sqlite") {
      await admin.connect();
      Object.assign(
        out,
        await series("postgres", async () => {
          const schema = `bench_schedule_${process.pid}_${made.length}`;
          await admin.query(`create schema "${schema}"`);
          made.push(schema);
          return ["--database-url", `${PG}?schema=${schema}`];
        }),
      );
    }
  } finally {
    for (const s of made) await admin.query(`drop schema if exists "${s}" cascade`).catch(() => {});
    await admin.end().catch(() => {});
  }
  console.log(
    JSON.stringify({
      bench: "schedule",
      schedules,
      seconds,
      reps,
      target_p99_ms: TARGET_P99_MS,
      ...out,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
