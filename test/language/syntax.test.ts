import { describe, expect, it } from "vitest";
import type { Stmt } from "../../src/language/ast.ts";
import {
  analyzeInputs,
  normalizeName,
  parse,
  pluralOf,
  printProgram,
  singularOf,
  stripSpans,
} from "../../src/language/index.ts";

function one(src: string): Stmt {
  const r = parse(src);
  expect(r.diagnostics).toEqual([]);
  return stripSpans(r.program.body[0]!);
}
const n = (key: string, text = `the ${key}`) => ({ kind: "name", key, text });

describe("names and values", () => {
  it("normalizes names and plurals", () => {
    expect(normalizeName("the Invoice  Total")).toBe("invoice total");
    expect(pluralOf("open ticket")).toBe("open tickets");
    expect(pluralOf("entry")).toBe("entries");
    expect(singularOf("open tickets")).toBe("open ticket");
  });

  it("reads numbers, money, lists and curly quotes", () => {
    expect(one("the price is $120.20")).toMatchObject({
      value: { kind: "number", value: "120.20" },
    });
    expect(one("the x is -3")).toMatchObject({ value: { kind: "number", value: "-3" } });
    expect(one('the codes are "A", "B" and "C"')).toMatchObject({
      value: { kind: "list", items: [{ parts: ["A"] }, { parts: ["B"] }, { parts: ["C"] }] },
    });
    expect(one("the name is \u201cAda\u201d")).toMatchObject({
      value: { kind: "text", parts: ["Ada"] },
    });
    expect(one('the customer\u2019s name is "Acme"')).toMatchObject({
      target: { kind: "fieldTarget", target: n("customer"), field: "name" },
    });
    expect(one('say "a \\"b\\" {{c}} \\\\"')).toMatchObject({ value: { parts: ['a "b" {c} \\'] } });
  });

  it("treats `the first X` as a name and `the first of X` as an aggregate", () => {
    expect(one("say the last name")).toMatchObject({ value: n("last name") });
    expect(one("say the first of the lines")).toMatchObject({
      value: { kind: "aggregate", fn: "first", of: n("lines") },
    });
    expect(one("say the sum of the squares + 1")).toMatchObject({
      value: { kind: "binary", op: "+", left: { kind: "aggregate", fn: "sum" } },
    });
  });

  it("parses durations, dates and `the above`", () => {
    expect(one("say (the grace) days")).toMatchObject({
      value: { kind: "duration", amount: n("grace"), unit: "days" },
    });
    expect(one("say today + 1 week")).toMatchObject({
      value: { left: { kind: "now", which: "date" }, right: { unit: "weeks" } },
    });
    expect(one("say the above")).toEqual({ kind: "say", value: { kind: "above" } });
  });
});

describe("conditions", () => {
  it("binds `and` tighter than `or`, and continues a whose filter only on fields", () => {
    const s = one(
      'if the count of the tickets whose "status" is "open" is 3 and the x is 2 then\n  stop',
    );
    expect(s).toMatchObject({
      branches: [
        {
          condition: {
            kind: "and",
            left: { kind: "compare", op: "is", left: { kind: "aggregate", of: { kind: "whose" } } },
            right: { kind: "compare", left: n("x") },
          },
        },
      ],
    });
    const w = one('say the rows whose "a" is 1 and amount is greater than 2');
    expect(w).toMatchObject({
      value: {
        kind: "whose",
        where: {
          kind: "and",
          right: { op: "greater", left: { kind: "itemField", field: "amount" } },
        },
      },
    });
  });

  it("knows the test and one-of forms", () => {
    const s = one('if the x is not one of "a", "b" or "c" or the y is empty then\n  stop');
    expect(s).toMatchObject({
      branches: [
        {
          condition: {
            kind: "or",
            left: { kind: "oneOf", negated: true, options: [{}, {}, {}] },
            right: { kind: "test", test: "empty" },
          },
        },
      ],
    });
    expect(one("if not (the p or the q) then\n  stop")).toMatchObject({
      branches: [{ condition: { kind: "not", operand: { kind: "or" } } }],
    });
    expect(one("if (the p + 1) * 2 >= 3 then\n  stop")).toMatchObject({
      branches: [
        { condition: { kind: "compare", op: "atLeast", left: { kind: "binary", op: "*" } } },
      ],
    });
  });
});

