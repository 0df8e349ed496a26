// The phrasing classes of issue 11 added last, each with sentences of its own and its
// errors: rounding up, down and to a step; `neither … nor`; relative dates (`this
// Friday`, `next month`, `the end of next month`, `in 3 days`); inserting into a list at
// a position; then the phrasings moved into the table: verb synonyms (`display`,
// `return`, `calculate … as`), sort orders, list edges, and numbers side by side. Every
// sentence also prints back to text that parses to the same tree.
import { describe, expect, it } from "vitest";
import type { Json } from "../../src/interpreter/index.ts";
import { drive, inputsFromJson, start, view } from "../../src/interpreter/index.ts";
import { parse, printProgram, stripSpans } from "../../src/language/index.ts";
import { compile, files } from "./helpers.ts";

/** Wednesday 6 May 2026, 10:00 UTC. */
const NOW = Date.UTC(2026, 4, 6, 10, 0, 0);

async function run(source: string, inputs: Record<string, Json> = {}) {
  const p = compile(source);
  // Every phrasing prints to text that parses back to the same tree.
  expect(stripSpans(parse(printProgram(p)).program)).toEqual(stripSpans(p));
  const state = start(p, inputsFromJson(inputs, files));
  await drive(p, state, { files, now: () => NOW });
  return view(state);
}

async function says(cases: Array<[string, string]>, inputs: Record<string, Json> = {}) {
  for (const [expr, expected] of cases) {
    const r = await run(`say ${expr}`, inputs);
    expect({ expr, error: r.error, log: r.log }).toEqual({ expr, error: null, log: [expected] });
  }
}

async function fails(source: string, line: number, message: RegExp) {
  const r = await run(source);
  expect(r.status).toBe("Failed");
  expect(r.error?.line).toBe(line);
  expect(r.error?.message).toMatch(message);
}

describe("rounding up, down and to a step", () => {
  it("rounds up (never smaller) and down (never larger), to decimals or whole numbers", async () => {
    await says([
      ["2.341 rounded up", "3"],
      ["2.001 rounded up to 2 decimals", "2.01"],
      ["-2.5 rounded up", "-2"],
      ["2.99 rounded down", "2"],
      ["-2.341 rounded down to one decimal place", "-2.4"],
      ["19.99 rounded up to a whole number", "20"],
      ["4.005 rounded down to the nearest cent", "4"],
      ["(1.01, 2.5) rounded up", "2 and 3"],
      ["7 rounded up", "7"],
    ]);
  });

  it("rounds to the nearest ten, hundred, 0.05 or any step, half away from zero unless up/down", async () => {
    await says([
      ["1234 rounded to the nearest ten", "1230"],
      ["1250 rounded to the nearest hundred", "1300"],
      ["-1250 rounded to the nearest hundred", "-1300"],
      ["1234.5 rounded to the nearest thousand", "1000"],
      ["2.33 rounded to the nearest 0.05", "2.35"],
      ["2.32 rounded to the nearest 0.05", "2.3"],
      ["2.31 rounded up to the nearest quarter", "2.5"],
      ["7 rounded down to the nearest multiple of 5", "5"],
      ["7 rounded to the nearest five", "5"],
      ["12 rounded to the nearest half", "12"],
      ["(12, 17) rounded to the nearest 10", "10 and 20"],
    ]);
    await says([["the price rounded to the nearest multiple of the step", "10.5"]], {
      price: 10.6,
      step: 0.5,
    });
  });

  it("rounds a fact in place with `round`", async () => {
    const r = await run(
      [
        "the p is 12.3456",
        "the b is 12.3456",
        "the c is 1234",
        "the d is 2.1",
        "round up the p to 2 decimals",
        "round the b down to the nearest tenth",
        "round the c to the nearest hundred",
        "round the d up",
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.outputs).toMatchObject({ p: 12.35, b: 12.3, c: 1200, d: 3 });
  });

  it("refuses a step that is not a number above 0, naming the line", async () => {
    await fails(
      "say 1\nsay 5 rounded to the nearest 0",
      2,
      /the step to round to must be a number above 0, not the number 0/,
    );
    await fails(
      'say 5 rounded to the nearest "x"',
      1,
      /must be a number above 0, not the text "x"/,
    );
    await fails('say "abc" rounded up', 1, /can't round the text "abc": it is not a number/);
  });
});

describe("neither … nor", () => {
  const inputs = { status: "closed", total: 7 };

  it("is true when the value is none of the options, and false when it is one", async () => {
    const yes = [
      'the status is neither "open" nor "held"',
      'the status is neither "open", "held" nor "new"',
      "the total is neither 1 nor 2",
      'neither the status is "open" nor the total is over 10',
      'either the status is "open" or the total is 7',
      'the status is either "closed" or "open"',
    ];
    for (const c of yes) {
      const r = await run(`if ${c} then say "yes"`, inputs);
      expect({ c, log: r.log, error: r.error }).toEqual({ c, log: ["yes"], error: null });
    }
    const no = [
      'the status is neither "closed" nor "open"',
      "neither the total is 7 nor the total is 8",
      "either the total is 1 or the total is 2",
    ];
    for (const c of no) {
      const r = await run(`if ${c} then say "yes"`, inputs);
      expect({ c, log: r.log }).toEqual({ c, log: [] });
    }
  });

  it("filters a list", async () => {
    const r = await run('say the count of the orders whose status is neither "open" nor "held"', {
      orders: [{ status: "open" }, { status: "held" }, { status: "paid" }],
    });
    expect(r.log).toEqual(["1"]);
  });

  it("refuses a `neither` without its `nor`, naming the line", () => {
    const d = parse('say 1\nif neither the total is 1 then say "x"').diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ line: 2 });
    expect(d[0]!.message).toMatch(/I expected 'nor'/);
  });
});

