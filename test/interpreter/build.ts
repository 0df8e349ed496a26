// Hand-built syntax trees for interpreter tests and benchmarks (independent of the parser).
import type {
  AggregateFn,
  ArithOp,
  CompareOp,
  Condition,
  Expr,
  NameRef,
  PhrasePart,
  Program,
  Span,
  Stmt,
  Target,
} from "../../src/language/ast.ts";
import { procedureSignature } from "../../src/language/ast.ts";

let line = 1;
/** Statements built after this get line numbers from `n`. */
export function atLine(n: number): void {
  line = n;
}
function sp(): Span {
  return { line, col: 1, endLine: line, endCol: 2 };
}
function stmtSp(): Span {
  const s = { line, col: 1, endLine: line, endCol: 2 };
  line++;
  return s;
}

export const name = (text: string): NameRef => ({
  kind: "name",
  key: text.trim().toLowerCase().replace(/\s+/g, " ").replace(/^the /, ""),
  text,
  span: sp(),
});
export const num = (v: string | number): Expr => ({ kind: "number", value: String(v), span: sp() });
export const txt = (...parts: Array<string | Expr>): Expr => ({ kind: "text", parts, span: sp() });
export const bool = (value: boolean): Expr => ({ kind: "bool", value, span: sp() });
export const nothing = (): Expr => ({ kind: "nothing", span: sp() });
export const above = (): Expr => ({ kind: "above", span: sp() });
export const field = (target: Expr, f: string): Expr => ({
  kind: "field",
  target,
  field: f,
  span: sp(),
});
export const pluck = (target: Expr, f: string): Expr => ({
  kind: "pluck",
  target,
  field: f,
  span: sp(),
});
export const bin = (op: ArithOp, left: Expr, right: Expr): Expr => ({
  kind: "binary",
  op,
  left,
  right,
  span: sp(),
});
export const agg = (fn: AggregateFn, of: Expr): Expr => ({ kind: "aggregate", fn, of, span: sp() });
export const whose = (list: Expr, where: Condition): Expr => ({
  kind: "whose",
  list,
  where,
  span: sp(),
});
export const itemField = (f: string): Expr => ({ kind: "itemField", field: f, span: sp() });
export const sorted = (list: Expr, f: string | null, descending = false): Expr => ({
  kind: "sort",
  list,
  field: f,
  descending,
  span: sp(),
});
export const list = (...items: Expr[]): Expr => ({ kind: "list", items, span: sp() });
export const asTable = (operand: Expr): Expr => ({
  kind: "convert",
  operand,
  to: "table",
  span: sp(),
});
export const days = (n: number): Expr => ({
  kind: "duration",
  amount: num(n),
  unit: "days",
  span: sp(),
});
export const rounded = (operand: Expr, d: number | null): Expr => ({
  kind: "round",
  operand,
  decimals: d === null ? null : num(d),
  span: sp(),
});
export const formatted = (operand: Expr, d: number): Expr => ({
  kind: "format",
  operand,
  decimals: num(d),
  span: sp(),
});
export const split = (operand: Expr, sep: string): Expr => ({
  kind: "split",
  operand,
  separator: txt(sep),
  span: sp(),
});
export const join = (operand: Expr, sep: string): Expr => ({
  kind: "join",
  operand,
  separator: txt(sep),
  span: sp(),
});
export const lower = (operand: Expr): Expr => ({ kind: "case", operand, to: "lower", span: sp() });
export const upper = (operand: Expr): Expr => ({ kind: "case", operand, to: "upper", span: sp() });

export const cmp = (op: CompareOp, left: Expr, right: Expr): Condition => ({
  kind: "compare",
  op,
  left,
  right,
  span: sp(),
});
export const test = (t: "empty" | "notEmpty" | "known" | "notKnown", subject: Expr): Condition => ({
  kind: "test",
  test: t,
  subject,
  span: sp(),
});

export const set = (target: Target, value: Expr): Stmt => ({
  kind: "set",
  target,
  value,
  span: stmtSp(),
});
export const setField = (target: Target, f: string, value: Expr): Stmt => ({
  kind: "set",
  target: { kind: "fieldTarget", target, field: f, span: sp() },
  value,
  span: stmtSp(),
});
export const say = (value: Expr): Stmt => ({ kind: "say", value, span: stmtSp() });
export const upd = (
  op: "add" | "subtract" | "multiply" | "divide",
  value: Expr,
  target: Target,
): Stmt => ({
  kind: "update",
  op,
  target,
  value,
  span: stmtSp(),
});
export const imagine = (target: NameRef, shape: "list" | "record" = "list"): Stmt => ({
  kind: "imagine",
  target,
  shape,
  span: stmtSp(),
});
export const get = (
  value: Expr,
  as: NameRef | null = null,
  mode: "get" | "find" = "get",
): Stmt => ({
  kind: "get",
  mode,
  value,
  as,
  span: stmtSp(),
});
export const ask = (
  question: Expr,
  choices: Expr[] | null = null,
  as: NameRef | null = null,
): Stmt => ({
  kind: "ask",
  question,
  choices,
  as,
  span: stmtSp(),
});
export const stop = (): Stmt => ({ kind: "stop", span: stmtSp() });
export const fail = (message: Expr): Stmt => ({ kind: "fail", message, span: stmtSp() });
export const readTable = (source: Expr, as: NameRef | null = null): Stmt => ({
  kind: "readTable",
  source,
  as,
  span: stmtSp(),
});
export const validate = (...conds: Condition[]): Stmt => {
  const span = stmtSp();
  return {
    kind: "validate",
    checks: conds.map((condition) => ({ condition, span: stmtSp() })),
    span,
  };
};

/** Block statements take a thunk so the header gets its line before the body. */
export function ifThen(cond: Condition, body: () => Stmt[], otherwise?: () => Stmt[]): Stmt {
  const span = stmtSp();
  const b = body();
  let rest: Stmt[] | null = null;
  if (otherwise) {
    line++;
    rest = otherwise();
  }
  return { kind: "if", branches: [{ condition: cond, body: b, span }], otherwise: rest, span };
}
export function repeat(times: Expr, body: () => Stmt[]): Stmt {
  const span = stmtSp();
  return { kind: "repeat", times, body: body(), span };
}
export function each(item: string, listExpr: Expr, body: () => Stmt[]): Stmt {
  const span = stmtSp();
  return { kind: "each", item: name(item), list: listExpr, body: body(), span };
}
export function procedure(words: Array<string | NameRef>, body: () => Stmt[]): Stmt {
  const span = stmtSp();
  const phrase: PhrasePart[] = words.map((w) =>
    typeof w === "string" ? { kind: "word", word: w } : { kind: "param", name: w },
  );
  return {
    kind: "procedure",
    verb: typeof words[0] === "string" ? words[0] : "",
    phrase,
    body: body(),
    span,
  };
}
export function call(words: Array<string | [string, Expr]>, where: Stmt[] = []): Stmt {
  const phrase: PhrasePart[] = words.map((w) =>
    typeof w === "string" ? { kind: "word", word: w } : { kind: "param", name: name(w[0]) },
  );
  return {
    kind: "call",
    procedure: procedureSignature(phrase),
    args: words.flatMap((w) =>
      typeof w === "string" ? [] : [{ param: w[0].replace(/^the /, ""), value: w[1] }],
    ),
    where: where as never,
    span: stmtSp(),
  };
}

export function program(body: () => Stmt[]): Program {
  line = 1;
  return { kind: "program", body: body() };
}
