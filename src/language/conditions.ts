// Conditions: comparisons, tests and `one of`, combined with `not`, `and`, `or` and
// parentheses. In `whose` mode the left side of each comparison is a field of the item.
import type { CompareOp, Condition, Expr, ItemFieldExpr } from "./ast.ts";
import {
  type Cursor,
  LimitError,
  matchTrie,
  ParseError,
  phraseTrie,
  spanOf,
  type Trie,
} from "./cursor.ts";
import { suggestPhrase } from "./diagnostics.ts";
import type { Token } from "./lexer.ts";
import { COMPARISONS, type ComparisonMeaning, OR_MORE } from "./phrasings.ts";
import { ARTICLES, STOP_WORDS, UNITS } from "./words.ts";

/**
 * false: an ordinary condition; true: a `whose` filter (the left side of each comparison
 * is a field of the item); "where": a `where` filter, the same, except that `and the …`
 * / `or the …` go on with the filter (`where the status is "open" and the amount > 5`).
 */
export type Mode = boolean | "where";

/** The expression parsers a condition needs (expressions.ts gives its own). */
export interface ExpressionParsers {
  parseExpr(c: Cursor): Expr;
  parseArith(c: Cursor, minPrec: number): Expr;
  readNameWords(c: Cursor): Token[];
  startsOperand(t: Token | undefined): boolean;
}

export type ConditionParser = (c: Cursor, whose: Mode) => Condition;

/**
 * The condition parser over the given expression parsers. Expressions hold conditions
 * (`whose`, `where`) and conditions hold expressions: expressions.ts makes the pair, so
 * this module does not import it.
 */
