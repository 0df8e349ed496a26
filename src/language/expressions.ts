// Expressions: a Pratt parser for arithmetic over primaries (literals, names,
// possessives, aggregates, parentheses), followed by postfix word operations.
import type { AggregateExpr, ArithOp, Expr, NameRef, RoundExpr, TextLit } from "./ast.ts";
import { conditionParser } from "./conditions.ts";
import { type Cursor, LimitError, matchTrie, ParseError, spanOf, tableTrie } from "./cursor.ts";
import { clip } from "./diagnostics.ts";
import type { Token } from "./lexer.ts";
import {
  BOOLEAN_WORDS,
  CONVERSIONS,
  DAY_WORDS,
  DECIMALS_WORDS,
  NUMBER_WORDS,
  PERIOD_EDGES,
  PERIODS,
  RELATIVE_DATE_WORDS,
  ROUNDING_MODES,
  ROUNDING_PHRASES,
  ROUNDING_STEPS,
  SORT_ORDERS,
  WEEKDAYS,
} from "./phrasings.ts";
import { AGGREGATES, ARTICLES, LEADING_NAME_WORDS, UNITS, VOCABULARY } from "./words.ts";

/** Conditions over these expressions (a `whose` filter holds one; conditions.ts). */
export const parseCondition = conditionParser({
  parseExpr,
  parseArith,
  readNameWords,
  startsOperand,
});

/** A full expression: arithmetic, then any postfix word operations (`rounded`, `whose`…). */
export function parseExpr(c: Cursor): Expr {
  return parsePostfix(c, parseArith(c, 0));
}

const PRECEDENCE: Record<ArithOp, number> = { "+": 10, "-": 10, "*": 20, "/": 20 };

/** Can this token begin an operand? (Decides whether `times` is multiplication.) */
export function startsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === "number" || t.kind === "text") return true;
  if (t.kind === "punct") return t.text === "(" || t.text === "-" || t.text === "+";
  return VALUE_WORDS.has(t.lower) || hasOwn(NUMBER_WORDS, t.lower) || hasOwn(DAY_WORDS, t.lower);
}

const VALUE_WORDS = new Set(["the", ...Object.keys(BOOLEAN_WORDS), "nothing", "today", "now"]);
const hasOwn = Object.hasOwn;

/** Does a phrase of words (`the nearest cent`) start at the cursor? Its length, or 0. */
function phraseAt(c: Cursor, words: readonly string[]): number {
  for (let i = 0; i < words.length; i++) if (!c.isWord(words[i]!, i)) return 0;
  return words.length;
}

const DECIMALS_PHRASES = DECIMALS_WORDS.map((w) => w.split(" "));
const ROUNDING = ROUNDING_PHRASES.map((p) => ({
  words: p.phrase.split(" "),
  decimals: p.decimals,
}));
const ROUNDING_FIRST = new Set(ROUNDING.map((p) => p.words[0]!));

function peekOperator(c: Cursor): { op: ArithOp; width: number } | null {
  const t = c.peek();
  if (!t) return null;
  if (t.kind === "punct") {
    return t.text === "+" || t.text === "-" || t.text === "*" || t.text === "/"
      ? { op: t.text, width: 1 }
      : null;
  }
  if (t.kind !== "word" || c.extraStops.has(t.lower)) return null;
  switch (t.lower) {
    case "plus":
      return { op: "+", width: 1 };
    case "minus":
      return { op: "-", width: 1 };
    case "times":
      return startsOperand(c.peek(1)) ? { op: "*", width: 1 } : null;
    case "multiplied":
      return c.isWord("by", 1) ? { op: "*", width: 2 } : null;
    case "divided":
      return c.isWord("by", 1) ? { op: "/", width: 2 } : null;
    default:
      return null;
  }
}

