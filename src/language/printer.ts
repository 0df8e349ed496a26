// Canonical source text for a syntax tree: parse(printProgram(t)) gives t back (spans
// aside). Parentheses are added wherever a reader could attach words differently.
import type {
  CompareOp,
  Condition,
  Expr,
  NameRef,
  Program,
  Stmt,
  Target,
  TestCond,
} from "./ast.ts";
import { lexLine } from "./lexer.ts";
import { normalizeName, pluralOf } from "./names.ts";
import { STOP_WORDS } from "./words.ts";

const INDENT = "  ";

/**
 * Where an expression is printed:
 * - top: nothing follows that could attach to it;
 * - item: a list item, argument or condition operand (`,`, `and`, `or` may follow);
 * - arith: a postfix argument or `whose` right side (more postfix words may follow);
 * - agg: an aggregate's operand (a primary and its list-making postfix words);
 * - possessive: before `'s` / `'`;
 * - negate: after a unary minus.
 */
type Ctx = "top" | "item" | "arith" | "agg" | "possessive" | "negate";

const POSTFIX = new Set([
  "case",
  "trim",
  "split",
  "join",
  "replace",
  "round",
  "format",
  "convert",
  "sort",
  "whose",
]);
/** Postfix operations that an aggregate's operand does not take (they apply to its result). */
function isValueOperation(e: Expr): boolean {
  if (e.kind === "convert") return e.to !== "table";
  return (
    e.kind === "case" ||
    e.kind === "trim" ||
    e.kind === "join" ||
    e.kind === "replace" ||
    e.kind === "round" ||
    e.kind === "format"
  );
}
const PRIMARY = new Set([
  "name",
  "field",
  "pluck",
  "text",
  "bool",
  "nothing",
  "now",
  "dateRef",
  "above",
]);
const AGGREGATE_WORDS: Record<string, string> = {
  sum: "sum",
  average: "average",
  count: "count",
  maximum: "maximum",
  minimum: "minimum",
  first: "first",
  last: "last",
};

function endsWithAggregate(e: Expr): boolean {
  if (e.kind === "aggregate") return true;
  if (e.kind === "binary") return endsWithAggregate(e.right);
  if (e.kind === "negate") return endsWithAggregate(e.operand);
  return false;
}

