/**
 * bench/testsuite/run.ts: a suite run of 1,000 test cases of a 20-statement process against
 * the same 1,000 inputs started as plain runs, in one invocation on SQLite, rounds
 * alternating. Prints both rates (cases/s, runs/s), each round's, their medians and the
 * ratio (issue 12: the suite's cases per second at least 0.5× the plain runs per second).
 *
 *   node --import tsx bench/testsuite/run.ts [--cases 1000] [--rounds 3] [--workers 16]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createEngine } from "../../src/engine/index.ts";
import { openStore } from "../../src/store/index.ts";
import { median } from "../lib/stats.ts";

const { values: args } = parseArgs({
  options: {
    cases: { type: "string", default: "1000" },
    rounds: { type: "string", default: "3" },
    workers: { type: "string", default: "16" },
  },
  strict: true,
});
const CASES = Number(args.cases);
const ROUNDS = Number(args.rounds);

const SOURCE = [
  "the total is the n",
  ...Array.from({ length: 18 }, () => "add 1 to the total"),
  'the label is "case {the n}"',
].join("\n");

const dir = mkdtempSync(join(tmpdir(), "plainrun-bench-testsuite-"));
const store = await openStore({ url: `sqlite:${join(dir, "bench.sqlite")}` });
const engine = createEngine({ store });
await engine.startWorkers({ concurrency: Number(args.workers) });
await engine.processes.create({ name: "bench", source: SOURCE });

async function untilFinal(ids: string[]): Promise<void> {
  for (;;) {
    const row = await store.db
      .selectFrom("runs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("id", "in", ids)
      .where("status", "in", ["Pending", "Running"])
      .executeTakeFirstOrThrow();
    if (Number(row.n) === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function plainRuns(): Promise<number> {
  const t0 = performance.now();
  const runs = await Promise.all(
    Array.from({ length: CASES }, (_, i) =>
      engine.startRun({ process: "bench", stage: "draft", inputs: { n: i } }),
    ),
  );
  await untilFinal(runs.map((r) => r.id));
  return CASES / ((performance.now() - t0) / 1000);
}

// The baseline runs, then one case each.
const baseline = await Promise.all(
  Array.from({ length: CASES }, (_, i) =>
    engine.startRun({ process: "bench", stage: "draft", inputs: { n: i } }),
  ),
);
await untilFinal(baseline.map((r) => r.id));
for (let i = 0; i < baseline.length; i += 1000) {
  const made = await engine.testCases.fromRuns(baseline.slice(i, i + 1000).map((r) => r.id));
  if (!made.every((m) => m.ok)) throw new Error("a baseline run was refused");
}

const plain: number[] = [];
const suite: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  plain.push(await plainRuns());
  const t0 = performance.now();
  const s = await engine.suites.run({ processes: ["bench"] });
  if (s.counts.passed !== CASES) throw new Error(`suite: ${JSON.stringify(s.counts)}`);
  suite.push(CASES / ((performance.now() - t0) / 1000));
  process.stderr.write(
    `round ${round + 1}: plain ${plain[round]?.toFixed(0)} runs/s, suite ${suite[round]?.toFixed(0)} cases/s\n`,
  );
}
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
const ratio = median(suite) / median(plain);
console.log(
  JSON.stringify({
    cases: CASES,
    rounds: ROUNDS,
    plain_runs_per_s: { median: Math.round(median(plain)), rounds: fmt(plain) },
    suite_cases_per_s: { median: Math.round(median(suite)), rounds: fmt(suite) },
    ratio: Number(ratio.toFixed(2)),
  }),
);
await engine.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