describe("relative dates", () => {
  it("reads this / next / last weekday, next / last week, month and year", async () => {
    await says([
      ["this friday", "2026-05-08"],
      ["this wednesday", "2026-05-06"],
      ["next wednesday", "2026-05-13"],
      ["last monday", "2026-05-04"],
      ["last Wednesday", "2026-04-29"],
      ["next week", "2026-05-13"],
      ["last month", "2026-04-06"],
      ["next month", "2026-06-06"],
      ["next year", "2027-05-06"],
    ]);
  });

  it("reads the start and end of this, next and last period", async () => {
    await says([
      ["the end of next month", "2026-06-30"],
      ["the start of last month", "2026-04-01"],
      ["the start of next week", "2026-05-11"],
      ["the end of last week", "2026-05-03"],
      ["the end of last year", "2025-12-31"],
      ["the start of next year", "2027-01-01"],
      ["the start of this month", "2026-05-01"],
      ["the end of the week", "2026-05-10"],
    ]);
  });

  it("reads `in 3 days`, `a week from today` and `an hour ago`", async () => {
    await says(
      [
        ["in 3 days", "2026-05-09"],
        ["in two weeks", "2026-05-20"],
        ["a week from today", "2026-05-13"],
        ["a month after the start", "2026-03-28"],
        ["an hour ago", "2026-05-06T09:00:00.000Z"],
        ["3 hours ago", "2026-05-06T07:00:00.000Z"],
        ["2 days ago", "2026-05-04"],
      ],
      { start: "2026-02-28" },
    );
    const r = await run(
      'the renewal is next month\nif the renewal is after today and the renewal is before the end of next month then say "in range"',
    );
    expect(r.log).toEqual(["in range"]);
  });

  it("refuses `this month` (no one date) with the phrasings that are", () => {
    for (const p of ["week", "month", "year"]) {
      const d = parse(`the due is this ${p}`).diagnostics;
      expect(d).toHaveLength(1);
      expect(d[0]!.message).toBe(
        `'this ${p}' is not one date: write 'the start of this ${p}', 'the end of this ${p}' or 'today'`,
      );
    }
  });
});