describe("statements", () => {
  it("supports one-line if, else if and otherwise", () => {
    const r = parse(
      'if the x is 1 then say "one"\nelse if the x is 2 then\n  say "two"\notherwise\n  say "many"\n',
    );
    expect(r.diagnostics).toEqual([]);
    const s = stripSpans(r.program.body[0]!);
    expect(s).toMatchObject({
      kind: "if",
      branches: [{ body: [{ kind: "say" }] }, { body: [{ kind: "say" }] }],
    });
    expect(s.kind === "if" && s.otherwise?.length).toBe(1);
  });

  it("parses loops, updates, ask, get and imagine", () => {
    expect(one("for each entry as follows\n  stop")).toMatchObject({
      item: { key: "entry" },
      list: n("entries"),
    });
    expect(one('process each row in the table sorted by "x" as follows\n  stop')).toMatchObject({
      list: { kind: "sort", list: n("table") },
    });
    expect(one("multiply the total by 2")).toMatchObject({
      kind: "update",
      op: "multiply",
      target: n("total"),
    });
    expect(one('ask "Approve?" as the decision\n  the choices are "yes", "no"')).toMatchObject({
      kind: "ask",
      as: n("decision"),
      choices: [{ parts: ["yes"] }, { parts: ["no"] }],
    });
    expect(one('ask "Pick" with choices "a", "b"')).toMatchObject({ choices: [{}, {}], as: null });
    expect(one("get the approver")).toMatchObject({
      kind: "get",
      mode: "get",
      value: n("approver"),
      as: null,
    });
    expect(one("imagine a record as the customer")).toMatchObject({
      shape: "record",
      target: n("customer"),
    });
    expect(one("imagine the customer as a record")).toMatchObject({
      shape: "record",
      target: n("customer"),
    });
    expect(one("read the csv as a table as the rows")).toMatchObject({
      source: n("csv"),
      as: n("rows"),
    });
  });

  it("calls procedures defined later, with where lines", () => {
    const r = parse(
      'send the bill to the client where\n  the note is "hi"\nto send the invoice to the customer\n  say "{the invoice} {the customer} {the note}"\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(stripSpans(r.program.body[0])).toEqual({
      kind: "call",
      procedure: "send _ to _",
      args: [
        { param: "invoice", value: n("bill") },
        { param: "customer", value: n("client") },
      ],
      where: [{ kind: "set", target: n("note"), value: { kind: "text", parts: ["hi"] } }],
    });
    expect(analyzeInputs(r.program)).toEqual(["bill", "client"]);
  });

  it("analyzes inputs through conditions, loops and asks", () => {
    const r = parse(
      'ask "Name?"\nsay the answer\nrepeat the n times\n  say the iteration\nif the flag then\n  the y is 1\nsay the y\n',
    );
    expect(analyzeInputs(r.program)).toEqual(["n", "flag"]);
  });
});