/** Arithmetic only (no postfix word operations), binding tighter than `minPrec`. */
export function parseArith(c: Cursor, minPrec: number): Expr {
  let left = parseUnary(c);
  for (;;) {
    const op = peekOperator(c);
    if (!op || PRECEDENCE[op.op] <= minPrec) return left;
    if (op.op === "+" || op.op === "-") percentAfter(c, left, op.width);
    c.advance(op.width);
    c.grow();
    const right = parseArith(c, PRECEDENCE[op.op]);
    left = { kind: "binary", op: op.op, left, right, span: spanOf(left.span, right.span) };
  }
}

/**
 * `the price - 10%` is 10% off to some (a calculator) and minus 0.1 to others (a
 * spreadsheet): refused with both rewrites. `10% of the price` and `5% + 10%` are fine.
 */
function percentAfter(c: Cursor, left: Expr, width: number): void {
  const p = c.peek(width);
  if (p?.kind !== "number" || !p.lower.endsWith("%") || c.isWord("of", width + 1)) return;
  const before = c.lineText.slice(left.span.col - 1, left.span.endCol - 1);
  if (/%\s*$/.test(before)) return;
  const sign = c.peek()!.text;
  const rest = sign === "-" || sign === "minus" ? "off" : "on top";
  const pct = p.text;
  const factor = fromPercent(p.lower);
  c.fail(
    `'${before} ${sign} ${pct}' is ambiguous: for ${pct} of it ${rest}, write '${before} ${sign === "minus" ? "minus" : sign} ${pct} of ${before}'; to ${sign === "-" || sign === "minus" ? "subtract" : "add"} the number ${factor}, write ${factor}`,
    spanOf(left.span, p),
    `${before} ${sign} ${pct} of ${before}`,
  );
}

function parseUnary(c: Cursor): Expr {
  const t = c.peek();
  if (t?.kind === "punct" && (t.text === "-" || t.text === "+")) {
    c.advance(1);
    const n = c.peek();
    if (n?.kind === "number") {
      c.advance(1);
      return finishPrimary(c, numberLit(n, t.text === "-", t), true);
    }
    c.enter(t);
    const operand = parseUnary(c);
    c.leave();
    if (t.text === "+") return operand;
    return { kind: "negate", operand, span: spanOf(t, operand.span) };
  }
  return parsePrimary(c);
}

/** "12.5%" -> "0.125": the exact decimal text of a percentage. */
function fromPercent(text: string): string {
  const [whole = "0", frac = ""] = text.slice(0, -1).split(".");
  const padded = whole.padStart(3, "0");
  const int = padded.slice(0, -2).replace(/^0+(?=\d)/, "");
  const dec = (padded.slice(-2) + frac).replace(/0+$/, "");
  return dec ? `${int}.${dec}` : int;
}

function numberLit(t: Token, negative: boolean, start: Token = t): Expr {
  // The lexer's canonical text: no currency, no thousands separators (lexer.ts).
  let digits = t.lower;
  if (digits.endsWith("%")) digits = fromPercent(digits);
  return { kind: "number", value: negative ? `-${digits}` : digits, span: spanOf(start, t) };
}

/** A literal, name, aggregate or parenthesized expression, with its possessives. */
export function parsePrimary(c: Cursor): Expr {
  const t = c.peek();
  if (!t) c.unexpected("a value");
  switch (t.kind) {
    case "number": {
      c.advance(1);
      const n = numberLit(t, false);
      // `12% of the subtotal`: the percentage times the value.
      if (t.lower.endsWith("%") && c.isWord("of") && !c.extraStops.has("of")) {
        c.advance(1);
        const of = parseUnary(c);
        return { kind: "binary", op: "*", left: n, right: of, span: spanOf(t, of.span) };
      }
      return finishPrimary(c, n, true);
    }
    case "text":
      c.advance(1);
      return finishPrimary(c, textLit(c, t), false);
    case "punct":
      if (t.text === "(") return finishPrimary(c, parseParens(c), true);
      return c.unexpected("a value");
    case "word":
      return finishPrimary(c, parseWordPrimary(c, t), false);
  }
}

