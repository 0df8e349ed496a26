// Phrasings a business user would expect to work, run end to end from source text
// (parse, start, drive, view).
import { describe, expect, it } from "vitest";
import { analyzeInputs, parse, printProgram, stripSpans } from "../../src/language/index.ts";
import { compile, runText } from "./helpers.ts";

describe("names that begin with an operation word", () => {
  it("reads `the sorted names` and `the rounded total` as names", async () => {
    const r = await runText(
      [
        'the names are "bob", "Alice" and "carol"',
        "the sorted names are the names sorted",
        "the rounded total is 10.456 rounded to 1 decimal",
        'say "{the sorted names} / {the rounded total}"',
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["Alice, bob and carol / 10.5"]);
    expect(r.outputs["sorted names"]).toEqual(["Alice", "bob", "carol"]);
  });

  it("still reads `the rows sorted by` as sorting", async () => {
    const r = await runText('say the rows sorted by "n" descending', {
      rows: [{ n: 1 }, { n: 2 }],
    });
    expect(r.error).toBeNull();
    expect(r.log).toEqual(['{"n":2} and {"n":1}']);
  });
});

describe("one-line if with else", () => {
  it("takes `else STATEMENT` and `otherwise STATEMENT` on the same line", async () => {
    const src = [
      'if the amount is more than 100 then say "big" else say "small"',
      'if the amount is more than 10 then the label is "mid" otherwise the label is "low"',
      'if the amount > 500 then say "huge" else if the amount > 10 then say "medium" else say "tiny"',
      'if the amount is known then if the amount is 0 then say "zero" else say "nonzero"',
    ].join("\n");
    const r = await runText(src, { amount: 50 });
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["small", "medium", "nonzero"]);
    expect(r.outputs).toEqual({ label: "mid" });
    const printed = printProgram(parse(src).program);
    expect(stripSpans(parse(printed).program)).toEqual(stripSpans(parse(src).program));
  });

  it("refuses an `else` line after a one-line if that already has one, naming the line", () => {
    const r = parse('if the x is 1 then say "a" else say "b"\nelse\n  say "c"');
    expect(r.diagnostics[0]?.line).toBe(2);
  });

  it("names the line when nothing follows `else`", () => {
    const r = parse('the x is 1\nif the x is 1 then say "a" else');
    expect(r.diagnostics[0]?.line).toBe(2);
    expect(r.diagnostics[0]?.message).toMatch(/statement after 'else'/);
  });
});

describe("is between", () => {
  it("tests A ≤ X ≤ B, negated and in whose", async () => {
    const r = await runText(
      [
        'if the score is between 80 and 90 then say "B"',
        'if the score is not between 0 and 50 then say "pass"',
        'if the day is between "2024-01-01" and "2024-12-31" and the score > 1 then say "2024"',
        'say "{the count of the scores whose value is between 2 and 4}"',
      ].join("\n"),
      { score: 90, day: "2024-03-03", scores: [{ value: 1 }, { value: 2 }, { value: 4 }] },
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["B", "pass", "2024", "2"]);
  });
});

describe("percentages", () => {
  it("reads 20% as 0.2, exactly", async () => {
    const r = await runText(
      [
        "the tax rate is 20%",
        "the discount is 12.5%",
        'say "{the tax rate} {the discount} {150%} {-3%} {80 - 80 * 10%}"',
      ].join("\n"),
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["0.2 0.125 1.5 -0.03 72"]);
    expect(r.outputs).toEqual({ "tax rate": 0.2, discount: 0.125 });
  });
});

describe("plural possessive with a plural field word", () => {
  it("reads `the attachments' names` and `the orders' amounts`", async () => {
    const r = await runText(
      [
        'say "{the attachments\' names}"',
        "say \"{the sum of the orders' amounts} {the orders' statuses}\"",
        'say "{the orders\' totals}"',
      ].join("\n"),
      {
        attachments: [
          { name: "a.pdf", type: "application/pdf", text: "x" },
          { name: "b.txt", type: "text/plain", text: "y" },
        ],
        orders: [
          { amount: 2, status: "open", totals: "own" },
          { amount: 3, status: "paid", totals: "field" },
        ],
      },
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["a.pdf and b.txt", "5 open and paid", "own and field"]);
  });
});

