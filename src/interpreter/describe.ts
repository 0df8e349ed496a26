// Syntax tree back to short English: the text of a failed `ensure`, a question about
// a value, and the statement label in the timeline.
import type { Condition, Expr, Stmt, Target } from "../language/ast.ts";
import { COMPARE_WORDS, dateRefText, TEST_WORDS } from "../language/index.ts";

function quote(s: string): string {
  return `"${s}"`;
}

/** A name as `the …`, however it was written (`a visitor` in a call is `the visitor`). */
function nameText(text: string, key: string): string {
  const t = text.trim() || key;
  if (/^the\s/i.test(t)) return t;
  return `the ${t.replace(/^an?\s+/i, "")}`;
}

export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case "number":
      return e.value;
    case "text":
      return quote(
        e.parts.map((p) => (typeof p === "string" ? p : `{${describeExpr(p)}}`)).join(""),
      );
    case "bool":
      return e.value ? "true" : "false";
    case "nothing":
      return "nothing";
    case "now":
      return e.which === "date" ? "today" : "now";
    case "dateRef":
      return dateRefText(e);
    case "duration":
      return `${describeExpr(e.amount)} ${e.unit}`;
    case "above":
      return "the above";
    case "name":
      return nameText(e.text, e.key);
    case "field":
      return `${describeExpr(e.target)}'s ${fieldText(e.field)}`;
    case "pluck":
      return `${describeExpr(e.target)}' ${fieldText(e.field)}`;
    case "binary":
      return `${describeExpr(e.left)} ${e.op} ${describeExpr(e.right)}`;
    case "negate":
      return `-${describeExpr(e.operand)}`;
    case "aggregate":
      return `the ${e.fn} of ${describeExpr(e.of)}`;
    case "whose":
      return `${describeExpr(e.list)} whose ${describeCondition(e.where)}`;
    case "itemField":
      return fieldText(e.field);
    case "sort":
      return `${describeExpr(e.list)} sorted${e.field === null ? "" : ` by ${quote(e.field)}`}${e.descending ? " descending" : ""}`;
    case "case":
      return `${describeExpr(e.operand)} in ${e.to}case`;
    case "trim":
      return `${describeExpr(e.operand)} trimmed`;
    case "split":
      return `${describeExpr(e.operand)} split by ${describeExpr(e.separator)}`;
    case "join":
      return `${describeExpr(e.operand)} joined with ${describeExpr(e.separator)}`;
    case "replace":
      return `${describeExpr(e.operand)} with ${describeExpr(e.from)} replaced by ${describeExpr(e.to)}`;
    case "round": {
      const base = `${describeExpr(e.operand)} rounded${e.mode ? ` ${e.mode}` : ""}`;
      if (e.step) return `${base} to the nearest ${describeExpr(e.step)}`;
      return e.decimals ? `${base} to ${describeExpr(e.decimals)} decimals` : base;
    }
    case "format":
      return `${describeExpr(e.operand)} formatted with ${describeExpr(e.decimals)} decimals`;
    case "convert":
      return `${describeExpr(e.operand)} as ${e.to === "text" ? "text" : `a ${e.to}`}`;
    case "list":
      return listText(e.items.map(describeExpr), "and");
  }
}

function fieldText(f: string): string {
  return /^[A-Za-z][A-Za-z ]*$/.test(f) ? f : quote(f);
}

function listText(items: string[], conj: string): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conj} ${items[items.length - 1]}`;
}

export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case "compare":
      return `${describeExpr(c.left)} ${COMPARE_WORDS[c.op]} ${describeExpr(c.right)}`;
    case "test":
      return `${describeExpr(c.subject)} ${TEST_WORDS[c.test]}`;
    case "oneOf":
      return `${describeExpr(c.subject)} ${c.negated ? "is not one of" : "is one of"} ${listText(c.options.map(describeExpr), "or")}`;
    case "and":
      return `${describeCondition(c.left)} and ${describeCondition(c.right)}`;
    case "or":
      return `${describeCondition(c.left)} or ${describeCondition(c.right)}`;
    case "not":
      return `not (${describeCondition(c.operand)})`;
    case "truthy":
      return describeExpr(c.subject);
  }
}

export function describeTarget(t: Target): string {
  return t.kind === "name"
    ? nameText(t.text, t.key)
    : `${describeTarget(t.target)}'s ${fieldText(t.field)}`;
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A one-line label for a statement (the timeline's `statement`). */
export function describeStmt(s: Stmt): string {
  switch (s.kind) {
    case "set":
      return short(`${describeTarget(s.target)} is ${describeExpr(s.value)}`);
    case "use":
      return short(`use ${describeExpr(s.value)} as ${describeExpr(s.as)}`);
    case "say":
      return short(`say ${describeExpr(s.value)}`);
    case "if":
      return short(`if ${describeCondition(s.branches[0]!.condition)}`);
    case "each":
      return short(`process each ${s.item.key}`);
    case "repeat":
      return short(`repeat ${describeExpr(s.times)} times`);
    case "update": {
      const v = describeExpr(s.value);
      const t = describeTarget(s.target);
      if (s.op === "add") return short(`add ${v} to ${t}`);
      if (s.op === "subtract") return short(`subtract ${v} from ${t}`);
      return short(`${s.op} ${t} by ${v}`);
    }
    case "imagine":
      return short(`imagine ${describeExpr(s.target)}`);
    case "insert":
      if (s.at === null)
        return short(`append ${describeExpr(s.value)} to ${describeTarget(s.target)}`);
      return short(
        `insert ${describeExpr(s.value)} at position ${describeExpr(s.at!)} in ${describeTarget(s.target)}`,
      );
    case "clear":
      return short(`clear ${describeTarget(s.target)}`);
    case "get":
      return short(`${s.mode} ${describeExpr(s.value)}${s.as ? ` as ${describeExpr(s.as)}` : ""}`);
    case "ask":
      return short(`ask ${describeExpr(s.question)}`);
    case "validate":
      return "validate the following";
    case "procedure":
      return short(
        `to ${s.phrase.map((p) => (p.kind === "word" ? p.word : p.name.text)).join(" ")}`,
      );
    case "call":
      return short(s.procedure.replace(/ _/g, " …"));
    case "readTable":
      return short(`read ${describeExpr(s.source)} as a table`);
    case "sendEmail":
      return short(`send an email to ${describeExpr(s.to)}`);
    case "dateOrder":
      return `dates are written ${s.order} first`;
    case "stop":
      return "stop";
    case "fail":
      return short(`fail with ${describeExpr(s.message)}`);
  }
}