function parseParens(c: Cursor): Expr {
  const saved = c.extraStops;
  c.extraStops = new Set(); // a call's phrase words do not end anything inside parentheses
  try {
    return parseParensInside(c);
  } finally {
    c.extraStops = saved;
  }
}

/** The items of a written list after its first: `, B`, `, B and C`, `and B`. */
export function listItems(c: Cursor, first: Expr): Expr[] {
  const items = [first];
  for (;;) {
    if (c.acceptPunct(",")) {
      if (c.acceptWord("and")) {
        items.push(parseExpr(c));
        break;
      }
      items.push(parseExpr(c));
      continue;
    }
    if (c.acceptWord("and")) items.push(parseExpr(c));
    break;
  }
  return items;
}

function parseParensInside(c: Cursor): Expr {
  const open = c.next();
  c.enter(open);
  const first = parseExpr(c);
  if (c.isPunct(",") || c.isWord("and")) {
    const items = listItems(c, first);
    const close = c.expectPunct(")");
    c.leave();
    return { kind: "list", items, span: spanOf(open, close) };
  }
  c.expectPunct(")");
  c.leave();
  return first;
}

function textLit(c: Cursor, t: Token): TextLit {
  const parts: TextLit["parts"] = [];
  for (const part of t.parts ?? []) {
    if (typeof part === "string") {
      const prev = parts[parts.length - 1];
      if (typeof prev === "string") parts[parts.length - 1] = prev + part;
      else if (part !== "") parts.push(part);
      continue;
    }
    if (part.tokens.length === 0) c.fail("There is nothing between '{' and '}' in this text", part);
    c.enter(part);
    const sub = c.sub(part.tokens);
    const e = parseExpr(sub);
    if (!sub.atEnd()) sub.unexpected();
    c.leave();
    parts.push(e);
  }
  return { kind: "text", parts, span: spanOf(t, t) };
}

/** The words of a name after `the`: every following word up to a stop word. */
export function readNameWords(c: Cursor): Token[] {
  const words: Token[] = [];
  const first = c.peek();
  // `the sorted rows`, `the rounded total`: an operation word can be a name's first
  // word when a word that is not a stop word follows it.
  if (
    first?.kind === "word" &&
    LEADING_NAME_WORDS.has(first.lower) &&
    !c.extraStops.has(first.lower) &&
    c.peek(1)?.kind === "word" &&
    !c.isStop(c.peek(1)!.lower)
  ) {
    words.push(first);
    c.advance(1);
  }
  for (;;) {
    const t = c.peek();
    if (t?.kind !== "word" || c.isStop(t.lower)) return words;
    words.push(t);
    c.advance(1);
  }
}

export function nameRef(article: Token | null, words: Token[], lower = lowerWords(words)): NameRef {
  const first = article ?? words[0]!;
  const last = words[words.length - 1] ?? first;
  let text = article ? article.text : "";
  for (const w of words) text = text === "" ? w.text : `${text} ${w.text}`;
  return {
    kind: "name",
    // Words are lower case with no spaces: only a leading `the` is left to drop.
    key: lower.startsWith("the ") ? lower.slice(4) : lower,
    text,
    span: spanOf(first, last),
  };
}

/** The words' lower-case texts joined by spaces. */
function lowerWords(words: readonly Token[]): string {
  let out = "";
  for (const w of words) out = out === "" ? w.lower : `${out} ${w.lower}`;
  return out;
}

