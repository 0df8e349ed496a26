// Interpreter benchmarks: statements per second in a tight loop (timeline on), and
// reading, filtering and summing a 100,000-row CSV table; the parser on a 10 MB file and
// on a 10 MB line of operators (checked here: a program with no diagnostics, and the
// "too long" bound; test/language/robustness.test.ts checks 1 MB versions).
// Prints medians and spreads, then one JSON line of the figures.
//
// Statements counted: every executed statement (the state's `steps`): the set, the
// repeat statement once, and each execution of its body statement.
import { drive, MemoryFiles, runSlice, start, view } from "../../src/interpreter/index.ts";
import type { Program } from "../../src/language/ast.ts";
import { parse } from "../../src/language/index.ts";
import * as b from "../../test/interpreter/build.ts";

const files = new MemoryFiles();
const RUNS = 5;

async function parseOrNull(source: string): Promise<Program | null> {
  try {
    const path = "../../src/language/index.ts";
    const lang = (await import(path)) as {
      parse: (s: string) => { program: Program; diagnostics: unknown[] };
    };
    const r = lang.parse(source);
    return r.diagnostics.length === 0 ? r.program : null;
  } catch {
    return null;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

function spread(xs: number[]): string {
  const m = median(xs);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return `min ${lo.toFixed(1)}, max ${hi.toFixed(1)} (±${(((hi - lo) / 2 / m) * 100).toFixed(1)}%)`;
}

async function loopProgram(): Promise<{ program: Program; parsed: boolean }> {
  const src = "the counter is 0\nrepeat 1000000 times\n  add 1 to the counter\n";
  const parsed = await parseOrNull(src);
  if (parsed) return { program: parsed, parsed: true };
  return {
    parsed: false,
    program: b.program(() => [
      b.set(b.name("the counter"), b.num(0)),
      b.repeat(b.num(1000000), () => [b.upd("add", b.num(1), b.name("the counter"))]),
    ]),
  };
}

async function tableProgram(): Promise<{ program: Program; parsed: boolean }> {
  const src =
    'the rows are the csv as a table\nthe open rows are the rows whose "status" is "open"\nthe total is the sum of the open rows\' "amount"\n';
  const parsed = await parseOrNull(src);
  if (parsed) return { program: parsed, parsed: true };
  return {
    parsed: false,
    program: b.program(() => [
      b.set(b.name("the rows"), b.asTable(b.name("the csv"))),
      b.set(
        b.name("the open rows"),
        b.whose(b.name("the rows"), b.cmp("is", b.itemField("status"), b.txt("open"))),
      ),
      b.set(b.name("the total"), b.agg("sum", b.pluck(b.name("the open rows"), "amount"))),
    ]),
  };
}

function makeCsv(rows: number): { csv: string; expected: string } {
  const lines = ["id,status,amount,customer"];
  let cents = 0n;
  for (let i = 0; i < rows; i++) {
    const open = i % 3 !== 0;
    const c = (i * 7919) % 100000;
    const amount = `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
    if (open) cents += BigInt(c);
    lines.push(`${i},${open ? "open" : "closed"},${amount},Customer ${i % 97}`);
  }
  const expected = `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
  return { csv: `${lines.join("\n")}\n`, expected };
}

async function main() {
  const loop = await loopProgram();
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const state = start(loop.program, {});
    const t0 = performance.now();
    await drive(loop.program, state, { files, sliceMs: 20 });
    const ms = performance.now() - t0;
    const v = view(state);
    if (v.status !== "Succeeded" || v.outputs.counter !== 1000000)
      throw new Error(`loop failed: ${JSON.stringify(v)}`);
    rates.push(state.steps / (ms / 1000));
  }
  const stmtsPerS = median(rates);
  console.log(
    `loop (1,000,002 statements, timeline on, ${loop.parsed ? "parsed" : "hand-built tree"}): median ${Math.round(stmtsPerS).toLocaleString("en-US")} statements/s; ${spread(rates.map((x) => x / 1e6))} M/s`,
  );

  const table = await tableProgram();
  const { csv, expected } = makeCsv(100_000);
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const state = start(table.program, { csv });
    const t0 = performance.now();
    let s = runSlice(table.program, state, { files, sliceMs: 60_000 });
    while (s === "Running") s = runSlice(table.program, state, { files, sliceMs: 60_000 });
    const ms = performance.now() - t0;
    const v = view(state);
    if (v.status !== "Succeeded" || String(v.outputs.total) !== String(Number(expected))) {
      throw new Error(
        `table failed: ${v.status} ${JSON.stringify(v.error)} ${v.outputs.total} != ${expected}`,
      );
    }
    times.push(ms);
  }
  const tableMs = median(times);
  console.log(
    `table (100,000 rows, ${(csv.length / 1e6).toFixed(1)} MB CSV, ${table.parsed ? "parsed" : "hand-built tree"}): median ${tableMs.toFixed(1)} ms; ${spread(times)} ms`,
  );
  const parseMs = (src: string, check: (r: ReturnType<typeof parse>) => boolean) => {
    const ms: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const parsed = parse(src);
      ms.push(performance.now() - t0);
      if (!check(parsed)) throw new Error(`parse gave ${JSON.stringify(parsed.diagnostics[0])}`);
    }
    return ms;
  };
  const block =
    "the total is 0\nprocess each line in the lines as follows\n" +
    '  add the line\'s "amount" * 2 rounded to 2 decimals to the total\n' +
    '  say "{the line\'s name} costs {the total}"\n';
  const file = parseMs(
    block.repeat(Math.ceil((10 * 1024 * 1024) / block.length)),
    (r) => r.diagnostics.length === 0 && r.program.body.length > 100_000,
  );
  const line = parseMs(`the x is 1${" + 1".repeat(2_500_000)}\n`, (r) =>
    /too long/.test(r.diagnostics[0]?.message ?? ""),
  );
  console.log(`parse a 10 MB file: median ${median(file).toFixed(0)} ms; ${spread(file)} ms`);
  console.log(
    `parse a 10 MB line of operators: median ${median(line).toFixed(0)} ms; ${spread(line)} ms`,
  );
  console.log(
    JSON.stringify({
      bench: "interpreter",
      statements_per_s: Math.round(stmtsPerS),
      table_100k_ms: Math.round(tableMs),
      parse_10mb_file_ms: Math.round(median(file)),
      parse_10mb_line_ms: Math.round(median(line)),
      parsed: loop.parsed && table.parsed,
    }),
  );
}

await main();