export function conditionParser(x: ExpressionParsers): ConditionParser {
  const { parseExpr, parseArith, readNameWords, startsOperand } = x;

  function parseCondition(c: Cursor, whose: Mode): Condition {
    let left = parseAnd(c, whose);
    while (c.isWord("or") && (continues(c, whose) || startsLiteral(c.peek(1)))) {
      const more = orValue(c, left, whose);
      if (more) {
        left = more;
        continue;
      }
      c.advance(1);
      c.grow();
      const right = parseAnd(c, whose);
      left = { kind: "or", left, right, span: spanOf(left.span, right.span) };
    }
    return left;
  }

  function startsLiteral(t: Token | undefined): boolean {
    return t?.kind === "text" || t?.kind === "number";
  }

  /**
   * `the status is "open" or "pending"`: a value alone after `or` (a text or a number,
   * then the end of the condition) is one more option of the `is` before it, not the
   * condition `"pending"` (always true). After any other comparison it is an error with
   * the rewrites; null when a condition follows `or`.
   */
  function orValue(c: Cursor, left: Condition, whose: Mode): Condition | null {
    if (!startsLiteral(c.peek(1))) return null;
    const mark = c.mark();
    const or = c.next();
    const value = parseRight(c, whose);
    const n = c.peek();
    const ends =
      n === undefined ||
      (n.kind === "punct" && (n.text === ")" || n.text === ",")) ||
      (n.kind === "word" && (n.lower === "then" || n.lower === "or"));
    if (!ends) {
      c.reset(mark);
      return null;
    }
    const span = spanOf(left.span, value.span);
    if (left.kind === "compare" && left.op === "is") {
      return {
        kind: "oneOf",
        subject: left.left,
        options: [left.right, value],
        negated: false,
        span,
      };
    }
    if (left.kind === "oneOf" && !left.negated) {
      return { ...left, options: [...left.options, value], span };
    }
    if (whose) {
      // In a filter a quoted word alone may be a field (`whose "paid"`): left as it was.
      c.reset(mark);
      return null;
    }
    const written = c.lineText.slice(left.span.col - 1, value.span.endCol - 1);
    return c.fail(
      `'${written}' reads as a condition joined by 'or' to the value alone after it, which is no condition: repeat the comparison after '${or.text}' (as in 'the total is over 100 or the total is under 5'), or for several values write 'is one of A or B' / 'is neither A nor B'`,
      span,
    );
  }

  function parseAnd(c: Cursor, whose: Mode): Condition {
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
  function continues(c: Cursor, whose: Mode): boolean {
    if (!whose) return true;
    const n = c.peek(1);
    if (isFieldStart(n)) return true;
    if (n?.kind === "word" && (n.lower === "its" || (whose === "where" && n.lower === "the")))
      return true;
    return n?.kind === "punct" && n.text === "(" && (isFieldStart(c.peek(2)) || c.isPunct("(", 2));
  }

  function parseNot(c: Cursor, whose: Mode): Condition {
    const t = c.peek();
    if (t?.kind === "word" && (t.lower === "neither" || t.lower === "either")) {
      // `neither C nor D` is `not (C or D)`; `either C or D` is `C or D`.
      const neither = t.lower === "neither";
      c.advance(1);
      c.enter(t);
      const first = parseNot(c, whose);
      if (!c.acceptWord(neither ? "nor" : "or")) c.expectWord(neither ? "nor" : "or");
      const second = parseNot(c, whose);
      c.leave();
      const either: Condition = {
        kind: "or",
        left: first,
        right: second,
        span: spanOf(t, second.span),
      };
      return neither ? { kind: "not", operand: either, span: either.span } : either;
    }
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
  const EXPRESSION_PUNCT = new Set([
    "+",
    "-",
    "*",
    "/",
    "'s",
    "'",
    "=",
    "!=",
    ">",
    "<",
    ">=",
    "<=",
  ]);

  /** After `( … )`: does the text go on as an expression (so the parentheses were a value)? */
  function continuesExpression(t: Token | undefined): boolean {
    if (!t) return false;
    if (t.kind === "punct") return EXPRESSION_PUNCT.has(t.text);
    return t.kind === "word" && (EXPRESSION_WORDS.has(t.lower) || Object.hasOwn(UNITS, t.lower));
  }

  function parseItemField(c: Cursor): ItemFieldExpr {
    // `whose status`, `where the status`, `where its status`.
    if ((c.isWord("the") || c.isWord("its")) && c.peek(1) !== undefined) c.advance(1);
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

  function parseRight(c: Cursor, whose: Mode): Expr {
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

  /** `A, B or C`; after `is neither`, `A nor B` (`nor` or `or`). */
  function parseOptions(c: Cursor, whose: Mode, nor: boolean): Expr[] {
    const options = [parseRight(c, whose)];
    const last = () => c.acceptWord("or") ?? (nor ? c.acceptWord("nor") : null);
    for (;;) {
      if (c.acceptPunct(",")) {
        if (last()) {
          options.push(parseRight(c, whose));
          return options;
        }
        options.push(parseRight(c, whose));
        continue;
      }
      if (last()) options.push(parseRight(c, whose));
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

  interface Phrase {
    words: readonly string[];
    means: ComparisonMeaning;
  }

  /**
   * COMPARISONS as a trie of words (punctuation by its text), so the longest phrase at
   * the cursor is found in one walk; every `is …` / `are …` phrase without `not` also
   * negated (`is not over`).
   */
  const PHRASES: Trie<Phrase> = (() => {
    const all: Phrase[] = COMPARISONS.map((p) => ({ words: p.phrase.split(" "), means: p.means }));
    const known = new Set(COMPARISONS.map((p) => p.phrase));
    for (const p of COMPARISONS) {
      const [first, ...rest] = p.phrase.split(" ");
      if ((first !== "is" && first !== "are") || rest.length === 0 || rest.includes("not"))
        continue;
      if (known.has(`${first} not ${rest.join(" ")}`) || !("op" in p.means)) continue;
      all.push({ words: [first!, "not", ...rest], means: { ...p.means, negate: !p.means.negate } });
    }
    return phraseTrie(all);
  })();

  /** The longest comparison phrase at the cursor (consumed), or null. */
  function matchPhrase(c: Cursor): Phrase | null {
    return matchTrie(c, PHRASES);
  }

  const OR_MORE_PHRASES = phraseTrie(
    OR_MORE.map((p) => ({ words: p.phrase.split(" "), op: p.op })),
  );

  /** `is 3 or more`: the `or more` / `or less` after a plain `is` comparison. */
  function orMore(c: Cursor): "atLeast" | "atMost" | null {
    if (!c.isWord("or")) return null;
    return matchTrie(c, OR_MORE_PHRASES)?.op ?? null;
  }

  /** A text or a number alone is always true or always false: never a condition. */
  function literalCondition(c: Cursor, left: Expr): void {
    if (left.kind !== "text" && left.kind !== "number") return;
    c.fail(
      `${c.lineText.slice(left.span.col - 1, left.span.endCol - 1)} alone is not a condition (it would always hold, or never): compare it, as in 'the status is "open"'`,
      left.span,
    );
  }

  function parseComparison(c: Cursor, whose: Mode): Condition {
    const left: Expr = whose ? parseItemField(c) : parseExpr(c);
    if (!whose) orderingInName(c, left);
    const t = c.peek();
    const truthy: Condition = { kind: "truthy", subject: left, span: left.span };
    if (!t) {
      literalCondition(c, left);
      return truthy;
    }
    const phrase = matchPhrase(c);
    if (!phrase) {
      if (t.kind === "word" && (t.lower === "does" || t.lower === "do")) {
        return c.unexpected("'does not contain', 'does not start with' or 'does not end with'");
      }
      if (t.kind === "word") missingIs(c, t);
      misspeltInName(c, left);
      literalCondition(c, left);
      return truthy;
    }
    const m = phrase.means;
    if ("test" in m) {
      return { kind: "test", test: m.test, subject: left, span: spanOf(left.span, c.last()) };
    }
    if ("oneOf" in m) {
      const options = parseOptions(c, whose, c.last().lower === "neither");
      const last = options[options.length - 1]!;
      return {
        kind: "oneOf",
        subject: left,
        options,
        negated: m.oneOf,
        span: spanOf(left.span, last.span),
      };
    }
    if ("between" in m) {
      // `X is between A and B`: A ≤ X ≤ B, written as the two comparisons.
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
      return m.between ? { kind: "not", operand: range, span: range.span } : range;
    }
    const right = parseRight(c, whose);
    let op: CompareOp = m.op;
    if (op === "is" && !m.negate) op = orMore(c) ?? op;
    const cond: Condition = { kind: "compare", op, left, right, span: spanOf(left.span, c.last()) };
    return m.negate ? { kind: "not", operand: cond, span: cond.span } : cond;
  }

  /**
   * `the total exceds 5`: a name swallowed a misspelt comparison word (names may hold any
   * word). When a value follows and the name's last word is close to a comparison phrase,
   * say so.
   */
  function misspeltInName(c: Cursor, left: Expr): void {
    if (left.kind !== "name" || !startsOperand(c.peek())) return;
    const words = left.text.split(/\s+/);
    if (words.length < 3) return;
    const last = words[words.length - 1]!.toLowerCase();
    const near = suggestPhrase([last], 0);
    if (!near || !COMPARISONS.some((p) => p.phrase === near)) return;
    c.fail(
      `I don't understand '${words.slice(1).join(" ")}' here. Did you mean '${near}'?`,
      left.span,
      near,
    );
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

  return parseCondition;
}
