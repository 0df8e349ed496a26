import { describe, expect, it } from "vitest";
import type { Stmt } from "../../src/language/ast.ts";
import {
  analyzeInputs,
  normalizeName,
  parse,
  pluralOf,
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
      'send the bill to the client where\n  the note is "hi"\nto send the invoice to the customer\n  say the note\n',
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
