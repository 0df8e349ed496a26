// The phrasing classes of issue 11, each with sentences of its own: numbers, dates,
// everyday verbs, comparison words, `of` and `where`. Each case runs end to end.
import { describe, expect, it } from "vitest";
import type { Json } from "../../src/interpreter/index.ts";
import { parse, printProgram, stripSpans } from "../../src/language/index.ts";
import { runText } from "./helpers.ts";

/** Runs `say EXPR` for each case and compares the logged text. */
async function says(cases: Array<[string, string]>, inputs: Record<string, Json> = {}) {
  for (const [expr, expected] of cases) {
    const r = await runText(`say ${expr}`, inputs);
    expect({ expr, error: r.error, log: r.log }).toEqual({ expr, error: null, log: [expected] });
    // Every new phrasing prints to text that parses back to the same tree.
    const p = parse(`say ${expr}`).program;
    expect(stripSpans(parse(printProgram(p)).program)).toEqual(stripSpans(p));
  }
}

async function fails(src: string, message: RegExp, inputs: Record<string, Json> = {}) {
  const r = await runText(src, inputs);
  expect(r.status).toBe("Failed");
  expect(r.error?.message).toMatch(message);
}

describe("numbers as people write them", () => {
  it("reads separators, currencies, percentages and number words", async () => {
    await says(
      [
        ["1,250 + 1", "1251"],
        ["$3,400.50", "3400.5"],
        ["€80 + £12.5 + ¥3000", "3092.5"],
        ["80€", "80"],
        ["250 USD + EUR 40", "290"],
        ["7.5 percent", "0.075"],
        ["12% of 250", "30"],
        ["five + twelve", "17"],
        ["3 times four", "12"],
        ["1,234,567.891 rounded to one decimal place", "1234567.9"],
        ["2.345 rounded to the nearest cent", "2.35"],
        ["2.5 rounded to a whole number", "3"],
        ["10.46 rounded to 1 dp", "10.5"],
      ],
      {},
    );
  });

  it("repeats twice, once or five times", async () => {
    const r = await runText(
      "the n is 0\nrepeat twice\n  add 1 to the n\nrepeat once\n  add 10 to the n\nrepeat five times\n  add 100 to the n\nsay the n",
    );
    expect(r.log).toEqual(["512"]);
  });

  it("refuses ambiguous commas in numbers at check time, with a rewrite", () => {
    for (const src of ["the x is 3,5", "the xs are 10,20,30", "the y is 12,3456"]) {
      const d = parse(src).diagnostics;
      expect(d[0]?.message).toMatch(/ambiguous.*Write .*\(with a space\) for a list/);
    }
  });
});