function parseWordPrimary(c: Cursor, t: Token): Expr {
  if (hasOwn(BOOLEAN_WORDS, t.lower)) {
    c.advance(1);
    return { kind: "bool", value: BOOLEAN_WORDS[t.lower]!, span: spanOf(t, t) };
  }
  switch (t.lower) {
    case "nothing":
      c.advance(1);
      return { kind: "nothing", span: spanOf(t, t) };
    case "today":
      c.advance(1);
      return { kind: "now", which: "date", span: spanOf(t, t) };
    case "now":
      c.advance(1);
      return { kind: "now", which: "datetime", span: spanOf(t, t) };
    case "the":
      return parseTheForm(c);
    case "next":
    case "last":
    case "this": {
      const r = relativeRef(c, t);
      if (r) return r;
      break;
    }
    case "in": {
      // `in 3 days`, `in two weeks`: today plus the duration.
      const n = c.peek(1);
      if (n && (n.kind === "number" || hasOwn(NUMBER_WORDS, n.lower)) && isUnit(c.peek(2))) {
        c.advance(1);
        const d = parsePrimary(c);
        return { kind: "binary", op: "+", left: todayAt(t), right: d, span: spanOf(t, c.last()) };
      }
      break;
    }
    case "a":
    case "an": {
      // `a week from today`, `an hour ago`: one of the unit.
      const rel = c.peek(2);
      if (isUnit(c.peek(1)) && rel?.kind === "word" && hasOwn(RELATIVE_DATE_WORDS, rel.lower)) {
        c.advance(2);
        const u = c.last();
        const span = spanOf(t, u);
        const one: Expr = { kind: "number", value: "1", span };
        return relativeDate(c, { kind: "duration", amount: one, unit: UNITS[u.lower]!, span }, rel);
      }
      break;
    }
  }
  if (hasOwn(NUMBER_WORDS, t.lower)) {
    c.advance(1);
    const value = String(NUMBER_WORDS[t.lower]);
    return finishPrimary(c, { kind: "number", value, span: spanOf(t, t) }, true);
  }
  if (hasOwn(DAY_WORDS, t.lower)) {
    // `tomorrow` is today + 1 day.
    c.advance(1);
    const span = spanOf(t, t);
    const days = DAY_WORDS[t.lower]!;
    return {
      kind: "binary",
      op: days < 0 ? "-" : "+",
      left: { kind: "now", which: "date", span },
      right: {
        kind: "duration",
        amount: { kind: "number", value: String(Math.abs(days)), span },
        unit: "days",
        span,
      },
      span,
    };
  }
  if (ARTICLES.has(t.lower)) {
    c.fail(`Names start with 'the': write 'the ${c.peek(1)?.text ?? "…"}'`, t);
  }
  const expected = "a value (a number, a quoted text, or a name starting with 'the')";
  if (!c.isStop(t.lower) && !VOCABULARY.has(t.lower) && !c.suggestsPhrase()) {
    // `say total`: a name without its `the`.
    const mark = c.mark();
    const words = readNameWords(c);
    c.reset(mark);
    const name = `the ${words.map((w) => w.text).join(" ")}`;
    const found = c.textFrom(t);
    c.fail(
      `I expected ${expected} but found '${clip(found, 60)}'. Names start with 'the'. Did you mean '${name}'?`,
      spanOf(t, words[words.length - 1] ?? t),
      name,
    );
  }
  return c.unexpected(expected);
}

/** `next monday`, `this friday`, `last month` at the cursor (not `next orders`). */
function startsDateRef(c: Cursor): boolean {
  const t = c.peek();
  const u = c.peek(1);
  return (
    t?.kind === "word" &&
    (t.lower === "next" || t.lower === "last" || t.lower === "this") &&
    u?.kind === "word" &&
    (WEEKDAYS.includes(u.lower) || PERIODS.includes(u.lower))
  );
}

function isUnit(t: Token | undefined): boolean {
  return t?.kind === "word" && hasOwn(UNITS, t.lower);
}

function todayAt(t: Token): Expr {
  return { kind: "now", which: "date", span: spanOf(t, t) };
}

/**
 * `next Monday`, `last Friday`, `this Friday`; `next week` / `last month` / `next year`
 * (today plus or minus one of them). `this month` is no one date: an error with the
 * phrasings that are.
 */
