import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Expr, Stmt } from "../../src/language/ast.ts";
import { analyzeInputs, parse, printProgram, stripSpans } from "../../src/language/index.ts";
import { examplesDir as dir } from "../helpers/examples.ts";

const names = readdirSync(dir)
  .filter((f) => f.endsWith(".plain"))
  .map((f) => f.replace(/\.plain$/, ""));

function load(name: string) {
  return parse(readFileSync(`${dir}/${name}.plain`, "utf8"));
}

function stmt(name: string, index: number): Stmt {
  return stripSpans(load(name).program.body[index]!);
}

const n = (key: string) => ({ kind: "name", key, text: `the ${key}` });

describe("the shared examples", () => {
  it.each(names)("%s parses with no diagnostics and prints back to the same tree", (name) => {
    const { program, diagnostics } = load(name);
    expect(diagnostics).toEqual([]);
    expect(program.body.length).toBeGreaterThan(0);
    const again = parse(printProgram(program));
    expect(again.diagnostics).toEqual([]);
    expect(stripSpans(again.program)).toEqual(stripSpans(program));
  });

  it.each([
    ["greeting", ["customer name"]],
    ["invoice-total", ["invoice csv"]],
    ["email-intake", ["attachments", "email"]],
    ["order-review", ["orders"]],
    ["tickets", ["tickets"]],
    ["squares", []],
    ["refund", ["amount"]],
    ["approver", ["approver"]],
    ["due-date", []],
    ["order-check", ["quantity", "email address"]],
    ["slug", ["sentence"]],
    ["split-bill", ["people"]],
  ])("inputs of %s", (name, inputs) => {
    expect(analyzeInputs(load(name).program)).toEqual(inputs);
  });

  it("greeting interpolates a name inside quotes", () => {
    expect(stmt("greeting", 0)).toEqual({
      kind: "set",
      target: n("greeting"),
      value: { kind: "text", parts: ["Hello, ", n("customer name"), "!"] },
    });
  });

  it("invoice-total rounds the whole product and multiplies quoted fields", () => {
    expect(stmt("invoice-total", 3)).toEqual({
      kind: "set",
      target: n("tax"),
      value: {
        kind: "round",
        operand: {
          kind: "binary",
          op: "*",
          left: n("subtotal"),
          right: { kind: "number", value: "0.08" },
        },
        decimals: { kind: "number", value: "2" },
      },
    });
    const each = stmt("invoice-total", 2);
    expect(each.kind === "each" && each.list).toEqual(n("lines"));
    expect(each.kind === "each" && each.body[0]).toEqual({
      kind: "set",
      target: n("line total"),
      value: {
        kind: "binary",
        op: "*",
        left: { kind: "field", target: n("line"), field: "quantity" },
        right: { kind: "field", target: n("line"), field: "unit price" },
      },
    });
    const iff = stmt("invoice-total", 5);
    expect(iff.kind === "if" && iff.otherwise?.length).toBe(1);
    expect(iff.kind === "if" && iff.branches[0]!.condition).toEqual({
      kind: "compare",
      op: "greater",
      left: n("total"),
      right: { kind: "number", value: "1000" },
    });
  });

  it("tickets: filters, plucks, and sorts before taking the first", () => {
    expect(stmt("tickets", 0)).toEqual({
      kind: "set",
      target: n("open tickets"),
      value: {
        kind: "whose",
        list: n("tickets"),
        where: {
          kind: "compare",
          op: "is",
          left: { kind: "itemField", field: "status" },
          right: { kind: "text", parts: ["open"] },
        },
      },
    });
    const hours = stmt("tickets", 2);
    expect(hours.kind === "set" && hours.value).toEqual({
      kind: "aggregate",
      fn: "sum",
      of: { kind: "pluck", target: n("open tickets"), field: "hours" },
    });
    const oldest = stmt("tickets", 3);
    expect(oldest.kind === "set" && oldest.value).toEqual({
      kind: "aggregate",
      fn: "first",
      of: { kind: "sort", list: n("open tickets"), field: "opened", descending: false },
    });
  });

  it("slug: postfix operations apply in order to everything before them", () => {
    const slug = stmt("slug", 3);
    expect(slug.kind === "set" && slug.value).toEqual({
      kind: "case",
      to: "lower",
      operand: { kind: "join", operand: n("words"), separator: { kind: "text", parts: ["-"] } },
    });
  });

  it("order-review: a procedure with a parameter, called inside a loop", () => {
    const proc = stmt("order-review", 0);
    expect(proc.kind).toBe("procedure");
    expect(proc.kind === "procedure" && proc.phrase).toEqual([
      { kind: "word", word: "classify" },
      { kind: "param", name: { kind: "name", key: "order", text: "an order" } },
    ]);
    const each = stmt("order-review", 3);
    expect(each.kind === "each" && each.body[0]).toEqual({
      kind: "call",
      procedure: "classify _",
      args: [{ param: "order", value: n("order") }],
      where: [],
    });
  });

  it("due-date and squares: durations, repeat and aggregates", () => {
    const add = stmt("due-date", 1);
    expect(add).toEqual({
      kind: "update",
      op: "add",
      target: n("due date"),
      value: { kind: "duration", amount: { kind: "number", value: "3" }, unit: "days" },
    });
    const rep = stmt("squares", 1);
    expect(rep.kind === "repeat" && rep.times).toEqual({ kind: "number", value: "5" });
    const last = stmt("squares", 4);
    expect(last.kind === "set" && (last.value as Expr)).toEqual({
      kind: "aggregate",
      fn: "last",
      of: n("squares"),
    });
  });

  it("email-intake walks the attachments and reads each as a table", () => {
    const each = stmt("email-intake", 1);
    expect(each.kind === "each" && each.list).toEqual(n("attachments"));
    const inner = each.kind === "each" ? each.body[0] : undefined;
    expect(inner?.kind === "if" && inner.branches[0]!.body[0]).toEqual({
      kind: "readTable",
      source: n("attachment"),
      as: null,
    });
  });
});
