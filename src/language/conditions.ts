// Conditions: comparisons, tests and `one of`, combined with `not`, `and`, `or` and
// parentheses. In `whose` mode the left side of each comparison is a field of the item.
import type { CompareOp, Condition, Expr, ItemFieldExpr } from "./ast.ts";
import { type Cursor, LimitError, ParseError, spanOf } from "./cursor.ts";
import { parseArith, parseExpr, readNameWords } from "./expressions.ts";
import type { Token } from "./lexer.ts";
import { ARTICLES, STOP_WORDS, UNITS } from "./words.ts";

export function parseCondition(c: Cursor, whose: boolean): Condition {
  let left = parseAnd(c, whose);
  while (c.isWord("or") && continues(c, whose)) {
    c.advance(1);
    c.grow();
    const right = parseAnd(c, whose);
    left = { kind: "or", left, right, span: spanOf(left.span, right.span) };
  }
  return left;
}

function parseAnd(c: Cursor, whose: boolean): Condition {
  let left = parseNot(c, whose);
  while (c.isWord("and") && continues(c, whose)) {
    c.advance(1);
    c.grow();
    const right = parseNot(c, whose);
    left = { kind: "and", left, right, span: spanOf(left.span, right.span) };
  }
  return left;
}

function isFieldStart(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === "text") return true;
  return t.kind === "word" && (t.lower === "not" || !STOP_WORDS.has(t.lower));
}

/** Inside `whose`, `and`/`or` continue the filter only when a field (not `the …`) follows. */
function continues(c: Cursor, whose: boolean): boolean {
  if (!whose) return true;
  const n = c.peek(1);
  if (isFieldStart(n)) return true;
  return n?.kind === "punct" && n.text === "(" && (isFieldStart(c.peek(2)) || c.isPunct("(", 2));
}

function parseNot(c: Cursor, whose: boolean): Condition {
  const t = c.peek();
  if (t?.kind === "word" && t.lower === "not") {
    c.advance(1);
    c.enter(t);
    const operand = parseNot(c, whose);
    c.leave();
    return { kind: "not", operand, span: spanOf(t, operand.span) };
  }
  if (t?.kind === "punct" && t.text === "(") {
    const mark = c.mark();
    try {
      c.advance(1);
      c.enter(t);
      const inner = parseCondition(c, whose);
      c.expectPunct(")");
      c.leave();
      // Inside `whose`, parentheses always hold a condition (a field cannot start with one).
      if (whose || !continuesExpression(c.peek())) return inner;
    } catch (err) {
      if (err instanceof LimitError || !(err instanceof ParseError)) throw err;
    }
    c.reset(mark);
  }
  return parseComparison(c, whose);
}

const EXPRESSION_WORDS = new Set([
  "is",
  "are",
  "equals",
  "contains",
  "contain",
  "does",
  "do",
  "starts",
  "ends",
  "plus",
  "minus",
  "times",
  "multiplied",
  "divided",
  "in",
  "trimmed",
  "split",
  "joined",
  "with",
  "rounded",
  "formatted",
  "as",
  "sorted",
  "whose",
]);
const EXPRESSION_PUNCT = new Set(["+", "-", "*", "/", "'s", "'", "=", "!=", ">", "<", ">=", "<="]);

/** After `( … )`: does the text go on as an expression (so the parentheses were a value)? */
function continuesExpression(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === "punct") return EXPRESSION_PUNCT.has(t.text);
  return t.kind === "word" && (EXPRESSION_WORDS.has(t.lower) || UNITS[t.lower] !== undefined);
}

function parseItemField(c: Cursor): ItemFieldExpr {
  const t = c.peek();
  if (t?.kind === "text") {
    const parts = t.parts ?? [];
    if (parts.some((p) => typeof p !== "string")) {
      c.fail(`A field name cannot contain '{…}': ${t.text}`, t);
    }
    c.advance(1);
    return { kind: "itemField", field: parts.join(""), span: spanOf(t, t) };
  }
  if (t?.kind === "word" && !ARTICLES.has(t.lower)) {
    const words = readNameWords(c);
    const last = words[words.length - 1];
    if (last) {
      return {
        kind: "itemField",
        field: words.map((w) => w.lower).join(" "),
        span: spanOf(words[0]!, last),
      };
    }
  }
  return c.unexpected(`a field name after 'whose' (such as "status")`);
}