function relativeRef(c: Cursor, t: Token): Expr | null {
  const u = c.peek(1);
  if (u?.kind !== "word") return null;
  const ref = t.lower as "next" | "last" | "this";
  if (WEEKDAYS.includes(u.lower)) {
    c.advance(2);
    return { kind: "dateRef", ref, unit: u.lower, span: spanOf(t, u) };
  }
  if (!PERIODS.includes(u.lower)) return null;
  if (ref === "this") {
    c.fail(
      `'this ${u.lower}' is not one date: write 'the start of this ${u.lower}', 'the end of this ${u.lower}' or 'today'`,
      spanOf(t, u),
      `the start of this ${u.lower}`,
    );
  }
  c.advance(2);
  const span = spanOf(t, u);
  const one: Expr = { kind: "number", value: "1", span };
  return {
    kind: "binary",
    op: ref === "next" ? "+" : "-",
    left: todayAt(t),
    right: { kind: "duration", amount: one, unit: UNITS[u.lower]!, span },
    span,
  };
}

function parseTheForm(c: Cursor): Expr {
  const the = c.next();
  const words = readNameWords(c);
  const last = words[words.length - 1];
  if (!last) return c.unexpected(`a name after '${the.text}'`);
  const lower = lowerWords(words);
  const span = spanOf(the, last);
  if (lower === "above") return { kind: "above", span };
  if (lower === "current date") return { kind: "now", which: "date", span };
  if (lower === "current time") return { kind: "now", which: "datetime", span };
  const fn = words.length === 1 && hasOwn(AGGREGATES, lower) ? AGGREGATES[lower] : undefined;
  const of = c.isWord("of") && !c.extraStops.has("of");
  if (of && words.length === 1 && hasOwn(PERIOD_EDGES, lower)) {
    // `the end of the month`, `the start of the year`, `the end of next month`.
    const which = c.peek(1)?.lower;
    const shift = which === "next" ? 1 : which === "last" ? -1 : 0;
    const period = c.peek(2);
    if (
      (shift !== 0 || which === "the" || which === "this") &&
      period?.kind === "word" &&
      PERIODS.includes(period.lower)
    ) {
      c.advance(3);
      return {
        kind: "dateRef",
        ref: PERIOD_EDGES[lower]!,
        unit: period.lower,
        ...(shift !== 0 ? { shift } : {}),
        span: spanOf(the, period),
      };
    }
  }
  if (fn && of) {
    c.advance(1);
    c.enter(the);
    const operand = parsePostfix(c, aggregateOperand(c), true);
    c.leave();
    const agg: AggregateExpr = {
      kind: "aggregate",
      fn,
      of: operand,
      span: spanOf(the, operand.span),
    };
    return agg;
  }
  if (of) {
    // `the email of the customer` is `the customer's email`; like an aggregate's operand,
    // the value takes the list operations (`the ids of the orders whose status is "open"`).
    c.advance(1);
    c.enter(the);
    const target = parsePostfix(c, parseUnary(c), true);
    c.leave();
    return { kind: "field", target, field: lower, span: spanOf(the, target.span) };
  }
  return nameRef(the, words, lower);
}

/**
 * The value after an aggregate's `of`. People drop the article (`the count of open
 * tickets` counts `the open tickets`) and name the items of a list (`the number of rows
 * in the table` counts `the table`).
 */
function aggregateOperand(c: Cursor): Expr {
  const t = c.peek();
  if (t?.kind !== "word" || c.isStop(t.lower) || startsOperand(t) || startsDateRef(c))
    return parseUnary(c);
  const words = readNameWords(c);
  if (
    c.isWord("in") &&
    !c.isWord("uppercase", 1) &&
    !c.isWord("lowercase", 1) &&
    !c.extraStops.has("in")
  ) {
    c.advance(1);
    return parseUnary(c);
  }
  const ref = nameRef(null, words);
  return finishPrimary(c, { ...ref, text: `the ${ref.text}` }, false);
}