function escapeText(s: string): string {
  return s.replace(/[\\"\u201c\u201d{}]/g, (ch) =>
    ch === "{" ? "{{" : ch === "}" ? "}}" : `\\${ch}`,
  );
}

function quote(s: string): string {
  return `"${escapeText(s)}"`;
}

const BARE_WORD = /^[a-z_][a-z0-9_]*$/;

/** A field name, bare when it reads back the same, quoted otherwise. */
export function printField(field: string): string {
  const words = field.split(" ");
  const bare = words.every((w) => BARE_WORD.test(w) && !STOP_WORDS.has(w));
  return bare && field.length > 0 ? field : quote(field);
}

export function printName(n: NameRef): string {
  const text = n.text.trim();
  const m = /^(the|a|an)\s+(.*)$/i.exec(text);
  if (m && normalizeName(m[2]!) === n.key) return text;
  return `the ${n.key}`;
}

function paren(s: string): string {
  return `(${s})`;
}

/** `-3's x` would read as the field of the number -3. */
function startsWithNumber(e: Expr): boolean {
  if (e.kind === "number") return true;
  if (e.kind === "field" || e.kind === "pluck") return startsWithNumber(e.target);
  return false;
}

function needsParens(e: Expr, ctx: Ctx): boolean {
  switch (ctx) {
    case "top":
      return false;
    case "item":
      return e.kind === "whose";
    case "arith":
      return POSTFIX.has(e.kind) || endsWithAggregate(e);
    case "agg":
      return (
        e.kind === "binary" ||
        e.kind === "negate" ||
        e.kind === "whose" ||
        isValueOperation(e) ||
        (e.kind === "number" && e.value.startsWith("-"))
      );
    case "possessive":
      return !PRIMARY.has(e.kind) && !(e.kind === "number" && !e.value.startsWith("-"));
    case "negate":
      return (!PRIMARY.has(e.kind) && e.kind !== "aggregate") || startsWithNumber(e);
  }
}

export function printExpr(e: Expr, ctx: Ctx = "top"): string {
  if (needsParens(e, ctx)) return paren(printExpr(e, "top"));
  // In an aggregate's operand, postfix operations chain on their own operands.
  const inner: Ctx = ctx === "agg" ? "agg" : "top";
  switch (e.kind) {
    case "number":
      return e.value;
    case "text":
      return `"${e.parts.map((p) => (typeof p === "string" ? escapeText(p) : `{${printExpr(p)}}`)).join("")}"`;
    case "bool":
      return e.value ? "true" : "false";
    case "nothing":
      return "nothing";
    case "now":
      return e.which === "date" ? "today" : "now";
    case "dateRef":
      return dateRefText(e);
    case "duration":
      return e.amount.kind === "number"
        ? `${e.amount.value} ${e.unit}`
        : `${paren(printExpr(e.amount))} ${e.unit}`;
    case "above":
      return "the above";
    case "name":
      return printName(e);
    case "field":
      return `${printExpr(e.target, "possessive")}'s ${printField(e.field)}`;
    case "pluck":
      return `${printExpr(e.target, "possessive")}' ${printField(e.field)}`;
    case "itemField":
      return quote(e.field);
    case "binary": {
      const prec = e.op === "+" || e.op === "-" ? 10 : 20;
      return `${printOperand(e.left, prec, false)} ${e.op} ${printOperand(e.right, prec, true)}`;
    }
    case "negate":
      return `-${printExpr(e.operand, "negate")}`;
    case "aggregate":
      return `the ${AGGREGATE_WORDS[e.fn]} of ${printExpr(e.of, "agg")}`;
    case "list":
      return paren(e.items.map((i) => printExpr(i, "item")).join(", "));
    case "whose":
      return `${postfixOperand(e.list, inner)} whose ${printCondition(e.where, true)}`;
    case "sort": {
      const by = e.field === null ? "" : ` by ${quote(e.field)}`;
      return `${postfixOperand(e.list, inner)} sorted${by}${e.descending ? " descending" : ""}`;
    }
    case "case":
      return `${postfixOperand(e.operand, inner)} in ${e.to === "upper" ? "uppercase" : "lowercase"}`;
    case "trim":
      return `${postfixOperand(e.operand, inner)} trimmed`;
    case "split":
      return `${postfixOperand(e.operand, inner)} split by ${printExpr(e.separator, "arith")}`;
    case "join":
      return `${postfixOperand(e.operand, inner)} joined with ${printExpr(e.separator, "arith")}`;
    case "replace":
      return `${postfixOperand(e.operand, inner)} with ${printExpr(e.from, "arith")} replaced by ${printExpr(e.to, "arith")}`;
    case "round": {
      const base = `${postfixOperand(e.operand, inner)} rounded${e.mode ? ` ${e.mode}` : ""}`;
      if (e.step) {
        const step =
          e.step.kind === "number" ? e.step.value : `multiple of ${printExpr(e.step, "arith")}`;
        return `${base} to the nearest ${step}`;
      }
      return e.decimals === null ? base : `${base} to ${printExpr(e.decimals, "arith")} decimals`;
    }
    case "format":
      return `${postfixOperand(e.operand, inner)} formatted with ${printExpr(e.decimals, "arith")} decimals`;
    case "convert": {
      const to = {
        table: "a table",
        number: "a number",
        text: "text",
        date: "a date",
        datetime: "a datetime",
      }[e.to];
      return `${postfixOperand(e.operand, inner)} as ${to}`;
    }
  }
}

function postfixOperand(e: Expr, ctx: Ctx): string {
  if (endsWithAggregate(e) || e.kind === "list") return paren(printExpr(e, "top"));
  return printExpr(e, ctx);
}

/** Does `e` end with an arithmetic argument that a following operator would extend? */
function endsOpen(e: Expr): boolean {
  switch (e.kind) {
    case "split":
    case "join":
    case "replace":
    case "whose":
      return true;
    case "aggregate":
      return endsOpen(e.of);
    case "binary":
      return endsOpen(e.right);
    case "negate":
      return endsOpen(e.operand);
    default:
      return false;
  }
}

function printOperand(e: Expr, prec: number, right: boolean): string {
  if (!right && endsOpen(e)) return paren(printExpr(e));
  if (e.kind === "binary") {
    const p = e.op === "+" || e.op === "-" ? 10 : 20;
    return p < prec || (right && p === prec) ? paren(printExpr(e)) : printExpr(e);
  }
  if (POSTFIX.has(e.kind)) return paren(printExpr(e));
  return printExpr(e, "item");
}

/** `next monday`, `the end of the month`. */
export function dateRefText(e: Extract<Expr, { kind: "dateRef" }>): string {
  if (e.ref !== "start" && e.ref !== "end") return `${e.ref} ${e.unit}`;
  const which = e.shift === 1 ? "next" : e.shift === -1 ? "last" : "the";
  return `the ${e.ref} of ${which} ${e.unit}`;
}

/** How each comparison reads in English (also used by run-time messages). */
export const COMPARE_WORDS: Record<CompareOp, string> = {
  is: "is",
  isNot: "is not",
  greater: "is greater than",
  less: "is less than",
  atLeast: "is at least",
  atMost: "is at most",
  contains: "contains",
  notContains: "does not contain",
  startsWith: "starts with",
  endsWith: "ends with",
  before: "is before",
  after: "is after",
};

/** How each test reads in English (also used by run-time messages). */
export const TEST_WORDS: Record<TestCond["test"], string> = {
  empty: "is empty",
  notEmpty: "is not empty",
  known: "is known",
  notKnown: "is not known",
  missing: "is missing",
  notMissing: "is not missing",
};

function endsWithOneOf(c: Condition): boolean {
  if (c.kind === "oneOf") return true;
  if (c.kind === "and" || c.kind === "or") return endsWithOneOf(c.right);
  if (c.kind === "not") return endsWithOneOf(c.operand);
  return false;
}

export function printCondition(c: Condition, whose = false): string {
  const value = whose ? "arith" : "item";
  switch (c.kind) {
    case "compare":
      return `${printExpr(c.left, "item")} ${COMPARE_WORDS[c.op]} ${printExpr(c.right, value)}`;
    case "test":
      return `${printExpr(c.subject, "item")} ${TEST_WORDS[c.test]}`;
    case "oneOf": {
      const opts = c.options.map((o) => printExpr(o, value));
      const last = opts.pop()!;
      const list = opts.length > 0 ? `${opts.join(", ")} or ${last}` : last;
      return `${printExpr(c.subject, "item")} is ${c.negated ? "not " : ""}one of ${list}`;
    }
    case "truthy":
      return printExpr(c.subject, "item");
    case "not": {
      const o = c.operand;
      const s = printCondition(o, whose);
      return `not ${o.kind === "and" || o.kind === "or" ? paren(s) : s}`;
    }
    case "and": {
      const l = printCondition(c.left, whose);
      const r = printCondition(c.right, whose);
      return `${c.left.kind === "or" ? paren(l) : l} and ${c.right.kind === "or" || c.right.kind === "and" ? paren(r) : r}`;
    }
    case "or": {
      // `is one of A or B` would take a following `or` as one more option.
      const l = endsWithOneOf(c.left)
        ? paren(printCondition(c.left, whose))
        : printCondition(c.left, whose);
      const r = printCondition(c.right, whose);
      // A quoted or numeric word alone after `or` is one more option of an `is` before it.
      const lone = c.right.kind === "truthy" && /^["\d]/.test(r);
      return `${l} or ${c.right.kind === "or" || lone ? paren(r) : r}`;
    }
  }
}

function printTarget(t: Target): string {
  return t.kind === "name" ? printName(t) : `${printTarget(t.target)}'s ${printField(t.field)}`;
}

function printList(items: Expr[]): string {
  const parts = items.map((i) => printExpr(i, i.kind === "list" ? "top" : "item"));
  const last = parts.pop()!;
  return parts.length > 0 ? `${parts.join(", ")} and ${last}` : last;
}

function printBlock(body: Stmt[], depth: number, out: string[]): void {
  for (const s of body) printStmt(s, depth, out);
}

function printStmt(s: Stmt, depth: number, out: string[]): void {
  const pad = INDENT.repeat(depth);
  const line = (text: string) => out.push(pad + text);
  switch (s.kind) {
    case "set": {
      const list = s.value.kind === "list" && s.value.items.length > 1;
      const value = list && s.value.kind === "list" ? printList(s.value.items) : printExpr(s.value);
      line(`${printTarget(s.target)} ${list ? "are" : "is"} ${value}`);
      return;
    }
    case "use":
      line(`use ${printExpr(s.value)} as ${printName(s.as)}`);
      return;
    case "say":
      line(`say ${printExpr(s.value)}`);
      return;
    case "if":
      s.branches.forEach((b, i) => {
        line(`${i === 0 ? "if" : "else if"} ${printCondition(b.condition)} then`);
        printBlock(b.body, depth + 1, out);
      });
      if (s.otherwise) {
        line("else");
        printBlock(s.otherwise, depth + 1, out);
      }
      return;
    case "each": {
      const plural = pluralOf(s.item.key);
      const short =
        s.list.kind === "name" && s.list.key === plural && s.list.text === `the ${plural}`;
      const item = s.item.text || s.item.key;
      line(
        short
          ? `process each ${item} as follows`
          : `process each ${item} in ${printExpr(s.list)} as follows`,
      );
      printBlock(s.body, depth + 1, out);
      return;
    }
    case "repeat":
      line(`repeat ${printExpr(s.times)} times`);
      printBlock(s.body, depth + 1, out);
      return;
    case "update": {
      const t = printTarget(s.target);
      const v = printExpr(s.value);
      if (s.op === "add") line(`add ${v} to ${t}`);
      else if (s.op === "subtract") line(`subtract ${v} from ${t}`);
      else line(`${s.op} ${t} by ${v}`);
      return;
    }
    case "insert": {
      const v = printExpr(s.value);
      if (s.at === null) {
        line(`append ${holdsWord(v, "to") ? paren(v) : v} to ${printTarget(s.target)}`);
        return;
      }
      const at = printExpr(s.at, "arith");
      line(
        `insert ${holdsWord(v, "at") ? paren(v) : v} at position ${holdsWord(at, "in") ? paren(at) : at} in ${printTarget(s.target)}`,
      );
      return;
    }
    case "clear":
      line(`clear ${printTarget(s.target)}`);
      return;
    case "imagine":
      line(
        s.shape === "list"
          ? `imagine ${printName(s.target)}`
          : `imagine a record as ${printName(s.target)}`,
      );
      return;
    case "get":
      line(`${s.mode} ${printExpr(s.value)}${s.as ? ` as ${printName(s.as)}` : ""}`);
      return;
    case "sendEmail":
      line(`send an email to ${printExpr(s.to)}`);
      if (s.subject) out.push(`${pad}${INDENT}the subject is ${printExpr(s.subject)}`);
      if (s.message) out.push(`${pad}${INDENT}the message is ${printExpr(s.message)}`);
      if (s.attachments) out.push(`${pad}${INDENT}the attachments are ${printExpr(s.attachments)}`);
      if (s.cc) out.push(`${pad}${INDENT}the cc is ${printExpr(s.cc)}`);
      return;
    case "ask":
      line(`ask ${printExpr(s.question)}${s.as ? ` as ${printName(s.as)}` : ""}`);
      if (s.choices) out.push(`${pad}${INDENT}the choices are ${printList(s.choices)}`);
      return;
    case "validate":
      line("validate the following");
      for (const check of s.checks)
        out.push(`${pad}${INDENT}ensure ${printCondition(check.condition)}`);
      return;
    case "procedure":
      line(`to ${s.phrase.map((p) => (p.kind === "word" ? p.word : printName(p.name))).join(" ")}`);
      printBlock(s.body, depth + 1, out);
      return;
    case "call": {
      const args = [...s.args];
      const parts = s.procedure.split(" ");
      const words = parts.map((w, i) => {
        if (w !== "_") return w;
        const arg = args.shift();
        if (!arg) return "the ?";
        const text = printExpr(arg.value, "item");
        // An argument ends before the phrase's next fixed word: parenthesize one that
        // holds that word (inside parentheses it does not end anything).
        const next = parts[i + 1];
        return next !== undefined && next !== "_" && holdsWord(text, next) ? paren(text) : text;
      });
      line(`${words.join(" ")}${s.where.length > 0 ? " where" : ""}`);
      printBlock(s.where, depth + 1, out);
      return;
    }
    case "readTable":
      line(
        `read ${postfixOperand(s.source, "top")} as a table${s.as ? ` as ${printName(s.as)}` : ""}`,
      );
      return;
    case "dateOrder":
      line(`dates are written ${s.order} first`);
      return;
    case "stop":
      line("stop");
      return;
    case "fail":
      line(`fail with ${printExpr(s.message)}`);
      return;
  }
}

/** Does `text` hold `word` as a bare word (outside quotes and parentheses)? */
function holdsWord(text: string, word: string): boolean {
  let depth = 0;
  for (const t of lexLine(text, 1).tokens) {
    if (t.kind === "punct" && t.text === "(") depth++;
    else if (t.kind === "punct" && t.text === ")") depth--;
    else if (depth === 0 && t.kind === "word" && t.lower === word) return true;
  }
  return false;
}

/** Canonical source text of a program (two-space indentation, one statement a line). */
export function printProgram(program: Program): string {
  const out: string[] = [];
  printBlock(program.body, 0, out);
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}
