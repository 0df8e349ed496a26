// Issue 7's property: random processes from the grammar (statements, expressions, loops,
// procedures, questions, lists, records, texts, dates), with random inputs, run through
// the engine's workers under small bounds (values and time). Every run ends in a final
// state or AwaitingAnswer within its time limit plus 1 s of recorded execution time,
// nothing throws out of the interpreter (no "internal error"), and every stored run
// reads back through the API (the run, its events, the list).
//
// 150 processes by default; more with RANDOM_PROCESSES=2000 (and FC_SEED=… to replay a
// failure fast-check reports):
//     RANDOM_PROCESSES=2000 npx vitest run test/server/randomProcesses.test.ts
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/engine/index.ts";
import type { Json } from "../../src/interpreter/types.ts";
import { parse } from "../../src/language/index.ts";
import { startTestServer, type TestServer } from "./helpers.ts";

const RUNS = Number(process.env.RANDOM_PROCESSES ?? 150);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const TIME_LIMIT_MS = 400;
const FINAL = ["Succeeded", "Failed", "Cancelled", "TimedOut"];

// ---- the grammar -------------------------------------------------------------------

const NAMES = ["the a", "the b", "the t", "the xs", "the ys", "the r", "the n", "the when"];
const name = fc.constantFrom(...NAMES);
const listName = fc.constantFrom("the xs", "the ys");

const atom = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom("0", "0.1", "1.5", "-2.25", "99999999999999999999", "123456789.123456789"),
  fc.constantFrom(
    '"hello"',
    '"a,b,c"',
    '"2026-01-31"',
    '"12.50"',
    '""',
    '"{the a} and {the t}"',
    '"x{the xs}y"',
  ),
  name,
  fc.constantFrom("the iteration", "nothing", "true", "today", "now", "the above"),
  fc
    .tuple(fc.integer({ min: -50, max: 5000 }), fc.constantFrom("days", "years", "hours", "months"))
    .map(([n, u]) => `${n} ${u}`),
);

const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom,
    fc
      .tuple(tie("e"), fc.constantFrom("+", "-", "*", "/"), tie("e"))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc
      .tuple(fc.constantFrom("sum", "count", "maximum", "minimum", "average", "first"), tie("e"))
      .map(([f, a]) => `the ${f} of ${a}`),
    tie("e").map((a) => `(${a} sorted)`),
    tie("e").map((a) => `(${a} as text)`),
    tie("e").map((a) => `(${a} split by ",")`),
    tie("e").map((a) => `(${a} joined with "-")`),
    tie("e").map((a) => `(${a} with "a" replaced by "bbb")`),
    tie("e").map((a) => `(${a} rounded to 2 decimals)`),
    tie("e").map((a) => `(${a} in uppercase)`),
    fc.constantFrom("the r's f", "the r's child", "the xs' count", "the t's length"),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `(${a}, ${b})`),
  ),
})).e;

const cond = fc.oneof(
  fc.tuple(expr, expr).map(([a, b]) => `${a} is greater than ${b}`),
  fc.tuple(expr, expr).map(([a, b]) => `${a} is ${b}`),
  fc.tuple(listName, expr).map(([l, b]) => `${l} contains ${b}`),
  expr.map((a) => `${a} is empty`),
  name.map((a) => `${a} is known`),
);

interface Stmt {
  line: string;
  body?: Stmt[];
  otherwise?: Stmt[];
}

const simple: fc.Arbitrary<Stmt> = fc.oneof(
  fc.tuple(name, expr).map(([n, e]) => ({ line: `${n} is ${e}` })),
  fc.tuple(listName, expr, expr, expr).map(([l, a, b, c]) => ({
    line: `${l} are ${a}, ${b} and ${c}`,
  })),
  fc.tuple(expr, listName).map(([e, l]) => ({ line: `add ${e} to ${l}` })),
  fc.tuple(listName, listName).map(([a, b]) => ({ line: `add ${a} to ${b}` })),
  fc.tuple(expr, name).map(([e, n]) => ({ line: `add ${e} to ${n}` })),
  fc.tuple(expr, name).map(([e, n]) => ({ line: `subtract ${e} from ${n}` })),
  fc.tuple(name, expr).map(([n, e]) => ({ line: `multiply ${n} by ${e}` })),
  fc.tuple(name, expr).map(([n, e]) => ({ line: `divide ${n} by ${e}` })),
  expr.map((e) => ({ line: `the r's f is ${e}` })),
  fc.constant({ line: "the r's child is the r" }),
  fc.constant({ line: "imagine a record as the r" }),
  fc.constant({ line: "imagine the xs" }),
  expr.map((e) => ({ line: `say ${e}` })),
  expr.map((e) => ({ line: `bump ${e}` })),
  fc.constant({ line: "dig 1" }),
  fc.constant({ line: 'ask "Which one?" as the choice' }),
  fc.constant({ line: "get the customer name" }),
  fc.constant({ line: 'fail "stopped on purpose"' }),
  // Growth that only the bounds stop.
  fc.constantFrom(
    { line: "add the xs to the xs" },
    { line: 'the t is "{the t}{the t}x"' },
    { line: "multiply the n by the n" },
    { line: "the n is (the n + 7) * 1000" },
    { line: "the xs are the xs, the xs" },
    { line: "the r is the r, the r" },
    { line: "the ys are the xs sorted" },
  ),
  fc.constant({ line: "stop" }),
);