/** A field name after `'s` or `'`: quoted text, or words up to a stop word (lower case). */
export function readFieldName(c: Cursor, what: string): { field: string; end: Token } {
  const t = c.peek();
  if (t?.kind === "text") {
    const parts = t.parts ?? [];
    if (parts.some((p) => typeof p !== "string")) {
      c.fail(`A field name cannot contain '{…}': ${t.text}`, t);
    }
    c.advance(1);
    return { field: parts.join(""), end: t };
  }
  const words = readNameWords(c);
  const end = words[words.length - 1];
  if (!end) return c.unexpected(what);
  return { field: words.map((w) => w.lower).join(" "), end };
}

/** Durations (`3 days`, `(E) days`) and possessives (`'s field`, plural `' field`). */
function finishPrimary(c: Cursor, base: Expr, unitable: boolean): Expr {
  let e = base;
  const u = c.peek();
  if (unitable && u?.kind === "word" && hasOwn(UNITS, u.lower) && !c.extraStops.has(u.lower)) {
    c.advance(1);
    e = { kind: "duration", amount: e, unit: UNITS[u.lower]!, span: spanOf(e.span, u) };
    const rel = c.peek();
    if (
      rel?.kind === "word" &&
      hasOwn(RELATIVE_DATE_WORDS, rel.lower) &&
      !c.extraStops.has(rel.lower)
    ) {
      return relativeDate(c, e, rel);
    }
  }
  for (;;) {
    const t = c.peek();
    if (t?.kind !== "punct" || (t.text !== "'s" && t.text !== "'")) return e;
    c.advance(1);
    c.grow();
    const { field, end } = readFieldName(c, `a field name after '${t.text}`);
    e = {
      kind: t.text === "'s" ? "field" : "pluck",
      target: e,
      field,
      span: spanOf(e.span, end),
    };
  }
}

/**
 * `10 days after the start date`, `2 weeks before the deadline`, `3 days from today`,
 * `2 days ago`: the date plus or minus the duration.
 */
const CLOCK_UNITS: ReadonlySet<string> = new Set(["seconds", "minutes", "hours"]);

function relativeDate(c: Cursor, duration: Expr, rel: Token): Expr {
  c.advance(1);
  const op = RELATIVE_DATE_WORDS[rel.lower]!;
  let date: Expr;
  if (rel.lower === "ago" || rel.lower === "later" || rel.lower === "earlier") {
    // `2 days ago` is a date; `3 hours ago` a date-time.
    const clock = duration.kind === "duration" && CLOCK_UNITS.has(duration.unit);
    date = { kind: "now", which: clock ? "datetime" : "date", span: spanOf(rel, rel) };
  } else {
    c.enter(rel);
    date = parseUnary(c);
    c.leave();
  }
  return { kind: "binary", op, left: date, right: duration, span: spanOf(duration.span, c.last()) };
}

/** The length of the decimals words at the cursor (`decimals`, `decimal places`…), or 0. */
function isDecimalsWord(c: Cursor): number {
  const t = c.peek();
  if (t?.kind !== "word") return 0;
  for (const w of DECIMALS_PHRASES) {
    const n = phraseAt(c, w);
    if (n) return n;
  }
  return 0;
}

/** `to the nearest cent` (2), `to a whole number` (0): the decimals, consumed; or null. */
function roundingPhrase(c: Cursor): Expr | null {
  const t = c.peek();
  if (t?.kind !== "word" || !ROUNDING_FIRST.has(t.lower)) return null;
  for (const p of ROUNDING) {
    const n = phraseAt(c, p.words);
    if (n) {
      const from = c.peek()!;
      c.advance(n);
      return { kind: "number", value: String(p.decimals), span: spanOf(from, c.last()) };
    }
  }
  return null;
}

/** What a rounding rounds to: a number of decimals, or a multiple of a step. */
export interface RoundTo {
  decimals: Expr | null;
  step?: Expr;
}

