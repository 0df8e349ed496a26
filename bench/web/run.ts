// The runs page at scale: 1,000,000 runs stored through the store's bulk insert (not the
// HTTP API), then a real `plainrun serve` on them. Measures the runs-list API calls the page
// makes (p50/p95 over sequential requests), the first rows Chromium shows after navigating
// to /runs (a performance mark the page sets, read with the Performance API), and the
// gzipped size of the JavaScript the runs page loads first. Prints a table, then one JSON line.
//
//   node --import tsx bench/web/run.ts [--runs 1000000] [--reps 40] [--dir DIR]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { v7 } from "uuid";
import { createEngine } from "../../src/engine/index.ts";
import { createApiKey } from "../../src/server/auth/apiKeys.ts";
import {
  dataDirUrl,
  indexRunSearch,
  insertRuns,
  type NewRunRow,
  openStore,
} from "../../src/store/index.ts";
import { percentile } from "../lib/stats.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "1000000" },
    reps: { type: "string", default: "40" },
    dir: { type: "string" },
  },
});
const RUNS = Number(args.runs);
const REPS = Number(args.reps);
const DAY = 86_400_000;
const EMAIL = "bench@example.com";
const PASSWORD = "bench password 1";

const STATUSES = [
  ["Succeeded", 0.86],
  ["Failed", 0.08],
  ["Cancelled", 0.03],
  ["TimedOut", 0.01],
  ["AwaitingAnswer", 0.02],
] as const;
const TRIGGERS = [
  ["api", 0.6],
  ["manual", 0.2],
  ["schedule", 0.15],
  ["email", 0.04],
  ["rerun", 0.01],
] as const;

function pick<T extends string>(table: readonly (readonly [T, number])[], r: number): T {
  let acc = 0;
  for (const [v, p] of table) {
    acc += p;
    if (r < acc) return v;
  }
  return table[table.length - 1]![0];
}