describe("inserting into a list at a position", () => {
  it("inserts at a position, at the start, and appends; a list's items each", async () => {
    const r = await run(
      [
        'the steps are "wash", "dry"',
        'insert "soak" at position 2 in the steps',
        'insert "sort" at the start of the steps',
        'prepend "collect" to the steps',
        'insert "fold" at position the count of the steps + 1 into the steps',
        'append "store" to the steps',
        'insert ("check", "label") at the beginning of the steps',
        'insert "iron" into the steps',
        'say the steps joined with ", "',
        'insert "first" at index 1 in the new list',
        "say the new list",
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual([
      "check, label, collect, sort, wash, soak, dry, fold, store, iron",
      "first",
    ]);
  });

  it("inserts into a list field of a record and keeps a shared list shared", async () => {
    const r = await run(
      [
        'the order\'s lines are "a", "c"',
        'insert "b" at position 2 in the order\'s lines',
        "say the order's lines",
        "the xs are 1, 3",
        "use the xs as the ys",
        "insert 2 at position 2 in the ys",
        "say the xs",
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["a, b and c", "1, 2 and 3"]);
  });

  it("refuses a position outside the list, a fractional one, and a target that is no list", async () => {
    await fails(
      "the xs are 1, 2, 3\ninsert 9 at position 5 in the xs",
      2,
      /can't insert at position 5: the xs has 3 items, so a position goes from 1 to 4/,
    );
    await fails("the xs are 1, 2\ninsert 9 at position 0 in the xs", 2, /from 1 to 3/);
    await fails(
      "the xs are 1, 2\ninsert 9 at position 1.5 in the xs",
      2,
      /the position to insert at must be a whole number, not the number 1.5/,
    );
    await fails(
      "the total is 3\ninsert 9 at position 1 in the total",
      2,
      /can't insert into the total: it is the number 3, not a list \(to add to a number, write 'add'/,
    );
    // `append` used to add 1 to a number: it is for lists.
    await fails(
      'the name is "Ada"\nappend "!" to the name',
      2,
      /can't append to the name: it is the text "Ada", not a list/,
    );
    await fails(
      "the xs are 1\nappend 3 to the xs",
      2,
      /can't append to the xs: it is the number 1, not a list/,
    );
  });

  it("refuses `insert … at` without a position or an edge, naming the line", () => {
    for (const src of ["insert 1 at the middle of the xs", "insert 1 at position 2 the xs"]) {
      const d = parse(`say 1\n${src}`).diagnostics;
      expect(d.map((x) => x.line)).toEqual([2]);
    }
  });
});

describe("statement synonyms from the table (phrasings.ts VERB_SYNONYMS)", () => {
  it("says with print, show, display and output; sets with let, calculate, compute and change", async () => {
    const r = await run(
      [
        "let the count be 2",
        "calculate the total as the count * 10",
        "compute the tax = the total * 0.5",
        "change the count to the count + 1",
        'print "count {the count}"',
        "show the total",
        "display the tax",
        "output the total + the tax",
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["count 3", "20", "10", "30"]);
  });

  it("returns a procedure's result with return", async () => {
    const r = await run(
      [
        "to double a number",
        "  return the number * 2",
        "to greet a person",
        '  return "Hello, {the person}"',
        "double 21",
        "say the above",
        'greet "Ada"',
        "say the above",
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["42", "Hello, Ada"]);
  });

  it("gives way to a process's own procedure of the same verb", async () => {
    const r = await run(
      ["to display a banner", '  say "*** {the banner} ***"', 'display "hi"'].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["*** hi ***"]);
    // An own verb of the language still cannot be a procedure's.
    expect(parse("to say a word\n  stop").diagnostics[0]?.message).toMatch(
      /'say' is already a statement/,
    );
  });

  it("refuses a synonym written without its value, naming the line", () => {
    for (const src of ["display", "let the count 3", "calculate the total"]) {
      const d = parse(`say 1\n${src}`).diagnostics;
      expect({ src, lines: d.map((x) => x.line) }).toEqual({ src, lines: [2] });
    }
  });
});

describe("sort orders and list edges from the table", () => {
  const orders = [
    { id: "a", amount: 5, day: "2026-05-02" },
    { id: "b", amount: 9, day: "2026-05-01" },
    { id: "c", amount: 1, day: "2026-05-03" },
  ];

  it("sorts by the orders written in words", async () => {
    await says(
      [
        ["(the orders sorted by amount from highest to lowest)' id", "b, a and c"],
        ["(the orders sorted by amount in descending order)' id", "b, a and c"],
        ['(the orders sorted by "amount" from smallest to largest)\' id', "c, a and b"],
        ["(the orders sorted by day from newest to oldest)' id", "c, a and b"],
        ["(the orders sorted by day in ascending order)' id", "b, a and c"],
      ],
      { orders },
    );
    const r = await run(
      'sort the orders by "amount" from largest to smallest\nsay the orders\' id',
      {
        orders,
      },
    );
    expect(r.log).toEqual(["b, a and c"]);
  });

  it("inserts at the end, bottom or back of a list (appended)", async () => {
    const r = await run(
      [
        'the steps are "soak", "wash"',
        'insert "dry" at the end of the steps',
        'insert "fold" at the bottom of the steps',
        'insert "store" at the back of the steps',
        'say the steps joined with ", "',
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["soak, wash, dry, fold, store"]);
  });
});

describe("numbers side by side", () => {
  it("are a call's two arguments, so a space is no thousands separator", async () => {
    const r = await run(
      ["to resize a width a height", '  say "{the width} x {the height}"', "resize 100 200"].join(
        "\n",
      ),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["100 x 200"]);
  });

  it("where one value belongs, are refused with the rewrite", () => {
    for (const [src, rewrite] of [
      ["the budget is 12 500", "12,500"],
      ["say 1 000 + 1", "1,000"],
    ]) {
      const d = parse(src!).diagnostics[0];
      expect({ src, suggestion: d?.suggestion }).toEqual({ src, suggestion: rewrite });
    }
  });
});
