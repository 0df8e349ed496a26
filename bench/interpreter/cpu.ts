// The interpreter benchmark's two programs (run.ts) timed in CPU time of this process,
// not wall-clock time, so that two checkouts can be compared on a shared, loaded machine.
// Run it against each checkout in turn, alternating, and compare the medians:
//
//     node --import tsx bench/interpreter/cpu.ts /path/to/checkout-a
//     node --import tsx bench/interpreter/cpu.ts /path/to/checkout-b
//
// (the checkout needs node_modules: a symlink to this one's is enough).
import { resolve } from "node:path";

const root = resolve(process.argv[2] ?? ".");
const REPS = 9;
const { runSlice, start, MemoryFiles } = await import(`${root}/src/interpreter/index.ts`);
const { parse } = await import(`${root}/src/language/index.ts`);
const files = new MemoryFiles();

function cpuMs(run: () => void): number {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function times(source: string, inputs: Record<string, unknown>, sliceMs: number): number[] {
  const program = parse(source).program;
  const out: number[] = [];
  for (let r = 0; r < REPS; r++) {
    out.push(
      cpuMs(() => {
        const state = start(program, inputs);
        let s = runSlice(program, state, { files, sliceMs });
        while (s === "Running") s = runSlice(program, state, { files, sliceMs });
      }),
    );
  }
  return out;
}

const lines = ["id,status,amount"];
for (let i = 0; i < 100_000; i++)
  lines.push(`${i},${i % 2 ? "open" : "closed"},${(i % 1000) / 100}`);
const csv = `${lines.join("\n")}\n`;

const loop = times("the counter is 0\nrepeat 1000000 times\n  add 1 to the counter\n", {}, 20);
const table = times(
  'the rows are the csv as a table\nthe open rows are the rows whose "status" is "open"\nthe total is the sum of the open rows\' "amount"\n',
  { csv },
  60_000,
);
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;
console.log(
  `${root}\n  loop (1,000,002 statements): CPU ${fmt(loop)}\n  table (100,000 rows): CPU ${fmt(table)}`,
);
console.log(
  JSON.stringify({
    bench: "interpreter-cpu",
    root,
    loop_cpu_ms: Math.round(median(loop)),
    table_cpu_ms: Math.round(median(table)),
  }),
);