/** A small deterministic generator, so every invocation stores the same runs. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generate(dir: string): Promise<{ processIds: string[]; now: number }> {
  const store = await openStore({ url: dataDirUrl(dir) });
  const engine = createEngine({ store });
  const processIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const p = await engine.processes.create({
      name: `process ${i + 1}`,
      source: 'the greeting is "Hello, {the customer name}!"',
    });
    await engine.processes.publish(p.id);
    processIds.push(p.id);
  }
  await engine.close();
  const random = rng(42);
  const now = Date.now();
  const start = now - 30 * DAY;
  const step = (30 * DAY) / RUNS;
  const t0 = performance.now();
  const BATCH = 20_000;
  for (let from = 0; from < RUNS; from += BATCH) {
    const rows: NewRunRow[] = [];
    for (let i = from; i < Math.min(RUNS, from + BATCH); i++) {
      const created = Math.floor(start + i * step);
      const status = i > RUNS - 50 ? "Running" : pick(STATUSES, random());
      const name = `customer-${i}`;
      const inputs = JSON.stringify({ "customer name": name });
      const outputs =
        status === "Succeeded" ? JSON.stringify({ greeting: `Hello, ${name}!` }) : null;
      rows.push({
        id: v7({ msecs: created }),
        process_id: processIds[i % processIds.length]!,
        stage: random() < 0.1 ? "draft" : "published",
        version: 1,
        source_hash: "bench",
        trigger: pick(TRIGGERS, random()),
        trigger_details: "{}",
        status,
        inputs,
        input_values: inputs,
        file_ids: "[]",
        outputs,
        log: outputs ? JSON.stringify([`Hello, ${name}!`]) : "[]",
        error: status === "Failed" ? JSON.stringify({ line: 1, message: "bench failure" }) : null,
        question: null,
        exec_state: null,
        timeline: null,
        search_text: `${inputs}\n${outputs ?? ""}`.toLowerCase(),
        rerun_of: null,
        archived: random() < 0.05 ? 1 : 0,
        lease_owner: null,
        lease_expires_at: null,
        heartbeat_at: null,
        running_since: null,
        attempts: 1,
        recoveries: 0,
        time_used_ms: 3,
        time_limit_ms: 600_000,
        cancel_requested: 0,
        cancelled_by: null,
        event_seq: 3,
        created_at: created,
        started_at: created + 1,
        finished_at: status === "Running" || status === "AwaitingAnswer" ? null : created + 4,
        updated_at: created + 4,
      });
    }
    await store.db.transaction().execute((trx) => insertRuns(store.dialect, trx, rows));
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`stored ${RUNS.toLocaleString()} runs in ${seconds.toFixed(0)} s`);
  // A server indexes each run's search text within a second of its write (the search
  // indexer); a million runs written at once would leave the index behind for the first
  // minutes, and searches meanwhile scan what is not indexed yet. The figures are for the
  // steady state, so the index catches up here first (its time is printed).
  const t1 = performance.now();
  while ((await store.dialect.writeTransaction((trx) => indexRunSearch(trx, 10_000))) > 0) {}
  console.log(`indexed their search text in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
  await createApiKey(store, "bench");
  await store.close();
  return { processIds, now };
}

async function serve(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "bin/plainrun.js"),
      "serve",
      "--data-dir",
      dir,
      "--port",
      "0",
      "--log-level",
      "warn",
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, PLAINRUN_ADMIN_EMAIL: EMAIL, PLAINRUN_ADMIN_PASSWORD: PASSWORD },
    },
  );
  let out = "";
  const url = await new Promise<string>((ok, fail) => {
    child.stdout.on("data", (d) => {
      out += String(d);
      const m = /listening on (http\S+)/.exec(out);
      if (m?.[1]) ok(m[1]);
    });
    child.on("exit", (code) => fail(new Error(`serve exited ${code}: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((ok) => child.once("exit", ok));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v2/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

interface Figure {
  name: string;
  query: string;
  p50: number;
  p95: number;
  rows: number;
}

async function timeQuery(
  url: string,
  cookie: string,
  name: string,
  query: string,
): Promise<Figure> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < REPS + 3; i++) {
    const t = performance.now();
    const res = await fetch(`${url}${query}`, { headers: { cookie } });
    const body = (await res.json()) as { items?: unknown[]; detail?: string };
    const ms = performance.now() - t;
    if (!res.ok) throw new Error(`${name}: ${res.status} ${body.detail}`);
    rows = body.items?.length ?? 0;
    if (i >= 3) times.push(ms);
  }
  return { name, query, p50: percentile(times, 50), p95: percentile(times, 95), rows };
}

async function firstRows(url: string): Promise<{ p50: number; p95: number }> {
  const browser = await chromium.launch({
    executablePath: process.env.PLAINRUN_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${url}/login`);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Processes" }).waitFor();
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      await page.goto(`${url}/runs`);
      await page.locator("tr[data-run-id]").first().waitFor();
      // Page code as text: this file is type-checked without the DOM's types.
      const ms = (await page.evaluate(
        "performance.getEntriesByName('runs:first-rows')[0]?.startTime ?? -1",
      )) as number;
      if (ms < 0) throw new Error("the runs page set no runs:first-rows mark");
      if (i >= 2) times.push(ms);
    }
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  } finally {
    await browser.close();
  }
}

/** Gzipped bytes of the scripts index.html loads (entry and module preloads). */
function initialJs(): number {
  const dist = join(ROOT, "web/dist");
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  return files.reduce(
    (sum, f) => sum + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length,
    0,
  );
}

const dir = args.dir ?? mkdtempSync(join(tmpdir(), "plainrun-bench-web-"));
mkdirSync(dir, { recursive: true });
const fresh = !existsSync(join(dir, "plainrun.sqlite"));
if (!existsSync(join(ROOT, "web/dist/index.html")))
  throw new Error("build the UI first: npm run build:web");
