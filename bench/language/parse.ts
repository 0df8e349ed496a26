// Parse time of a 1,000-line process (every kind of statement, nested blocks, long
// expressions): CPU time per parse, the median and minimum of 40 samples of 5 parses each
// after 5 warm-up samples, and one JSON line.
//
//   node --import tsx bench/language/parse.ts [OTHER/src/language/index.ts] [--runs N]
//   node --import tsx bench/language/parse.ts --this NEW.mjs OTHER.mjs   # e.g. esbuild bundles
//
// With a path, another checkout's parser runs too, alternating with this one (ABBA, so
// neither always runs first), and each sample's ratio this/other is reported: its median
// and quartiles are steadier on a loaded machine than either parser's own times.
import { pathToFileURL } from "node:url";

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
const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const RUNS = Number(flag("--runs") ?? 40);
const thisPath = flag("--this");
const parsers: Array<{ name: string; lang: Lang }> = [
  { name: thisPath ?? "this", lang: await load(thisPath ?? "../../src/language/index.ts") },
];
const other = args[0] ?? null;
if (other) parsers.push({ name: other, lang: await load(other) });
const src = source(1000);
for (const p of parsers) {
  const check = p.lang.parse(src);
  if (check.diagnostics.length > 0)
    throw new Error(`does not parse: ${check.diagnostics[0]!.message}`);
}
const times = parsers.map(() => [] as number[]);
for (let i = 0; i < WARMUP + RUNS; i++) {
  const order = i % 2 === 0 ? parsers : [...parsers].reverse();
  order.forEach((p) => {
    const k = parsers.indexOf(p);
    // CPU time (user + system) of BATCH parses: steadier than wall time on a busy machine.
    const t0 = process.cpuUsage();
    for (let b = 0; b < BATCH; b++) p.lang.parse(src);
    const used = process.cpuUsage(t0);
    const ms = (used.user + used.system) / 1000 / BATCH;
    if (i >= WARMUP) times[k]!.push(ms);
  });
}
const lines = src.split("\n").length - 1;
const quartiles = (xs: number[]) => {
  const t = [...xs].sort((a, b) => a - b);
  const at = (q: number) => t[Math.min(t.length - 1, Math.floor(q * t.length))]!;
  return { q1: at(0.25), median: at(0.5), q3: at(0.75) };
};
// Per sample: this parser's time over the other's, taken side by side.
const ratios = times.length > 1 ? times[0]!.map((t, i) => t / times[1]![i]!) : [];
const figures = parsers.map((p, k) => {
  const t = times[k]!.sort((a, b) => a - b);
  const median = t[Math.floor(t.length / 2)]!;
  console.log(
    `${p.name}: parse ${lines} lines: median ${median.toFixed(2)} ms CPU, min ${t[0]!.toFixed(2)} ms`,
  );
  return { parser: p.name, median_ms: Number(median.toFixed(2)), min_ms: Number(t[0]!.toFixed(2)) };
});
const ratio = ratios.length > 0 ? quartiles(ratios) : null;
if (ratio) {
  console.log(
    `this/other per sample: median ${ratio.median.toFixed(3)} (quartiles ${ratio.q1.toFixed(3)}–${ratio.q3.toFixed(3)})`,
  );
}
const round3 = (x: number) => Number(x.toFixed(3));
console.log(
  JSON.stringify({
    bench: "parse",
    lines,
    runs: RUNS,
    figures,
    ...(ratio
      ? { ratio: { median: round3(ratio.median), q1: round3(ratio.q1), q3: round3(ratio.q3) } }
      : {}),
  }),
);
