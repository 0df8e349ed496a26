/**
 * bench/throughput: Plainrun (SQLite, PostgreSQL) against BullMQ, graphile-worker and
 * pg-boss on the same workload.
 *
 *   node --import tsx bench/throughput/run.ts [--runs 20000] [--reps 3] [--concurrency 16]
 *     [--rate 200] [--seconds 10] [--only sqlite,postgres,bullmq,graphile,pgboss]
 *     [--timeout 120] [--enqueue-concurrency 16] [--warmup 200] [--pgboss-batch 200]
 *
 * Each system runs in its own child process (no shared heap, timers or connections);
 * each phase of each repetition starts from fresh state. Prints a table (median and
 * min–max over the repetitions), the ratios, the targets of issue 3, and one JSON line.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatSpread, round, type Spread, spread } from "../lib/stats.ts";
import {
  type LatencyResult,
  measureLatency,
  measureThroughput,
  type Options,
  type ThroughputResult,
} from "./measure.ts";
import type { Subject } from "./subject.ts";

const ALL = ["sqlite", "postgres", "bullmq", "graphile", "pgboss"] as const;
type Name = (typeof ALL)[number];
const LABELS: Record<Name, string> = {
  sqlite: "Plainrun (SQLite)",
  postgres: "Plainrun (PostgreSQL)",
  bullmq: "BullMQ (Redis)",
  graphile: "graphile-worker (PostgreSQL)",
  pgboss: "pg-boss (PostgreSQL)",
};

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "20000" },
    reps: { type: "string", default: "3" },
    concurrency: { type: "string", default: "16" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "10" },
    only: { type: "string", default: ALL.join(",") },
    timeout: { type: "string", default: "120" },
    "enqueue-concurrency": { type: "string", default: "16" },
    warmup: { type: "string", default: "200" },
    "pgboss-batch": { type: "string", default: "200" },
    child: { type: "string" },
  },
  strict: true,
});

function int(name: keyof typeof args): number {
  const v = Number(args[name]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return v;
}

const options: Options = {
  runs: int("runs"),
  concurrency: int("concurrency"),
  enqueueConcurrency: int("enqueue-concurrency"),
  warmup: int("warmup"),
  rate: int("rate"),
  seconds: int("seconds"),
  timeout: int("timeout"),
};
const reps = Math.max(1, int("reps"));
const pgbossBatch = int("pgboss-batch");

async function createSubject(name: Name): Promise<Subject> {
  switch (name) {
    case "bullmq":
      return (await import("./peers/bullmq.ts")).createBullmq();
    case "graphile":
      return (await import("./peers/graphile.ts")).createGraphile({
        enqueueConcurrency: options.enqueueConcurrency,
      });
    case "pgboss":
      return (await import("./peers/pgboss.ts")).createPgboss({
        concurrency: options.concurrency,
        enqueueConcurrency: options.enqueueConcurrency,
        batchSize: pgbossBatch,
      });
    case "sqlite":
    case "postgres":
      return (await import("./plainrun.ts")).createPlainrun(name, {
        concurrency: options.concurrency,
        enqueueConcurrency: options.enqueueConcurrency,
      });
  }
}

// ---------------------------------------------------------------- child: one system

interface RepResult {
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  errors: string[];
  /** 1-minute load average after the repetition: other work on the machine skews figures. */
  load: number;
}

interface SystemResult {
  name: Name;
  label: string;
  notes: string[];
  reps: RepResult[];
  error?: string;
}

const RESULT_MARK = "@@throughput-result ";

