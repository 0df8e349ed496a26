// Regressions found in use, each run from source text (parse, then the interpreter).
import { describe, expect, it } from "vitest";
import {
  drive,
  inputsFromJson,
  runSlice,
  start,
  toJson,
  view,
} from "../../src/interpreter/index.ts";
import { numberFromText } from "../../src/interpreter/numbers.ts";
import { compile, files, runText } from "./helpers.ts";

describe("add and subtract with a duration on a fact that has no value", () => {
  it("starts from a zero duration", async () => {
    const r = await runText(
      'add 2 hours to the time spent\nadd 30 minutes to the time spent\nsay "{the time spent}"',
    );
    expect(r.error).toBeNull();
    expect(r.status).toBe("Succeeded");
    expect(r.log).toEqual(["2 hours and 30 minutes"]);
    expect(r.outputs).toEqual({ "time spent": "PT2H30M" });
  });

  it("subtracting from nothing gives a negative duration", async () => {
    const r = await runText(
      'subtract 3 days from the slack\nthe due is ("2026-01-10" as a date) + the slack\nsay the due',
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["2026-01-07"]);
  });

  it("a missing number still starts at 0, a missing list as empty", async () => {
    const r = await runText(
      'add 2 to the n\nsubtract 5 from the m\nadd "x" to the names\nsay "{the n} {the m} {the names}"',
    );
    expect(r.log).toEqual(["2 -5 x"]);
  });
});

describe("rounded to after an aggregate rounds the aggregate's result", () => {
  const rows = [{ amount: "1.25" }, { amount: "2.25" }];

  it("rounds the sum, not each item", async () => {
    const r = await runText(
      'the total is the sum of the rows\' "amount" rounded to 1 decimal\nsay the total',
      { rows },
    );
    expect(r.log).toEqual(["3.5"]);
  });

  it("list operations still belong to the aggregate's operand", async () => {
    const tickets = [
      { id: "T1", opened: "2026-03-02", status: "open" },
      { id: "T2", opened: "2026-01-10", status: "closed" },
      { id: "T3", opened: "2026-02-14", status: "open" },
    ];
    const r = await runText(
      [
        'the open tickets are the tickets whose "status" is "open"',
        'the oldest is the first of the open tickets sorted by "opened"',
        "say the oldest's id",
        'say the count of the tickets whose status is "open"',
        'say the count of "a,b,c" split by ","',
        "say the first of the tickets' id in lowercase",
        "say the average of (1, 2, 2) rounded to 2 decimals formatted with 3 decimals",
      ].join("\n"),
      { tickets },
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["T3", "2", "3", "t1", "1.670"]);
  });
});

describe("procedures with fixed words after a parameter", () => {
  it("a parameter ends before a preposition, so the call matches", async () => {
    const r = await runText(
      [
        "to send a reminder to a customer about an invoice",
        '  say "{the reminder}: {the customer}, about {the invoice}"',
        'send "Pay soon" to "Ada" about "INV-7"',
        'the reminder is "Last call"',
        "send a reminder to the client about the bill's id",
      ].join("\n"),
      { client: "Bob", bill: { id: "INV-8" } },
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["Pay soon: Ada, about INV-7", "Last call: Bob, about INV-8"]);
  });

  it("classify an order still works", async () => {
    const r = await runText(
      [
        "to classify an order",
        "  if the order's amount is at least 500 then",
        '    the result is "review"',
        "  else",
        '    the result is "fast lane"',
        "process each order as follows",
        "  classify the order",
        "  say the above",
        "classify an order",
        "say the above",
      ].join("\n"),
      { orders: [{ amount: 10 }, { amount: 600 }], order: { amount: 501 } },
    );
    expect(r.log).toEqual(["fast lane", "review", "review"]);
  });
});