/**
 * After `rounded to` / `round X to`: `2 decimals`, `one decimal place`, `the nearest
 * cent` (decimals); `the nearest ten`, `the nearest 0.05`, `the nearest multiple of the
 * step` (a step).
 */
export function parseRoundTo(c: Cursor): RoundTo {
  const phrase = roundingPhrase(c);
  if (phrase) return { decimals: phrase };
  if (c.isWord("the") && c.isWord("nearest", 1)) {
    c.advance(2);
    if (c.isWord("multiple") && c.isWord("of", 1)) c.advance(2);
    const w = c.peek();
    if (w?.kind === "word" && hasOwn(ROUNDING_STEPS, w.lower)) {
      c.advance(1);
      return {
        decimals: null,
        step: { kind: "number", value: ROUNDING_STEPS[w.lower]!, span: spanOf(w, w) },
      };
    }
    return { decimals: null, step: parseArith(c, 0) };
  }
  const decimals = parseArith(c, 0);
  const w = isDecimalsWord(c);
  if (!w)
    c.unexpected(
      "'decimals' (as in 'rounded to 2 decimals', 'rounded to the nearest cent' or 'rounded to the nearest ten')",
    );
  c.advance(w);
  return { decimals };
}

/** `up` / `down` after `rounded` or `round`, consumed; else undefined. */
export function roundingMode(c: Cursor): RoundExpr["mode"] {
  const t = c.peek();
  if (t?.kind !== "word" || !ROUNDING_MODES.includes(t.lower) || c.extraStops.has(t.lower))
    return undefined;
  c.advance(1);
  return t.lower as RoundExpr["mode"];
}

/** A rounding node, with `step` and `mode` only when given (so trees compare equal). */
export function roundExpr(
  operand: Expr,
  to: RoundTo | null,
  mode: RoundExpr["mode"],
  span: RoundExpr["span"],
): RoundExpr {
  return {
    kind: "round",
    operand,
    decimals: to?.decimals ?? null,
    ...(to?.step ? { step: to.step } : {}),
    ...(mode ? { mode } : {}),
    span,
  };
}

/** The postfix word operations that make a list from a list (an aggregate's operand takes these). */
const LIST_OPERATIONS: ReadonlySet<string> = new Set(["sorted", "whose", "where", "split", "as"]);

/**
 * Applies postfix word operations to `base` while they follow. With `listOnly` (an
 * aggregate's operand), only the operations that make a list from a list: `sorted`,
 * `whose`, `split by`, `as a table`; value operations then apply to the aggregate.
 */
export function parsePostfix(c: Cursor, base: Expr, listOnly = false): Expr {
  let e = base;
  for (;;) {
    const t = c.peek();
    if (t?.kind !== "word" || c.extraStops.has(t.lower)) return e;
    if (listOnly && !LIST_OPERATIONS.has(t.lower)) return e;
    const start = e.span;
    let next: Expr | null = null;
    switch (t.lower) {
      case "in":
        if (c.isWord("uppercase", 1) || c.isWord("lowercase", 1)) {
          const to = c.peek(1)!.lower === "uppercase" ? "upper" : "lower";
          c.advance(2);
          next = { kind: "case", operand: e, to, span: spanOf(start, c.last()) };
        }
        break;
      case "trimmed":
        c.advance(1);
        next = { kind: "trim", operand: e, span: spanOf(start, c.last()) };
        break;
      case "split":
        if (c.isWord("by", 1) || c.isWord("on", 1)) {
          c.advance(2);
          const separator = parseArith(c, 0);
          next = { kind: "split", operand: e, separator, span: spanOf(start, separator.span) };
        }
        break;
      case "joined":
        if (c.isWord("with", 1) || c.isWord("by", 1)) {
          c.advance(2);
          const separator = parseArith(c, 0);
          next = { kind: "join", operand: e, separator, span: spanOf(start, separator.span) };
        }
        break;
      case "with":
        next = tryReplace(c, e);
        break;
      case "rounded":
        next = parseRounded(c, e);
        break;
      case "formatted":
        if (c.isWord("with", 1)) {
          c.advance(2);
          const decimals = parseArith(c, 0);
          const w = isDecimalsWord(c);
          if (!w) c.unexpected("'decimals'");
          c.advance(w);
          next = { kind: "format", operand: e, decimals, span: spanOf(start, c.last()) };
        }
        break;
      case "as":
        if (listOnly && !((c.isWord("a", 1) || c.isWord("an", 1)) && c.isWord("table", 2))) {
          return e;
        }
        next = tryConvert(c, e);
        break;
      case "sorted":
        next = parseSorted(c, e);
        break;
      case "where":
      case "whose": {
        // `where` at the end of a line opens a call's block (`approve the invoice where`).
        if (t.lower === "where" && c.peek(1) === undefined) return e;
        c.advance(1);
        c.enter(t);
        const where = parseCondition(c, t.lower === "where" ? "where" : true);
        c.leave();
        next = { kind: "whose", list: e, where, span: spanOf(start, where.span) };
        break;
      }
    }
    if (!next) return e;
    c.grow();
    e = next;
  }
}

