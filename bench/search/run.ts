// The runs list's text search on a large store: the same searches read by a scan (no index,
// as before issue 9's index) and with the index, in one invocation; and how long the index
// takes to build. SQLite: the FTS5 trigram index, filled by the background indexer until it
// has caught up. PostgreSQL (--dialect postgres, a schema of its own in PLAINRUN_BENCH_PG_URL
// or the local `test` database): the pg_trgm GIN index of migration 009, dropped for the scan
// and built again. Runs are stored through the store's bulk insert (not the API).
// Prints a table, then one JSON line.
//
//   node --import tsx bench/search/run.ts [--runs 100000] [--reps 30] [--dialect postgres]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Kysely, sql } from "kysely";
import { v7 } from "uuid";
import { createEngine } from "../../src/engine/index.ts";
import {
  dataDirUrl,
  indexRunSearch,
  insertRuns,
  newRunRow,
  openStore,
  type RunRow,
} from "../../src/store/index.ts";
import {
  createPgSearchIndex,
  PG_SEARCH_INDEX,
} from "../../src/store/migrations/009_run_search_pg.ts";
import { percentile } from "../lib/stats.ts";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "100000" },
    reps: { type: "string", default: "30" },
    dialect: { type: "string", default: "sqlite" },
  },
});
const RUNS = Number(args.runs);
const REPS = Number(args.reps);
const PG = args.dialect === "postgres";
const PG_URL = process.env.PLAINRUN_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const dir = mkdtempSync(join(tmpdir(), "plainrun-bench-search-"));
const schema = `bench_search_${process.pid}`;
const store = await openStore(PG ? { url: PG_URL, schema } : { url: dataDirUrl(dir) });
const engine = createEngine({ store });
const p = await engine.processes.create({
  name: "greet",
  source: 'the greeting is "Hello, {the customer name}!"',
});

// Runs over the last 30 days, oldest first; 1 in 10 Failed, the rest Succeeded with outputs.
const t0 = performance.now();
const now = Date.now();
for (let from = 0; from < RUNS; from += 20_000) {
  const rows: RunRow[] = [];
  for (let i = from; i < Math.min(RUNS, from + 20_000); i++) {
    const created = now - 30 * 86_400_000 + Math.floor((i * 30 * 86_400_000) / RUNS);
    const name = `customer-${i}`;
    const inputs = JSON.stringify({ "customer name": name });
    const failed = i % 10 === 3;
    const outputs = failed ? null : JSON.stringify({ greeting: `Hello, ${name}!` });
    const row = newRunRow({
      id: v7({ msecs: created }),
      process_id: p.id,
      stage: "draft",
      version: null,
      source_hash: "bench",
      trigger: "api",
      trigger_details: "{}",
      inputs,
      input_values: inputs,
      file_ids: "[]",
      search_text: `${inputs}\n${outputs ?? ""}`.toLowerCase(),
      rerun_of: null,
      time_limit_ms: 600_000,
      created_at: created,
    });
    row.status = failed ? "Failed" : "Succeeded";
    row.outputs = outputs;
    row.finished_at = created + 4;
    rows.push(row);
  }
  await store.db.transaction().execute((trx) => insertRuns(store.dialect, trx, rows));
}
const storedS = (performance.now() - t0) / 1000;
console.log(`stored ${RUNS.toLocaleString()} runs in ${storedS.toFixed(0)} s`);

const middle = Math.floor(RUNS / 2);
const SEARCHES: Array<[string, Record<string, unknown>]> = [
  ["one run, mid-store", { text: `customer-${middle + 7}"` }],
  ["no run", { text: "nobody-at-all" }],
  ["Failed + one run", { text: `customer-${middle + 3}"`, status: ["Failed"] }],
  ["common (every run)", { text: "hello" }],
  ["short (2 characters)", { text: "r-" }],
];

async function time(
  opts: Record<string, unknown>,
): Promise<{ p50: number; p95: number; rows: number }> {
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < REPS + 2; i++) {
    const t = performance.now();
    rows = (await engine.runs.list({ limit: 50, ...opts })).items.length;
    if (i >= 2) ms.push(performance.now() - t);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), rows };
}

const db = store.db as unknown as Kysely<unknown>;
if (PG) {
  // The scan: the same store without its index (and the planner's figures up to date).
  await sql`drop index if exists ${sql.id(PG_SEARCH_INDEX)}`.execute(db);
  await sql`analyze runs`.execute(db);
}
const scan: Record<string, { p50: number; p95: number; rows: number }> = {};
for (const [name, opts] of SEARCHES) scan[name] = await time(opts);

const t1 = performance.now();
if (PG) {
  if (!(await createPgSearchIndex(db)))
    throw new Error("pg_trgm is not installed in this database");
  await sql`analyze runs`.execute(db);
} else {
  while ((await store.dialect.writeTransaction((trx) => indexRunSearch(trx))) > 0) {}
}
const indexS = (performance.now() - t1) / 1000;
console.log(
  `indexed ${RUNS.toLocaleString()} runs in ${indexS.toFixed(1)} s (${PG ? "CREATE INDEX … gin_trgm_ops, then ANALYZE" : "batches of 500"})`,
);

const indexed: typeof scan = {};
for (const [name, opts] of SEARCHES) indexed[name] = await time(opts);

console.log(
  `\nbench/search: ${args.dialect}, ${RUNS.toLocaleString()} runs, ${REPS} searches each, limit 50\n`,
);
console.log("| search | rows | scan p50 / p95 ms | index p50 / p95 ms |\n|---|---|---|---|");
const f = (x: number) => x.toFixed(1);
for (const [name] of SEARCHES) {
  const a = scan[name]!;
  const b = indexed[name]!;
  if (a.rows !== b.rows) throw new Error(`${name}: ${a.rows} rows scanned, ${b.rows} indexed`);
  console.log(`| ${name} | ${a.rows} | ${f(a.p50)} / ${f(a.p95)} | ${f(b.p50)} / ${f(b.p95)} |`);
}
console.log(
  JSON.stringify({
    bench: "search",
    dialect: args.dialect,
    runs: RUNS,
    reps: REPS,
    stored_s: Math.round(storedS),
    index_s: Math.round(indexS * 10) / 10,
    scan,
    indexed,
  }),
);
await engine.close();
if (PG) await sql`drop schema ${sql.id(schema)} cascade`.execute(db);
await store.close();
rmSync(dir, { recursive: true, force: true });