describe("questions about an argument written with a/an", () => {
  it("read it as the fact `the visitor` and ask about it naturally", async () => {
    const p = compile('to greet a person\n  say "Hello, {the person}!"\ngreet a visitor\n');
    const state = start(p, {});
    await drive(p, state, { files });
    expect(state.status).toBe("AwaitingAnswer");
    expect(state.question?.text).toBe("What is the visitor?");
    expect(state.question?.line).toBe(3);

    const given = start(p, inputsFromJson({ visitor: "Ada" }, files));
    await drive(p, given, { files });
    expect(view(given).log).toEqual(["Hello, Ada!"]);
  });

  it("an a/an name read elsewhere asks with `the` too", async () => {
    const p = compile("to greet a person\n  say the person\ngreet an old friend\n");
    const state = start(p, {});
    await drive(p, state, { files });
    expect(state.question?.text).toBe("What is the old friend?");
  });
});

describe("time limits and cancellation record the line", () => {
  const source = "the counter is 0\nrepeat 100000000 times\n  add 1 to the counter\n";

  it("a run that times out in a loop names a line of the loop", async () => {
    const p = compile(source);
    const state = start(p, {});
    const s = await drive(p, state, { files, deadline: Date.now() + 30 });
    expect(s).toBe("TimedOut");
    expect(state.error?.message).toMatch(/time limit/);
    expect([2, 3]).toContain(state.error?.line);
  });

  it("a deadline already passed at the start of a slice still names the line", async () => {
    const p = compile(source);
    const state = start(p, {});
    expect(runSlice(p, state, { files, sliceMs: 1 })).toBe("Running");
    expect(runSlice(p, state, { files, deadline: Date.now() - 1 })).toBe("TimedOut");
    expect([2, 3]).toContain(state.error?.line);
  });

  it("a multi-statement loop body names the statement that was running", async () => {
    const p = compile("repeat 100000000 times\n  add 1 to the counter\n  add 2 to the other\n");
    const state = start(p, {});
    await drive(p, state, { files, deadline: Date.now() + 30 });
    expect(state.status).toBe("TimedOut");
    expect([1, 2, 3]).toContain(state.error?.line);
  });

  it("a cancelled run keeps no error, but stops promptly", async () => {
    const p = compile(source);
    const state = start(p, {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    expect(await drive(p, state, { files, signal: ac.signal })).toBe("Cancelled");
    expect(state.error).toBeNull();
  });
});

describe("numbers in JSON", () => {
  it("are JSON numbers: exact when a double holds them, else the nearest double", async () => {
    const r = await runText(
      [
        "the f is 15511210043330985984000000",
        "the third is 1 / 3",
        "the price is 120.20",
        "the big is 9007199254740993",
        "the exact f is the f as text",
        "say the f",
        "say the third",
      ].join("\n"),
    );
    expect(r.outputs.f).toBe(1.5511210043330986e25);
    expect(r.outputs.third).toBe(0.3333333333333333);
    expect(r.outputs.price).toBe(120.2);
    expect(r.outputs.big).toBe(2 ** 53);
    expect(r.outputs["exact f"]).toBe("15511210043330985984000000");
    // The log, text and the run's state keep every digit.
    expect(r.log).toEqual(["15511210043330985984000000", `0.${"3".repeat(40)}`]);
  });

  it("a number beyond the range of a JSON number is written as its exact text", () => {
    const huge = numberFromText(`1${"0".repeat(400)}`);
    const tiny = numberFromText(`-0.${"0".repeat(400)}1`);
    expect(toJson(huge)).toBe(`1${"0".repeat(400)}`);
    expect(toJson(tiny)).toBe(`-0.${"0".repeat(400)}1`);
    expect(JSON.parse(JSON.stringify(toJson([huge, 2])))).toEqual([`1${"0".repeat(400)}`, 2]);
  });

  it("1 / 3 keeps its 40 significant digits in arithmetic", async () => {
    const r = await runText("say 1 / 3 * 3");
    expect(r.log).toEqual([`0.${"9".repeat(40)}`]);
  });
});