async function child(name: Name): Promise<void> {
  const out: SystemResult = { name, label: LABELS[name], notes: [], reps: [] };
  try {
    const subject = await createSubject(name);
    out.label = subject.label;
    out.notes = subject.notes;
    for (let r = 1; r <= reps; r++) {
      const rep: RepResult = { errors: [], load: 0 };
      const tag = `  ${name} rep ${r}/${reps}`;
      try {
        rep.throughput = await measureThroughput(subject, options);
        const t = rep.throughput;
        console.error(
          `${tag} throughput: ${t.runs_per_s.toFixed(0)} runs/s ` +
            `(${options.runs} in ${t.seconds.toFixed(2)} s; enqueue alone ${t.enqueue_per_s.toFixed(0)}/s)`,
        );
      } catch (err) {
        rep.errors.push(`throughput: ${(err as Error).message}`);
        console.error(`${tag} throughput FAILED: ${(err as Error).message}`);
      }
      try {
        rep.latency = await measureLatency(subject, options);
        const l = rep.latency;
        console.error(
          `${tag} latency at ${options.rate}/s: p50 ${l.p50_ms.toFixed(2)} ms, ` +
            `p99 ${l.p99_ms.toFixed(2)} ms, max ${l.max_ms.toFixed(1)} ms ` +
            `(${l.measured} runs, achieved ${l.achieved_rate.toFixed(0)}/s)`,
        );
      } catch (err) {
        rep.errors.push(`latency: ${(err as Error).message}`);
        console.error(`${tag} latency FAILED: ${(err as Error).message}`);
      }
      rep.load = os.loadavg()[0] ?? 0;
      out.reps.push(rep);
    }
  } catch (err) {
    out.error = (err as Error).message;
    console.error(`  ${name} FAILED: ${(err as Error).stack ?? (err as Error).message}`);
  }
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(out)}\n`);
}

// ---------------------------------------------------------------- parent: all systems

function runChild(name: Name): Promise<SystemResult> {
  const self = fileURLToPath(import.meta.url);
  const forwarded = Object.entries(args)
    .filter(([k]) => k !== "child" && k !== "only")
    .flatMap(([k, v]) => [`--${k}`, String(v)]);
  // Hard bound per system: every phase is already bounded, this catches a hung library.
  const budgetMs = reps * ((options.timeout * 2 + options.seconds) * 1000 + 4 * 90_000) + 30_000;
  return new Promise((resolve) => {
    const proc = spawn(
      process.execPath,
      [...process.execArgv, self, "--child", name, ...forwarded],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let result: SystemResult | undefined;
    let buf = "";
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      buf += chunk;
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length));
        else if (line.trim()) console.error(`  [${name}] ${line}`);
        nl = buf.indexOf("\n");
      }
    });
    const timer = setTimeout(() => {
      console.error(`  ${name}: no result after ${Math.round(budgetMs / 1000)} s, killing it`);
      proc.kill("SIGKILL");
    }, budgetMs);
    proc.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(
        result ?? {
          name,
          label: LABELS[name],
          notes: [],
          reps: [],
          error: `child exited (${signal ?? code}) without a result`,
        },
      );
    });
  });
}

interface Summary {
  label: string;
  runs_per_s: Spread;
  enqueue_per_s: Spread;
  p50_ms: Spread;
  p99_ms: Spread;
  ok_reps: number;
  max_load: number;
  errors: string[];
}

function summarize(r: SystemResult): Summary {
  const t = r.reps.flatMap((x) => (x.throughput ? [x.throughput] : []));
  const l = r.reps.flatMap((x) => (x.latency ? [x.latency] : []));
  return {
    label: r.label,
    runs_per_s: spread(t.map((x) => x.runs_per_s)),
    enqueue_per_s: spread(t.map((x) => x.enqueue_per_s)),
    p50_ms: spread(l.map((x) => x.p50_ms)),
    p99_ms: spread(l.map((x) => x.p99_ms)),
    ok_reps: Math.min(t.length, l.length),
    max_load: Math.max(0, ...r.reps.map((x) => x.load)),
    errors: [...(r.error ? [r.error] : []), ...r.reps.flatMap((x) => x.errors)],
  };
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function jsonSpread(s: Spread, digits: number) {
  return { median: round(s.median, digits), min: round(s.min, digits), max: round(s.max, digits) };
}

async function parent(): Promise<void> {
  const names = (args.only ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(ALL as readonly string[]).includes(n)) {
      throw new Error(`--only: unknown system "${n}" (known: ${ALL.join(", ")})`);
    }
  }
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `bench/throughput: ${options.runs} runs, ${reps} reps, concurrency ${options.concurrency}, ` +
      `latency at ${options.rate}/s for ${options.seconds} s`,
  );
  console.log(
    `Node ${process.version}, ${os.cpus().length} × ${cpu}, ${os.platform()}, ` +
      `load average ${os.loadavg()[0]?.toFixed(2)} at start`,
  );

  const results = new Map<Name, SystemResult>();
  for (const name of names as Name[]) {
    console.error(`▶ ${name}`);
    results.set(name, await runChild(name));
  }

  const summaries = new Map<Name, Summary>();
  for (const [name, r] of results) summaries.set(name, summarize(r));

  const header = [
    pad("system", 34),
    pad("runs/s median (min–max)", 26, true),
    pad("p50 ms", 20, true),
    pad("p99 ms", 20, true),
    pad("reps", 5, true),
  ].join("  ");
  console.log("");
  console.log(header);
  console.log("-".repeat(header.length));
  for (const [, s] of summaries) {
    console.log(
      [
        pad(s.label, 34),
        pad(formatSpread(s.runs_per_s, 0), 26, true),
        pad(formatSpread(s.p50_ms, 2), 20, true),
        pad(formatSpread(s.p99_ms, 2), 20, true),
        pad(`${s.ok_reps}/${reps}`, 5, true),
      ].join("  "),
    );
  }
  console.log(
    `\nThroughput: ${options.runs} no-op jobs (one-statement runs for Plainrun), enqueued one call ` +
      `each by ${options.enqueueConcurrency} concurrent callers, clock from the first enqueue to the ` +
      `last completion, ${options.warmup} warm-up jobs before. Latency: enqueue call start -> handler ` +
      `start (Plainrun: startRun call -> recorded start), open loop at ${options.rate}/s, first second ` +
      `not counted. Spread is min–max over ${reps} repetitions.`,
  );
  for (const [, r] of results) for (const n of r.notes) console.log(`  - ${n}`);
  for (const [name, s] of summaries) for (const e of s.errors) console.log(`  ! ${name}: ${e}`);
  const busy = [...summaries].filter(([, s]) => s.max_load > os.cpus().length * 0.75);
  if (busy.length > 0) {
    console.log(
      `  ! the machine was busy with other work (1-min load average up to ${Math.max(
        ...busy.map(([, s]) => s.max_load),
      ).toFixed(1)} on ${os.cpus().length} CPUs during ${busy.map(([n]) => n).join(", ")}): ` +
        "those figures and the ratios that use them are not comparable; run again on a quiet machine.",
    );
  }

  const tp = (n: Name) => summaries.get(n)?.runs_per_s.median ?? Number.NaN;
  const ratioDefs: [string, Name, Name][] = [
    ["sqlite_vs_bullmq", "sqlite", "bullmq"],
    ["postgres_vs_graphile", "postgres", "graphile"],
    ["sqlite_vs_pgboss", "sqlite", "pgboss"],
    ["postgres_vs_pgboss", "postgres", "pgboss"],
  ];
  const ratios: Record<string, number | null> = {};
  console.log("\nRatios (throughput, median / median):");
  for (const [key, a, b] of ratioDefs) {
    const v = tp(a) / tp(b);
    ratios[key] = round(v, 3);
    const la = summaries.get(a)?.label ?? LABELS[a];
    const lb = summaries.get(b)?.label ?? LABELS[b];
    console.log(`  ${pad(`${la} / ${lb}`, 70)} ${Number.isFinite(v) ? `${v.toFixed(2)}x` : "n/a"}`);
  }

  const sqliteP99 = summaries.get("sqlite")?.p99_ms.median ?? Number.NaN;
  const targets = {
    sqlite_runs_per_s_ge_10000: check(tp("sqlite") >= 10_000, tp("sqlite")),
    sqlite_vs_bullmq_ge_1_1: check(
      (ratios.sqlite_vs_bullmq ?? Number.NaN) >= 1.1,
      ratios.sqlite_vs_bullmq,
    ),
    postgres_vs_graphile_ge_1_0: check(
      (ratios.postgres_vs_graphile ?? Number.NaN) >= 1.0,
      ratios.postgres_vs_graphile,
    ),
    sqlite_p99_le_5ms: check(sqliteP99 <= 5, sqliteP99),
  };
  console.log("\nTargets (issue 3):");
  for (const [k, v] of Object.entries(targets)) {
    const shown = typeof v.value === "number" ? round(v.value, 2) : v.value;
    console.log(
      `  ${pad(k, 30)} ${v.pass === null ? "n/a " : v.pass ? "PASS" : "FAIL"}  (${shown})`,
    );
  }

  const json: Record<string, unknown> = {
    bench: "throughput",
    node: process.version,
    cpus: os.cpus().length,
    runs: options.runs,
    reps,
    concurrency: options.concurrency,
    rate: options.rate,
    seconds: options.seconds,
  };
  for (const [name, s] of summaries) {
    json[name] = {
      label: s.label,
      runs_per_s: jsonSpread(s.runs_per_s, 0),
      enqueue_per_s: jsonSpread(s.enqueue_per_s, 0),
      p50_ms: jsonSpread(s.p50_ms, 2),
      p99_ms: jsonSpread(s.p99_ms, 2),
      ok_reps: s.ok_reps,
      max_load: round(s.max_load, 2),
      ...(s.errors.length ? { errors: s.errors } : {}),
    };
  }
  json.ratios = ratios;
  json.targets = Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, v.pass]));
  console.log("");
  console.log(JSON.stringify(json));
}

function check(pass: boolean, value: number | null | undefined) {
  const known = typeof value === "number" && Number.isFinite(value);
  return { pass: known ? pass : null, value: known ? value : null };
}

if (args.child) {
  await child(args.child as Name);
  process.exit(0);
} else {
  await parent();
  process.exit(0);
}