function tryReplace(c: Cursor, e: Expr): Expr | null {
  const mark = c.mark();
  try {
    c.advance(1);
    const from = parseArith(c, 0);
    c.expectWord("replaced");
    if (!c.acceptWord("by")) c.expectWord("with", "'by'");
    const to = parseArith(c, 0);
    return { kind: "replace", operand: e, from, to, span: spanOf(e.span, to.span) };
  } catch (err) {
    if (err instanceof LimitError || !(err instanceof ParseError)) throw err;
    c.reset(mark);
    return null;
  }
}

function parseRounded(c: Cursor, e: Expr): Expr {
  c.advance(1);
  const mode = roundingMode(c);
  const plain = roundExpr(e, null, mode, spanOf(e.span, c.last()));
  if (!c.isWord("to")) return plain;
  const mark = c.mark();
  try {
    c.advance(1);
    const to = parseRoundTo(c);
    return roundExpr(e, to, mode, spanOf(e.span, c.last()));
  } catch (err) {
    if (err instanceof LimitError || !(err instanceof ParseError)) throw err;
    c.reset(mark);
    return plain;
  }
}

function tryConvert(c: Cursor, e: Expr): Expr | null {
  if (c.isWord("text", 1)) {
    c.advance(2);
    return { kind: "convert", operand: e, to: "text", span: spanOf(e.span, c.last()) };
  }
  if (c.isWord("a", 1) || c.isWord("an", 1)) {
    const kind = c.peek(2);
    const to =
      kind?.kind === "word" && hasOwn(CONVERSIONS, kind.lower)
        ? CONVERSIONS[kind.lower]
        : undefined;
    if (to) {
      c.advance(3);
      return { kind: "convert", operand: e, to, span: spanOf(e.span, c.last()) };
    }
  }
  return null;
}

/** `descending`, `in descending order`, `from highest to lowest`… (phrasings.ts SORT_ORDERS). */
export const SORT_PHRASES = tableTrie(SORT_ORDERS);

function parseSorted(c: Cursor, e: Expr): Expr {
  c.advance(1);
  // `by` and the order are optional here: a call's next fixed word (extraStops) ends the
  // argument instead (`notify the list sorted by email`).
  let field: string | null = null;
  if (!c.extraStops.has("by") && c.acceptWord("by"))
    field = readFieldName(c, "a field to sort by").field;
  const t = c.peek();
  const order = t && !c.extraStops.has(t.lower) ? matchTrie(c, SORT_PHRASES) : null;
  const descending = order?.descending ?? false;
  return { kind: "sort", list: e, field, descending, span: spanOf(e.span, c.last()) };
}