describe("regressions", () => {
  it("an aggregate's operand takes list operations; value operations apply to its result", () => {
    expect(one('say the sum of the rows\' "amount" rounded to 1 decimal')).toMatchObject({
      value: {
        kind: "round",
        operand: { kind: "aggregate", fn: "sum", of: { kind: "pluck", field: "amount" } },
        decimals: { kind: "number", value: "1" },
      },
    });
    expect(one('say the first of the open tickets sorted by "opened"')).toMatchObject({
      value: { kind: "aggregate", fn: "first", of: { kind: "sort", list: n("open tickets") } },
    });
    expect(one('say the count of the tickets whose status is "open" as text')).toMatchObject({
      value: { kind: "convert", to: "text", operand: { kind: "aggregate", of: { kind: "whose" } } },
    });
    expect(one('say the count of the text split by ","')).toMatchObject({
      value: { kind: "aggregate", of: { kind: "split" } },
    });
    expect(one("say the count of the csv as a table")).toMatchObject({
      value: { kind: "aggregate", of: { kind: "convert", to: "table" } },
    });
    expect(one('say the first of the names sorted in uppercase joined with ", "')).toMatchObject({
      value: {
        kind: "join",
        operand: { kind: "case", operand: { kind: "aggregate", of: { kind: "sort" } } },
      },
    });
    expect(one("say the sum of (the prices rounded) + 1 rounded")).toMatchObject({
      value: {
        kind: "round",
        operand: { kind: "binary", left: { kind: "aggregate", of: { kind: "round" } } },
      },
    });
    for (const op of [
      "rounded",
      "rounded to 2 decimals",
      "formatted with 2 decimals",
      "in uppercase",
      "in lowercase",
      "trimmed",
      'joined with ", "',
      'with "a" replaced by "b"',
      "as a number",
      "as text",
      "as a date",
    ]) {
      expect(
        (one(`say the first of the xs ${op}`) as { value: { kind: string } }).value.kind,
      ).not.toBe("aggregate");
    }
  });

  it("prints an aggregate's operand so that value operations stay where they were", () => {
    const print = (src: string) => printProgram(parse(src).program).trim();
    expect(print("say the sum of (the prices rounded)")).toBe(
      "say the sum of (the prices rounded)",
    );
    const once = print("say the sum of the prices rounded to 2 decimals");
    expect(stripSpans(parse(once).program)).toEqual(
      stripSpans(parse("say the sum of the prices rounded to 2 decimals").program),
    );
  });

  it("a header's parameter ends at an article or a preposition", () => {
    const src =
      'to send a reminder to a customer about an invoice\n  stop\nsend a reminder to "Ada" about "INV-7"\nsend the note to the client about the bill\n';
    const r = parse(src);
    expect(r.diagnostics).toEqual([]);
    const [def, call, call2] = r.program.body.map((s) => stripSpans(s));
    expect(def).toMatchObject({
      kind: "procedure",
      phrase: [
        { kind: "word", word: "send" },
        { kind: "param", name: { key: "reminder" } },
        { kind: "word", word: "to" },
        { kind: "param", name: { key: "customer" } },
        { kind: "word", word: "about" },
        { kind: "param", name: { key: "invoice" } },
      ],
    });
    expect(call).toEqual({
      kind: "call",
      procedure: "send _ to _ about _",
      args: [
        { param: "reminder", value: n("reminder", "a reminder") },
        { param: "customer", value: { kind: "text", parts: ["Ada"] } },
        { param: "invoice", value: { kind: "text", parts: ["INV-7"] } },
      ],
      where: [],
    });
    expect(call2).toMatchObject({
      args: [{ value: n("note") }, { value: n("client") }, { value: n("bill") }],
    });
    for (const word of [
      "for",
      "with",
      "from",
      "into",
      "on",
      "at",
      "via",
      "per",
      "after",
      "between",
    ]) {
      const p = parse(`to file a report ${word} a team\n  stop\nfile "R1" ${word} "ops"\n`);
      expect(p.diagnostics, word).toEqual([]);
      expect(stripSpans(p.program.body[1]!)).toMatchObject({ procedure: `file _ ${word} _` });
    }
    // An argument ends before the next fixed word; parentheses hold one that uses it.
    const sorted = parse(
      'to notify a list by email\n  stop\nnotify the list sorted by email\nnotify (the list sorted by "f") by email\n',
    );
    expect(sorted.diagnostics).toEqual([]);
    expect(stripSpans(sorted.program.body[1]!)).toMatchObject({
      args: [{ value: { kind: "sort", field: null } }],
    });
    expect(stripSpans(sorted.program.body[2]!)).toMatchObject({
      args: [{ value: { kind: "sort", field: "f" } }],
    });
    expect(printProgram(sorted.program)).toContain('notify (the list sorted by "f") by email');
    // Other words stay part of the name, as before.
    expect(one("to mark an invoice paid\n  stop")).toMatchObject({
      phrase: [{ word: "mark" }, { kind: "param", name: { key: "invoice paid" } }],
    });
  });

  it("`the first X` / `the last X` read the plural list as the input", () => {
    const inputs = (src: string) => analyzeInputs(parse(src).program);
    expect(inputs("say the first order's id\nsay the count of the orders")).toEqual(["orders"]);
    expect(inputs("say the last person\nsay the count of the people")).toEqual(["people"]);
    // Without the plural anywhere, `the last name` is an input of its own.
    expect(inputs("use the last name as the order name")).toEqual(["last name"]);
    expect(inputs("say the last person")).toEqual(["last person"]);
    expect(inputs("the first order is 1\nsay the first order")).toEqual([]);
    expect(inputs("the orders are 1, 2\nsay the first order")).toEqual([]);
    expect(inputs("say the first order\nsay the last order\nsay the orders")).toEqual(["orders"]);
  });
});
