/**
 * bench/throughput/compare.ts: the same Plainrun workload on two checkouts, alternating,
 * so that two commits can be compared on a busy machine. Besides runs/s (wall clock, which
 * other load moves a lot) it reports the CPU time the process spent per run, which load
 * moves much less.
 *
 *   node --import tsx bench/throughput/compare.ts --old DIR --new DIR
 *     [--kind sqlite|postgres] [--runs 5000] [--rounds 3]
 *
 * DIR is a checkout with its node_modules (e.g. `git worktree add --detach /tmp/old REV`
 * and a link to this checkout's node_modules). Each measurement is a child process that
 * loads that checkout's bench/throughput/plainrun.ts (the engine through its public entry
 * points, as run.ts does) and drains `runs` runs with 16 callers and 16 workers.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    old: { type: "string" },
    new: { type: "string" },
    kind: { type: "string", default: "sqlite" },
    runs: { type: "string", default: "5000" },
    rounds: { type: "string", default: "3" },
    child: { type: "string" },
  },
  strict: true,
});

interface Figures {
  runs_per_s: number;
  cpu_us_per_run: number;
}

async function child(root: string, kind: "sqlite" | "postgres", runs: number): Promise<void> {
  const { createPlainrun } = await import(resolve(root, "bench/throughput/plainrun.ts"));
  const { measureThroughput } = await import(resolve(root, "bench/throughput/measure.ts"));
  const subject = await createPlainrun(kind, { concurrency: 16, enqueueConcurrency: 16 });
  const options = {
    runs,
    concurrency: 16,
    enqueueConcurrency: 16,
    warmup: 200,
    rate: 200,
    seconds: 1,
    timeout: 600,
  };
  const cpu0 = process.cpuUsage();
  const r = (await measureThroughput(subject, options)) as { runs_per_s: number };
  const cpu = process.cpuUsage(cpu0);
  await subject.teardown();
  const out: Figures = {
    runs_per_s: Math.round(r.runs_per_s),
    // Setup and warm-up included, the same on both sides.
    cpu_us_per_run: Math.round((cpu.user + cpu.system) / runs),
  };
  console.log(JSON.stringify(out));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function main(): void {
  if (!args.old || !args.new) throw new Error("--old DIR and --new DIR are required");
  const kind = args.kind === "postgres" ? "postgres" : "sqlite";
  const self = fileURLToPath(import.meta.url);
  const sides = { old: resolve(args.old), new: resolve(args.new) };
  const got: Record<"old" | "new", Figures[]> = { old: [], new: [] };
  for (let round = 1; round <= Number(args.rounds); round++) {
    for (const side of ["old", "new"] as const) {
      const r = spawnSync(
        process.execPath,
        ["--import", "tsx", self, "--child", sides[side], "--kind", kind, "--runs", args.runs],
        { cwd: sides[side], encoding: "utf8", timeout: 900_000 },
      );
      const line = r.stdout.trim().split("\n").pop() ?? "";
      if (r.status !== 0 || !line.startsWith("{")) {
        throw new Error(`${side} failed (${r.status}): ${r.stderr.slice(-2000)}`);
      }
      const f = JSON.parse(line) as Figures;
      got[side].push(f);
      console.log(`round ${round} ${side}: ${f.runs_per_s} runs/s, ${f.cpu_us_per_run} µs CPU/run`);
    }
  }
  const fig = (side: "old" | "new") => ({
    runs_per_s: median(got[side].map((f) => f.runs_per_s)),
    cpu_us_per_run: median(got[side].map((f) => f.cpu_us_per_run)),
  });
  const o = fig("old");
  const n = fig("new");
  console.log(
    `${kind}, ${args.runs} runs, ${args.rounds} rounds (medians): old ${o.runs_per_s} runs/s, ` +
      `${o.cpu_us_per_run} µs/run; new ${n.runs_per_s} runs/s, ${n.cpu_us_per_run} µs/run; ` +
      `CPU per run new/old ${(n.cpu_us_per_run / o.cpu_us_per_run).toFixed(2)}`,
  );
  console.log(JSON.stringify({ bench: "throughput-compare", kind, old: o, new: n }));
}

if (args.child) {
  await child(args.child, args.kind === "postgres" ? "postgres" : "sqlite", Number(args.runs));
  process.exit(0);
} else {
  main();
}