function parseRight(c: Cursor, whose: boolean): Expr {
  return whose ? parseArith(c, 0) : parseExpr(c);
}

/** `greater than`, `less than or equal to`, `at least`, `before`… after `is` (and `not`). */
function orderedOp(c: Cursor): CompareOp | null {
  const w = c.peek()?.kind === "word" ? c.peek()!.lower : "";
  const orEqual = (offset: number) =>
    c.isWord("or", offset) && c.isWord("equal", offset + 1) && c.isWord("to", offset + 2);
  if ((w === "greater" || w === "more" || w === "later") && c.isWord("than", 1)) {
    if (orEqual(2)) {
      c.advance(5);
      return "atLeast";
    }
    c.advance(2);
    return w === "later" ? "after" : "greater";
  }
  if ((w === "less" || w === "fewer" || w === "earlier") && c.isWord("than", 1)) {
    if (orEqual(2)) {
      c.advance(5);
      return "atMost";
    }
    c.advance(2);
    return w === "earlier" ? "before" : "less";
  }
  if (w === "at" && (c.isWord("least", 1) || c.isWord("most", 1))) {
    const op = c.isWord("least", 1) ? "atLeast" : "atMost";
    c.advance(2);
    return op;
  }
  if (w === "before" || w === "after") {
    c.advance(1);
    return w;
  }
  return null;
}

function parseOptions(c: Cursor, whose: boolean): Expr[] {
  const options = [parseRight(c, whose)];
  for (;;) {
    if (c.acceptPunct(",")) {
      if (c.acceptWord("or")) {
        options.push(parseRight(c, whose));
        return options;
      }
      options.push(parseRight(c, whose));
      continue;
    }
    if (c.acceptWord("or")) options.push(parseRight(c, whose));
    return options;
  }
}

const THAN_WORDS = new Set(["greater", "more", "less", "fewer", "later", "earlier"]);

/**
 * `if the total greater than 3`, `if the due before today`: names may hold any word,
 * so the ordering was read into the name. When nothing but `than` (or the end of the
 * condition) follows such a name, say that `is` is missing (`before`/`after` only when
 * `today` or `now` ends the name: `the time before lunch` may be a name).
 */
function orderingInName(c: Cursor, left: Expr): void {
  if (left.kind !== "name") return;
  const next = c.peek();
  const thanNext = next?.kind === "word" && next.lower === "than";
  if (
    next &&
    !thanNext &&
    !(
      next.kind === "word" &&
      (next.lower === "then" || next.lower === "and" || next.lower === "or")
    )
  )
    return;
  const words = left.text.split(/\s+/);
  for (let i = 2; i < words.length; i++) {
    const w = words[i]!.toLowerCase();
    const after = words[i + 1]?.toLowerCase() ?? (thanNext ? "than" : undefined);
    const ordering =
      ((w === "before" || w === "after") &&
        i === words.length - 2 &&
        (after === "today" || after === "now")) ||
      (THAN_WORDS.has(w) && after === "than") ||
      (w === "at" && (after === "least" || after === "most"));
    if (!ordering) continue;
    const rest = [...words.slice(i), ...(thanNext && i === words.length - 1 ? ["than"] : [])];
    const phrase = THAN_WORDS.has(w) || w === "at" ? rest.slice(0, 2).join(" ") : w;
    const suggestion = `is ${phrase.toLowerCase()}`;
    c.fail(
      `'${words.slice(0, i).join(" ")}' needs 'is' before '${phrase}'. Did you mean '${suggestion}'?`,
      left.span,
      suggestion,
    );
  }
}

