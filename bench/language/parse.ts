// Parse time of a 1,000-line process (every kind of statement, nested blocks, long
// expressions): CPU time per parse, the median and minimum of 40 samples of 5 parses each
// after 5 warm-up samples, and one JSON line.
//
//   node --import tsx bench/language/parse.ts [OTHER/src/language/index.ts]
//
// With a path, another checkout's parser runs too, alternating with this one.
import { pathToFileURL } from "node:url";

const RUNS = 40;
const BATCH = 5;
const WARMUP = 5;

const BLOCK = [
  "# one block of a realistic process",
  'the greeting is "Hello, {the customer\'s name}!"',
  "the subtotal is the sum of the lines' amount",
  "the tax is the subtotal * 0.08 rounded to 2 decimals",
  'the open tickets are the tickets whose "status" is "open" and priority is "high"',
  'if the subtotal is greater than 1000 and the customer\'s tier is one of "gold", "silver" then',
  '  say "big order: {the subtotal formatted with 2 decimals}"',
  "  add 1 to the big orders",
  "else",
  '  say "small order"',
  "process each line as follows",
  '  the line total is the line\'s "quantity" times the line\'s "unit price"',
  "  add the line total to the running total",
  "the due date is the order date + 30 days",
  'the names are the customers\' name sorted joined with ", "',
  "classify the order",
  'if the due date is before today then say "late"',
  "repeat 3 times",
  "  add the iteration to the counter",
  "the average is the average of the lines' amount",
];

function source(lines: number): string {
  const header = 'to classify an order\n  the result is "ok"\n';
  const out = [header];
  let n = 2;
  while (n < lines) {
    out.push(BLOCK.join("\n"));
    n += BLOCK.length;
  }
  return `${out.join("\n")}\n`;
}

type Lang = { parse: (s: string) => { diagnostics: Array<{ message: string }> } };

async function load(path: string): Promise<Lang> {
  const url = path.startsWith(".") ? new URL(path, import.meta.url).href : pathToFileURL(path).href;
  return (await import(url)) as Lang;
}

// This checkout's parser, and optionally another's; runs alternate between them so that
// both see the same machine load. Figures: the median and the minimum of the runs.
const parsers: Array<{ name: string; lang: Lang }> = [
  { name: "this", lang: await load("../../src/language/index.ts") },
];
if (process.argv[2]) parsers.push({ name: process.argv[2], lang: await load(process.argv[2]) });
const src = source(1000);
for (const p of parsers) {
  const check = p.lang.parse(src);
  if (check.diagnostics.length > 0)
    throw new Error(`does not parse: ${check.diagnostics[0]!.message}`);
}
const times = parsers.map(() => [] as number[]);
for (let i = 0; i < WARMUP + RUNS; i++) {
  parsers.forEach((p, k) => {
    // CPU time (user + system) of BATCH parses: steadier than wall time on a busy machine.
    const t0 = process.cpuUsage();
    for (let b = 0; b < BATCH; b++) p.lang.parse(src);
    const used = process.cpuUsage(t0);
    const ms = (used.user + used.system) / 1000 / BATCH;
    if (i >= WARMUP) times[k]!.push(ms);
  });
}
const lines = src.split("\n").length - 1;
const figures = parsers.map((p, k) => {
  const t = times[k]!.sort((a, b) => a - b);
  const median = t[Math.floor(t.length / 2)]!;
  console.log(
    `${p.name}: parse ${lines} lines: median ${median.toFixed(2)} ms CPU, min ${t[0]!.toFixed(2)} ms`,
  );
  return { parser: p.name, median_ms: Number(median.toFixed(2)), min_ms: Number(t[0]!.toFixed(2)) };
});
console.log(JSON.stringify({ bench: "parse", lines, runs: RUNS, figures }));