describe("dates as people write them", () => {
  const start = { start: "4 May 2026", deadline: "May 20, 2026", due: "2026-06-01" };

  it("reads dates in words in inputs and literals", async () => {
    await says(
      [
        ["the start + 1 day", "2026-05-05"],
        ["the deadline - the start", "16 days"],
        ['"1st of June 2026" as a date', "2026-06-01"],
        ['"Sept 3, 2026" as a date', "2026-09-03"],
      ],
      start,
    );
    const r = await runText('if the start is before the deadline then say "in order"', start);
    expect(r.log).toEqual(["in order"]);
  });

  it("computes relative dates", async () => {
    await says(
      [
        ["10 days after the start", "2026-05-14"],
        ["2 weeks before the deadline", "2026-05-06"],
        ["1 month after the due", "2026-07-01"],
      ],
      start,
    );
    const now = await runText(
      'the p is 3 days from today\nthe q is today + 3 days\nthe r is 2 days ago\nthe s is today - 2 days\nthe u is tomorrow\nthe v is today + 1 day\nif the p is the q and the r is the s and the u is the v then say "same"',
    );
    expect(now.log).toEqual(["same"]);
  });

  it("knows next Monday and the end of the month", async () => {
    const r = await runText(
      [
        "the monday is next monday",
        "the end is the end of the month",
        "the first is the start of the month",
        'if the monday is after today and the monday - today is at most 7 days then say "next week"',
        'if the monday\'s weekday is "Monday" then say "a Monday"',
        "if (the end + 1 day)'s day is 1 and the first's day is 1 then say \"month edges\"",
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["next week", "a Monday", "month edges"]);
  });

  it("refuses a numeric date, showing both readings, and says what a non-date is", async () => {
    await fails(
      'say "04/05/2026" as a date',
      /ambiguous: it is 4 May 2026 .* and 5 April 2026 in the US; write "4 May 2026"/,
    );
    await fails('say "13/05/2026" + 1 day', /does not guess: write "13 May 2026" or "2026-05-13"/);
    await fails(
      'say "soon" as a date',
      /"soon" is not a date: write dates like "2026-05-04", "4 May 2026"/,
    );
    await fails('if the due is before "01/02/2026" then say 1', /ambiguous/, start);
    // A duration added to a text that is no date says so too (it said: '+' adds numbers).
    await fails('say "soon" + 3 days', /the text "soon": "soon" is not a date: write dates like/);
    await fails('say 2 weeks + "the 5th"', /"the 5th" is not a date: write dates like/);
  });
});

describe("everyday verbs", () => {
  it("sets, changes, increases, decreases, rounds, sorts and clears", async () => {
    const r = await runText(
      [
        "set the total to 100",
        "change the total to 200",
        "increase the total by 10%",
        "decrease the total by 20",
        "set the price to 2.456",
        "round the price to 2 decimals",
        'sort the orders by "amount" descending',
        'the names are "b", "c", "a"',
        "sort the names",
        'set the order\'s status to "paid"',
        "increase the order's count by 1",
        'the scratch is "x"',
        "clear the scratch",
      ].join("\n"),
      {
        orders: [
          { id: 1, amount: 5 },
          { id: 2, amount: 9 },
        ],
        order: { count: 1 },
      },
    );
    expect(r.error).toBeNull();
    expect(r.outputs).toMatchObject({
      total: 200,
      price: 2.46,
      names: ["a", "b", "c"],
      order: { count: 2, status: "paid" },
      scratch: "",
    });
    expect(r.outputs.orders).toEqual([
      { id: 2, amount: 9 },
      { id: 1, amount: 5 },
    ]);
  });

  it("removes, appends, inserts and clears list items", async () => {
    const r = await runText(
      [
        'the basket is "milk", "eggs", "bread"',
        'remove "eggs" from the basket',
        'append "tea" to the basket',
        'insert "jam" into the basket',
        'remove ("milk", "tea") from the basket',
        "say the basket",
        "clear the basket",
        "say the count of the basket",
      ].join("\n"),
    );
    expect(r.log).toEqual(["bread and jam", "0"]);
  });
});

describe("comparison words", () => {
  const inputs = { total: 150, status: "New", note: "", name: "Ada" };

  it("understands each wording", async () => {
    const conditions = [
      "the total exceeds 100",
      "the total is over 100",
      "the total is above 100",
      "the total is under 200",
      "the total is below 200",
      "the total is no more than 150",
      "the total is no less than 150",
      "the total is equal to or greater than 150",
      "the total is 150 or more",
      "the total is 150 or less",
      'the status is either "open" or "new"',
      "the note is blank",
      "the note is missing",
      "the phone is missing",
      "the total isn't 5",
      'the name doesn\'t contain "z"',
      'the status aren\'t "closed"',
      'the name begins with "a"',
      "the total does not exceed 150",
    ];
    for (const c of conditions) {
      const r = await runText(`if ${c} then say "yes"`, inputs);
      expect({ c, log: r.log, error: r.error }).toEqual({ c, log: ["yes"], error: null });
    }
    for (const c of ["the total is over 150", "the total is 151 or more", "the name is missing"]) {
      const r = await runText(`if ${c} then say "yes"`, inputs);
      expect({ c, log: r.log }).toEqual({ c, log: [] });
    }
  });

  it("reads unless and when … then", async () => {
    const r = await runText(
      'unless the total is over 1000 then say "small"\nwhen the total is over 100 then\n  say "over 100"',
      inputs,
    );
    expect(r.log).toEqual(["small", "over 100"]);
  });
});

describe("of instead of possessives, and where as a filter", () => {
  const inputs = {
    customer: { email: "ada@example.com", address: { city: "Paris" } },
    order: { total: 42 },
    tickets: [
      { id: "T1", priority: "high", status: "open" },
      { id: "T2", priority: "low", status: "open" },
      { id: "T3", priority: "high", status: "closed" },
    ],
    "open tickets": ["T1", "T2"],
    table: [{ a: 1 }, { a: 2 }],
  };

  it("reads `the X of Y` as `Y's X`", async () => {
    await says(
      [
        ["the email of the customer", "ada@example.com"],
        ["the city of the address of the customer", "Paris"],
        ["the total of the order", "42"],
        ["the count of open tickets", "2"],
        ["the number of rows in the table", "2"],
        ["the ids of the tickets", "T1, T2 and T3"],
      ],
      inputs,
    );
  });

  it("filters with where", async () => {
    const r = await runText(
      [
        'the urgent are the tickets where the priority is "high"',
        'the hot are the tickets where the priority is "high" and the status is "open"',
        'say the count of the tickets where its status is "open"',
        "say the urgent' id",
        "say the hot' id",
      ].join("\n"),
      inputs,
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["2", "T1 and T3", "T1"]);
  });
});