const generated = fresh ? await generate(dir) : undefined;
const server = await serve(dir);
try {
  const cookie = await login(server.url);
  const procs = (await (
    await fetch(`${server.url}/api/v2/processes`, { headers: { cookie } })
  ).json()) as {
    items: { id: string }[];
  };
  const processId = generated?.processIds[2] ?? procs.items[2]!.id;
  const day = new Date(Date.now() - 10 * DAY);
  const from = new Date(day.getFullYear(), day.getMonth(), day.getDate()).toISOString();
  const to = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).toISOString();
  const first = (await (
    await fetch(`${server.url}/api/v2/runs?limit=50`, { headers: { cookie } })
  ).json()) as {
    items: { id: string }[];
  };
  // A cursor deep in the list: the page after the run in the middle of all runs.
  const middle = Math.floor(RUNS / 2);
  const deepId = v7({ msecs: Math.floor(Date.now() - 15 * DAY) });
  const deepCursor = Buffer.from(deepId).toString("base64url");
  const queries: [string, string][] = [
    ["first page", "?limit=50"],
    ["status Failed", "?limit=50&status=Failed"],
    ["status Running (rare)", "?limit=50&status=Running"],
    ["not final", "?limit=50&status=Pending,Running,AwaitingAnswer"],
    ["stage draft", "?limit=50&stage=draft"],
    ["trigger email", "?limit=50&trigger=email"],
    ["one process", `?limit=50&process=${processId}`],
    [
      "one day, 10 days ago",
      `?limit=50&created_from=${encodeURIComponent(from)}&created_to=${encodeURIComponent(to)}`,
    ],
    ["archived shown", "?limit=50&archived=all"],
    ["only archived", "?limit=50&archived=true"],
    ["text, common", "?limit=50&text=hello"],
    ["text, one run", `?limit=50&text=customer-${middle + 7}%22`],
    ["text, no run", "?limit=50&text=nobody-at-all"],
    ["process + Failed + text", `?limit=50&process=${processId}&status=Failed&text=customer-12`],
    [`next page deep (run ${middle.toLocaleString()})`, `?limit=50&cursor=${deepCursor}`],
    [
      "next page of first",
      `?limit=50&cursor=${Buffer.from(first.items.at(-1)!.id).toString("base64url")}`,
    ],
  ];
  const figures: Figure[] = [];
  for (const [name, q] of queries) {
    figures.push(await timeQuery(server.url, cookie, name, `/api/v2/runs${q}`));
  }
  const chart = await timeQuery(
    server.url,
    cookie,
    "runs per hour (chart)",
    "/api/v2/runs/per-hour",
  );
  figures.push(chart);
  const rows = await firstRows(server.url);
  const js = initialJs();

  console.log(`\n${RUNS.toLocaleString()} runs, ${REPS} sequential requests each\n`);
  console.log("| runs list call | rows | p50 ms | p95 ms |");
  console.log("|---|---|---|---|");
  for (const f of figures) {
    console.log(`| ${f.name} | ${f.rows} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} |`);
  }
  console.log(
    `\nfirst rows after navigation: p50 ${rows.p50.toFixed(0)} ms, p95 ${rows.p95.toFixed(0)} ms`,
  );
  console.log(`initial JavaScript of the runs page: ${(js / 1024).toFixed(1)} KB gzipped\n`);
  const worst = Math.max(...figures.map((f) => f.p95));
  console.log(
    JSON.stringify({
      bench: "web",
      runs: RUNS,
      api_p95_ms: Object.fromEntries(figures.map((f) => [f.name, Number(f.p95.toFixed(1))])),
      api_worst_p95_ms: Number(worst.toFixed(1)),
      first_rows_p95_ms: Math.round(rows.p95),
      initial_js_gzip_kb: Number((js / 1024).toFixed(1)),
    }),
  );
} finally {
  await server.stop();
  if (!args.dir) rmSync(dir, { recursive: true, force: true });
}