function parseComparison(c: Cursor, whose: boolean): Condition {
  const left: Expr = whose ? parseItemField(c) : parseExpr(c);
  if (!whose) orderingInName(c, left);
  const t = c.peek();
  const compare = (op: CompareOp): Condition => {
    const right = parseRight(c, whose);
    return { kind: "compare", op, left, right, span: spanOf(left.span, right.span) };
  };
  const not = (cond: Condition): Condition => ({
    kind: "not",
    operand: cond,
    span: cond.span,
  });
  if (!t) return { kind: "truthy", subject: left, span: left.span };
  if (t.kind === "punct") {
    const ops: Record<string, CompareOp> = {
      "=": "is",
      "!=": "isNot",
      ">": "greater",
      "<": "less",
      ">=": "atLeast",
      "<=": "atMost",
    };
    const op = ops[t.text];
    if (!op) return { kind: "truthy", subject: left, span: left.span };
    c.advance(1);
    return compare(op);
  }
  if (t.kind !== "word") return { kind: "truthy", subject: left, span: left.span };
  switch (t.lower) {
    case "is":
    case "are": {
      c.advance(1);
      const negated = c.acceptWord("not") !== null;
      const end = () => c.last();
      if (c.isWord("empty") || c.isWord("known")) {
        const w = c.next().lower;
        const test =
          w === "empty" ? (negated ? "notEmpty" : "empty") : negated ? "notKnown" : "known";
        return { kind: "test", test, subject: left, span: spanOf(left.span, end()) };
      }
      if (c.isWord("one") && c.isWord("of", 1)) {
        c.advance(2);
        const options = parseOptions(c, whose);
        const last = options[options.length - 1]!;
        return {
          kind: "oneOf",
          subject: left,
          options,
          negated,
          span: spanOf(left.span, last.span),
        };
      }
      if (c.isWord("equal") && c.isWord("to", 1)) {
        c.advance(2);
        return compare(negated ? "isNot" : "is");
      }
      if (c.isWord("between")) {
        // `X is between A and B`: A ≤ X ≤ B, written as the two comparisons.
        c.advance(1);
        const low = parseRight(c, whose);
        c.expectWord("and", "'and' after the lower bound of 'between'");
        const high = parseRight(c, whose);
        const range: Condition = {
          kind: "and",
          left: {
            kind: "compare",
            op: "atLeast",
            left,
            right: low,
            span: spanOf(left.span, low.span),
          },
          right: {
            kind: "compare",
            op: "atMost",
            left,
            right: high,
            span: spanOf(left.span, high.span),
          },
          span: spanOf(left.span, high.span),
        };
        return negated ? not(range) : range;
      }
      const ordered = orderedOp(c);
      if (ordered) return negated ? not(compare(ordered)) : compare(ordered);
      return compare(negated ? "isNot" : "is");
    }
    case "equals":
      c.advance(1);
      return compare("is");
    case "contains":
    case "contain":
      c.advance(1);
      return compare("contains");
    case "starts":
    case "start":
      if (c.isWord("with", 1)) {
        c.advance(2);
        return compare("startsWith");
      }
      break;
    case "ends":
    case "end":
      if (c.isWord("with", 1)) {
        c.advance(2);
        return compare("endsWith");
      }
      break;
    case "does":
    case "do":
      if (c.isWord("not", 1)) {
        const verb = c.peek(2)?.lower;
        if (verb === "contain") {
          c.advance(3);
          return compare("notContains");
        }
        if ((verb === "start" || verb === "end") && c.isWord("with", 3)) {
          c.advance(4);
          return not(compare(verb === "start" ? "startsWith" : "endsWith"));
        }
        if (verb === "equal") {
          c.advance(3);
          return compare("isNot");
        }
      }
      return c.unexpected("'does not contain', 'does not start with' or 'does not end with'");
  }
  missingIs(c, t);
  return { kind: "truthy", subject: left, span: left.span };
}

/** `the total greater than 3`: an ordering without its `is` is an error that says so. */
function missingIs(c: Cursor, t: Token): void {
  const mark = c.mark();
  if (!orderedOp(c)) return;
  const last = c.last();
  const phrase = c.tokens
    .slice(c.tokens.indexOf(t), c.tokens.indexOf(last) + 1)
    .map((x) => x.lower)
    .join(" ");
  c.reset(mark);
  c.fail(
    `I expected 'is' before '${phrase}'. Did you mean 'is ${phrase}'?`,
    spanOf(t, last),
    `is ${phrase}`,
  );
}