const stmts: fc.Arbitrary<Stmt[]> = fc.letrec<{ block: Stmt[]; stmt: Stmt }>((tie) => ({
  block: fc.array(tie("stmt"), { minLength: 1, maxLength: 5 }),
  stmt: fc.oneof(
    { depthSize: "small", maxDepth: 3 },
    simple,
    fc.tuple(cond, tie("block")).map(([c, body]) => ({ line: `if ${c} then`, body })),
    fc.tuple(cond, tie("block"), tie("block")).map(([c, body, otherwise]) => ({
      line: `if ${c} then`,
      body,
      otherwise,
    })),
    fc
      .tuple(fc.constantFrom(1, 2, 3, 10, 30, 200, 100000, 100000000), tie("block"))
      .map(([n, body]) => ({ line: `repeat ${n} times`, body })),
    fc.tuple(expr, tie("block")).map(([e, body]) => ({ line: `for each item in ${e}`, body })),
  ),
})).block;

const PROCEDURES = [
  "to bump a number",
  "  the result is the number + 1",
  "to dig a level",
  "  dig the level + 1",
];

function render(block: Stmt[], indent: string, out: string[]): void {
  for (const s of block) {
    out.push(indent + s.line);
    if (s.body) render(s.body, `${indent}  `, out);
    if (s.otherwise) {
      out.push(`${indent}else`);
      render(s.otherwise, `${indent}  `, out);
    }
  }
}

const source = stmts.map((block) => {
  const out = [...PROCEDURES];
  render(block, "", out);
  return out.join("\n");
});

const inputs: fc.Arbitrary<Record<string, Json>> = fc.record(
  {
    a: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()),
    t: fc.string({ maxLength: 30 }),
    xs: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 20 }),
    r: fc.jsonValue({ maxDepth: 3 }),
    when: fc.constantFrom("2026-01-01", "0001-01-01", "9999-12-31", "not a date"),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, Json>>;

// ---- the property ------------------------------------------------------------------

describe("random processes under small bounds", () => {
  let s: TestServer;
  let n = 0;
  const started: string[] = [];
  beforeAll(async () => {
    s = await startTestServer("sqlite", {
      workerOptions: {
        runLimits: {
          listItems: 2000,
          textChars: 20_000,
          numberDigits: 60,
          depth: 8,
          stateBytes: 256 * 1024,
        },
      },
    });
  });
  afterAll(() => s?.close());

  const outcomes = new Map<string, number>();
  async function settle(id: string): Promise<Run> {
    // Waits on the run's recorded state; the bound on time is asserted on time_used_ms.
    const end = Date.now() + 60_000;
    for (;;) {
      const run = await s.engine.runs.get(id);
      if (run.status !== "Pending" && run.status !== "Running") return run;
      if (Date.now() > end) throw new Error(`run ${id} is still ${run.status}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  function expectSound(run: Run, src: string) {
    const key = `${run.status} ${(run.error?.message ?? "").replace(/[0-9"].*$/, "")}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    expect([...FINAL, "AwaitingAnswer"], src).toContain(run.status);
    expect(run.time_used_ms, src).toBeLessThanOrEqual(TIME_LIMIT_MS + 1000);
    const message: string = run.error?.message ?? "";
    expect(message, src).not.toMatch(
      /internal error|Maximum call stack|ran out of room|Cannot read|is not a function|undefined|NaN|Infinity/,
    );
  }

  it(
    "every run ends (or asks) in time, without an internal error, and reads back",
    async () => {
      await fc.assert(
        fc.asyncProperty(source, inputs, async (src, given) => {
          // The grammar can write what the language refuses; those are not run.
          fc.pre(parse(src).diagnostics.every((d) => d.severity !== "error"));
          const p = await s.engine.processes.create({
            name: `random ${++n}`,
            source: src,
            settings: { time_limit_ms: TIME_LIMIT_MS },
          });
          let run = await s.engine.startRun({ process: p.id, stage: "draft", inputs: given });
          started.push(run.id);
          run = await settle(run.id);
          expectSound(run, src);
          // Answer what it asks (a few times), then it must stay sound.
          for (let k = 0; k < 3 && run.status === "AwaitingAnswer"; k++) {
            const a = await s.api("POST", `/api/v2/runs/${run.id}/answer`, { answer: "42" });
            expect(a.status, src).toBeLessThan(500);
            if (a.status >= 400) break;
            run = await settle(run.id);
            expectSound(run, src);
          }
          const one = await s.api("GET", `/api/v2/runs/${run.id}`);
          expect(one.status, src).toBe(200);
          const events = await s.api("GET", `/api/v2/runs/${run.id}/events?limit=500`);
          expect(events.status, src).toBe(200);
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      // Every stored run reads back in the lists too.
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (;;) {
        const page = await s.api(
          "GET",
          `/api/v2/runs?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        expect(page.status).toBe(200);
        for (const r of page.body.items) seen.add(r.id);
        cursor = page.body.next_cursor ?? undefined;
        if (!cursor) break;
      }
      for (const id of started) expect(seen.has(id)).toBe(true);
      if (process.env.RANDOM_PROCESSES_REPORT) console.log(started.length, outcomes);
      expect(started.length).toBeGreaterThan(RUNS / 2);
    },
    30 * 60_000,
  );
});