describe("procedure arguments that have no value", () => {
  const reminder = [
    "to send a reminder to a customer about an invoice",
    '  the result is "Dear {the customer}, about {the invoice}"',
    "send a reminder to the client about the bill",
    "say the above",
  ].join("\n");

  it("leaves a parameter the procedure never reads unbound instead of asking", async () => {
    const r = await runText(reminder, { client: "Ada", bill: "INV-7" });
    expect(r.status).toBe("Succeeded");
    expect(r.log).toEqual(["Dear Ada, about INV-7"]);
    expect(analyzeInputs(compile(reminder))).toEqual(["client", "bill"]);
  });

  it("asks at the call for an argument the procedure reads", async () => {
    const r = await runText(reminder, { client: "Ada" });
    expect(r.status).toBe("AwaitingAnswer");
    expect(r.question?.line).toBe(3);
    expect(r.question?.text).toContain("bill");
  });

  it("lets a `where` line give a parameter the call could not", async () => {
    const source = [
      "to price an order for an amount",
      "  the result is the amount * 2",
      "price the order for the amount where",
      "  the amount is 500",
      "say the above",
    ].join("\n");
    const r = await runText(source);
    expect(r.status).toBe("Succeeded");
    expect(r.log).toEqual(["1000"]);
    expect(analyzeInputs(compile(source))).toEqual([]);
  });
});

describe("round 2: dates, tables and run-time messages", () => {
  it("reads `the rows' count` as the number of rows, not a column", async () => {
    const r = await runText(
      [
        "the rows are the csv as a table",
        'say "{the rows\' count} rows, {the rows\' "amount"}"',
        "imagine the results",
        "say the results' count",
      ].join("\n"),
      { csv: "name,amount\nA,1\nB,2\n" },
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["2 rows, 1 and 2", "0"]);
  });

  it("keeps a real column named like a list property", async () => {
    const r = await runText("say the rows' count", {
      rows: [{ count: 5 }, { count: 7 }],
    });
    expect(r.log).toEqual(["5 and 7"]);
  });

  it("says to add a duration when a number is added to a date", async () => {
    const r = await runText('the due is "2026-03-01"\nthe x is the due + 3\n');
    expect(r.status).toBe("Failed");
    expect(r.error?.line).toBe(2);
    expect(r.error?.message).toMatch(/the date 2026-03-01/);
    expect(r.error?.message).toMatch(/3 days/);
  });

  it("suggests `{…}` when text is joined with `+`", async () => {
    const r = await runText('the total is 5\nsay "total: " + the total\n');
    expect(r.error?.message).toMatch(/\{the total\}|\{…\}/);
  });

  it("names an impossible date instead of calling it text", async () => {
    const r = await runText('the d is "2026-13-45"\nsay the d + 1 day\n');
    expect(r.error?.message).toMatch(/"2026-13-45" is not a valid date/);
  });

  it("names the missing field, with a did-you-mean, when a field of nothing is read", async () => {
    const r = await runText("say the order's custmer's name\n", {
      order: { customer: { name: "Ann" }, total: 3 },
    });
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toMatch(/the order has no field "custmer"/);
    expect(r.error?.message).toMatch(/did you mean "customer"\?/);
  });

  it("names the target of a failed `add`, with the duration hint for dates", async () => {
    const r = await runText('the deadline is "2026-03-01"\nadd 3 to the deadline\n');
    expect(r.error?.message).toMatch(/the date 2026-03-01: add a duration instead, such as 3 days/);
    const t = await runText('the total is 5\nadd "x" to the total\n');
    expect(t.error).toEqual({
      line: 2,
      message: 'can\'t add the text "x" to a number (the total is the number 5)',
    });
  });

  it("writes a negative duration in JSON with one leading sign", async () => {
    const r = await runText(
      'the gap is "2026-03-01" - "2026-03-10"\nthe back is -(2 hours + 30 minutes)\nthe mixed is 1 month - 2 days\n',
    );
    expect(r.outputs.gap).toBe("-P9D");
    expect(r.outputs.back).toBe("-PT2H30M");
    expect(r.outputs.mixed).toBe("P1M-2D");
  });

  it("reads `the table's amounts` as the amount of every row", async () => {
    const r = await runText(
      [
        "read the export as a table",
        "say the sum of the table's amounts",
        'say the table\'s "names"',
      ].join("\n"),
      { export: "name,amount\nA,10.10\nB,5\n" },
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["15.1", "A and B"]);
    const bad = await runText("say the table's amount", { table: [{ amount: 1 }] });
    expect(bad.error?.message).toMatch(/field "amount" of a list/);
  });

  it("names the fact that is zero when dividing by it", async () => {
    const r = await runText("the count is 0\nthe total is 10\nthe avg is the total / the count\n");
    expect(r.error).toEqual({ line: 3, message: "can't divide 10 by zero (the count is 0)" });
    const d = await runText("the total is 10\ndivide the total by the count\n", { count: 0 });
    expect(d.error?.message).toBe("can't divide 10 by zero (the count is 0)");
  });
});
