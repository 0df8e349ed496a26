// One statement from one line (its indented children parsed through the context).
import type {
  AskStmt,
  Expr,
  FieldTarget,
  IfStmt,
  NameRef,
  PhrasePart,
  SendEmailStmt,
  SetStmt,
  Stmt,
  Target,
} from "./ast.ts";
import { procedureSignature } from "./ast.ts";
import { Cursor, matchTrie, ParseError, spanOf, tableTrie } from "./cursor.ts";
import { suggestVerb } from "./diagnostics.ts";
import {
  listItems,
  nameRef,
  parseCondition,
  parseExpr,
  parsePrimary,
  parseRoundTo,
  readFieldName,
  readNameWords,
  roundExpr,
  roundingMode,
  SORT_PHRASES,
} from "./expressions.ts";
import type { Token } from "./lexer.ts";
import { type LineNode, lineSpan, lineWords } from "./lines.ts";
import { pluralOf } from "./names.ts";
import {
  COUNT_ADVERBS,
  DATE_ORDER_STATEMENTS,
  ELSE_WORDS,
  EMAIL_PARTS,
  LIST_EDGES,
  SET_WORDS,
  STATEMENT_REWRITES,
  VERB_SYNONYMS,
} from "./phrasings.ts";
import { matchCall, parsePhrase } from "./procedures.ts";
import { OWN_VERB_SET, STATEMENT_VERBS } from "./words.ts";

export interface StmtContext {
  /** Procedures of the program by verb (collected before parsing statements). */
  procedures: Map<string, PhrasePart[][]>;
  /** Block nesting of the current line (0 = top level). */
  depth: number;
  /** Parses an indented block of lines. */
  parseBlock(nodes: LineNode[], depth: number): Stmt[];
  /** Reports a problem that does not stop the current line. */
  report(error: ParseError): void;
}

function expectEnd(c: Cursor): void {
  if (!c.atEnd()) c.unexpected();
}

/** The indented body of a block statement; an error if there is none. */
export function indentedBody(node: LineNode, ctx: StmtContext, what: string): Stmt[] {
  if (node.children.length === 0) {
    throw new ParseError(
      `'${lineWords(node)}' needs an indented block of lines below it (${what})`,
      lineSpan(node),
      lineWords(node),
    );
  }
  return ctx.parseBlock(node.children, ctx.depth + 1);
}

/** Reports indented lines under a statement that does not open a block. */
function noChildren(node: LineNode, ctx: StmtContext): void {
  const child = node.children[0];
  if (!child) return;
  ctx.report(
    new ParseError(
      `Line ${child.lineNo} is indented, but the line above it does not open a block (blocks open after 'then', 'as follows', 'where', 'else', 'the following', 'times' or a 'to …' header)`,
      lineSpan(child),
      lineWords(child),
    ),
  );
}

function parseName(c: Cursor, what = "a name starting with 'the'"): NameRef {
  const the = c.peek();
  if (!the || !c.isWord("the")) return c.unexpected(what);
  c.advance(1);
  const words = readNameWords(c);
  if (words.length === 0) return c.unexpected(`a name after '${the.text}'`);
  return nameRef(the, words);
}

function toTarget(c: Cursor, e: Expr, at: Token): Target {
  if (e.kind === "name") return e;
  if (e.kind === "field") {
    const t: FieldTarget = {
      kind: "fieldTarget",
      target: toTarget(c, e.target, at),
      field: e.field,
      span: e.span,
    };
    return t;
  }
  return c.fail(
    `I can only change a fact ('the total') or a field ('the order's total'), not '${c.lineText.slice(e.span.col - 1, e.span.endCol - 1)}'`,
    e.span,
  );
}

function parseTarget(c: Cursor): Target {
  const at = c.peek();
  if (!at || !c.isWord("the")) return c.unexpected("a name starting with 'the'");
  return toTarget(c, parsePrimary(c), at);
}

/** `A`, or `A, B and C` (a ListExpr). */
export function parseValueList(c: Cursor): Expr {
  const first = parseExpr(c);
  if (!c.isPunct(",") && !c.isWord("and")) return first;
  const items = listItems(c, first);
  const last = items[items.length - 1]!;
  return { kind: "list", items, span: spanOf(first.span, last.span) };
}

/** `subtract 3 days from the deadline`: the `from` is the statement's, not `3 days from …`. */
function valueBeforeFrom(c: Cursor): Expr {
  return valueBefore(c, ["from"]);
}

/** A target read as a value: `the order's status` as an expression. */
function targetExpr(t: Target): Expr {
  if (t.kind === "name") return t;
  return { kind: "field", target: targetExpr(t.target), field: t.field, span: t.span };
}

/**
 * `set the X to E`, `change the X to E`, `sort the X by "f"`, `round the X to 2
 * decimals`: everyday verbs that set the X (phrasings.ts STATEMENT_PHRASES).
 */
function parseSetVerb(c: Cursor, start: Token, verb: string): SetStmt {
  // `round up the total`, `round the total down to 2 decimals`.
  let mode = verb === "round" ? roundingMode(c) : undefined;
  const saved = c.extraStops;
  // `let the count be 0`: `be` ends the name here (`to` and `as` end every name).
  c.extraStops = new Set([...saved, ...(verb === "round" ? ["up", "down"] : SET_FIRST_WORDS)]);
  let target: Target;
  try {
    target = parseTarget(c);
  } finally {
    c.extraStops = saved;
  }
  const self = targetExpr(target);
  let value: Expr;
  if (verb === "set") {
    if (!matchTrie(c, SET_PHRASES)) c.expectWord("to", "'to' (as in 'set the total to 5')");
    value = parseValueList(c);
  } else if (verb === "sort") {
    let field: string | null = null;
    if (c.acceptWord("by")) field = readFieldName(c, "a field to sort by").field;
    const descending = matchTrie(c, SORT_PHRASES)?.descending ?? false;
    value = { kind: "sort", list: self, field, descending, span: spanOf(start, c.last()) };
  } else {
    mode ??= roundingMode(c);
    const to = c.acceptWord("to") ? parseRoundTo(c) : null;
    value = roundExpr(self, to, mode, spanOf(start, c.last()));
  }
  expectEnd(c);
  return { kind: "set", target, value, span: spanOf(start, c.last()) };
}

const SET_PHRASES = tableTrie(SET_WORDS.map((phrase) => ({ phrase })));
const SET_FIRST_WORDS = SET_WORDS.map((w) => w.split(" ")[0]!);

/**
 * `increase the price by 5` adds 5; `increase the price by 10%` adds 10% of the price
 * (not 0.1), and `decrease … by 10%` takes 10% off.
 */
function parseIncrease(c: Cursor, start: Token, verb: string): Stmt {
  const target = parseTarget(c);
  c.expectWord("by", "'by' (as in 'increase the total by 5')");
  const at = c.peek();
  let value = parseExpr(c);
  if (at?.kind === "number" && at.lower.endsWith("%") && value.kind === "number") {
    value = { kind: "binary", op: "*", left: targetExpr(target), right: value, span: value.span };
  }
  expectEnd(c);
  const op = verb === "increase" ? "add" : "subtract";
  return { kind: "update", op, target, value, span: spanOf(start, c.last()) };
}

/**
 * `insert E at position N in the Xs`, `insert E at the start of the Xs` (also
 * `beginning`, `front`, `top`), or null when no `at` follows E (`insert E into the Xs`
 * appends). `prepend E to the Xs` inserts at position 1.
 */
function parseInsert(c: Cursor, start: Token, verb: string): Stmt {
  const value = valueBefore(c, ["at", "to", "into"]);
  let at: Expr | null = null;
  if (!c.acceptWord("at")) {
    if (verb === "prepend") at = { kind: "number", value: "1", span: spanOf(start, start) };
    if (verb !== "insert" || !c.acceptWord("into"))
      c.expectWord("to", verb === "insert" ? "'into'" : undefined);
  } else if (c.acceptWord("position") || c.acceptWord("index")) {
    at = valueBefore(c, ["in", "into"]);
    if (!c.acceptWord("in"))
      c.expectWord("into", "'in' (as in 'insert 5 at position 2 in the sizes')");
  } else {
    const the = c.expectWord("the", "'position N' or 'the start'");
    const edge = c.peek();
    if (!edge || !Object.hasOwn(LIST_EDGES, edge.lower))
      c.unexpected("'start' or 'end' (as in 'insert 5 at the start of the sizes')");
    c.advance(1);
    c.expectWord("of");
    // At the end: appended (no position).
    if (LIST_EDGES[edge.lower] === "start")
      at = { kind: "number", value: "1", span: spanOf(the, edge) };
  }
  const target = parseTarget(c);
  expectEnd(c);
  return { kind: "insert", value, at, target, span: spanOf(start, c.last()) };
}

/** An expression that ends before any of `words` (which are then the statement's). */
function valueBefore(c: Cursor, words: string[]): Expr {
  const saved = c.extraStops;
  c.extraStops = new Set([...saved, ...words]);
  try {
    return parseExpr(c);
  } finally {
    c.extraStops = saved;
  }
}

function itemsOf(e: Expr): Expr[] {
  return e.kind === "list" ? e.items : [e];
}

function parseSet(c: Cursor, start: Token): SetStmt {
  const target = parseTarget(c);
  if (!c.acceptWord("is") && !c.acceptWord("are") && !c.acceptPunct("=")) {
    c.unexpected(
      `'is' or 'are' after '${c.lineText.slice(start.col - 1, target.span.endCol - 1)}'`,
    );
  }
  const value = parseValueList(c);
  expectEnd(c);
  return { kind: "set", target, value, span: spanOf(start, c.last()) };
}

function optionalAs(c: Cursor): NameRef | null {
  if (!c.acceptWord("as")) return null;
  return parseName(c);
}

function parseAsk(c: Cursor, start: Token, node: LineNode, ctx: StmtContext): AskStmt {
  const question = parseExpr(c);
  let choices: Expr[] | null = null;
  let as: NameRef | null = null;
  for (;;) {
    if (!choices && c.isWord("with") && (c.isWord("choices", 1) || c.isWord("the", 1))) {
      c.advance(1);
      c.acceptWord("the");
      c.expectWord("choices");
      choices = itemsOf(parseValueList(c));
      continue;
    }
    if (!as && c.isWord("as")) {
      as = optionalAs(c);
      continue;
    }
    break;
  }
  expectEnd(c);
  const span = spanOf(start, c.last());
  for (const child of node.children) {
    const cc = new Cursor(child.tokens, child.text);
    if (choices || child.lexError || !cc.isWord("the") || !cc.isWord("choices", 1)) {
      ctx.report(
        new ParseError(
          `Under 'ask', I only expected one line 'the choices are "A", "B"', not '${lineWords(child)}'`,
          lineSpan(child),
          lineWords(child),
        ),
      );
      continue;
    }
    try {
      cc.advance(2);
      if (!cc.acceptWord("are") && !cc.acceptWord("is")) cc.unexpected("'are'");
      choices = itemsOf(parseValueList(cc));
      expectEnd(cc);
      noChildren(child, ctx);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      ctx.report(err);
    }
  }
  return { kind: "ask", question, choices, as, span };
}

/** `send an email to E` (also `send email to E`): whether the line is the email statement. */
function isSendEmail(c: Cursor): boolean {
  if (c.isWord("email", 1)) return true;
  return (c.isWord("an", 1) || c.isWord("a", 1) || c.isWord("the", 1)) && c.isWord("email", 2);
}

function parseSendEmail(c: Cursor, start: Token, node: LineNode, ctx: StmtContext): SendEmailStmt {
  if (!c.acceptWord("an") && !c.acceptWord("a")) c.acceptWord("the");
  c.expectWord("email");
  c.expectWord("to", "'to' and the address (as in 'send an email to the customer's email')");
  const to = parseValueList(c);
  expectEnd(c);
  const stmt: SendEmailStmt = {
    kind: "sendEmail",
    to,
    subject: null,
    message: null,
    attachments: null,
    cc: null,
    span: spanOf(start, c.last()),
  };
  for (const child of node.children) {
    try {
      if (child.lexError)
        throw new ParseError(child.lexError.message, child.lexError, lineWords(child));
      const cc = new Cursor(child.tokens, child.text);
      const key = cc.isWord("the") ? (cc.peek(1)?.lower ?? "") : "";
      const part = Object.hasOwn(EMAIL_PARTS, key) ? EMAIL_PARTS[key] : undefined;
      if (!part) {
        throw new ParseError(
          `Under 'send an email', I expected 'the subject is …', 'the message is …', 'the attachments are …' or 'the cc is …', not '${lineWords(child)}'`,
          lineSpan(child),
          lineWords(child),
        );
      }
      if (stmt[part] !== null) {
        throw new ParseError(
          `The email's ${part} is given twice`,
          lineSpan(child),
          lineWords(child),
        );
      }
      cc.advance(2);
      if (!cc.acceptWord("is") && !cc.acceptWord("are")) cc.unexpected("'is' or 'are'");
      stmt[part] = parseValueList(cc);
      expectEnd(cc);
      noChildren(child, ctx);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      ctx.report(err);
    }
  }
  return stmt;
}

function parseValidate(c: Cursor, start: Token, node: LineNode, ctx: StmtContext): Stmt {
  c.expectWord("the", "'the following'");
  c.expectWord("following");
  expectEnd(c);
  const span = spanOf(start, c.last());
  if (node.children.length === 0) {
    c.fail("'validate the following' needs indented 'ensure …' lines below it", span);
  }
  const checks = [];
  for (const child of node.children) {
    try {
      if (child.lexError)
        throw new ParseError(child.lexError.message, child.lexError, lineWords(child));
      const cc = new Cursor(child.tokens, child.text);
      const ensure = cc.peek();
      if (!ensure || !cc.isWord("ensure")) {
        return cc.unexpected("'ensure' followed by a condition");
      }
      cc.advance(1);
      const condition = parseCondition(cc, false);
      expectEnd(cc);
      noChildren(child, ctx);
      checks.push({ condition, span: spanOf(ensure, cc.last()) });
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      ctx.report(err);
    }
  }
  return { kind: "validate", checks, span };
}

function parseEach(c: Cursor, start: Token, node: LineNode, ctx: StmtContext): Stmt {
  c.expectWord("each");
  const words = readNameWords(c);
  if (words.length === 0) c.unexpected("the name of one item (as in 'process each order')");
  const item = nameRef(null, words);
  let list: Expr;
  if (c.acceptWord("in") || c.acceptWord("of")) list = parseExpr(c);
  else {
    const plural = pluralOf(item.key);
    list = { kind: "name", key: plural, text: `the ${plural}`, span: item.span };
  }
  if (c.acceptWord("as")) c.expectWord("follows");
  else if (start.lower === "process") c.unexpected("'as follows'");
  expectEnd(c);
  const span = spanOf(start, c.last());
  return {
    kind: "each",
    item,
    list,
    body: indentedBody(node, ctx, "the steps for each item"),
    span,
  };
}

function parseProcedure(c: Cursor, start: Token, node: LineNode, ctx: StmtContext): Stmt {
  if (ctx.depth > 0) {
    c.fail("A procedure ('to …') can only be defined at the top level, not inside a block", start);
  }
  const phrase = parsePhrase(c);
  const span = spanOf(start, c.last());
  const verb = phrase[0]?.kind === "word" ? phrase[0].word : "";
  return {
    kind: "procedure",
    verb,
    phrase,
    body: indentedBody(node, ctx, "the procedure's steps"),
    span,
  };
}

function parseCall(c: Cursor, start: Token, node: LineNode, ctx: StmtContext): Stmt {
  const match = matchCall(c, ctx.procedures.get(start.lower) ?? []);
  const span = spanOf(start, c.last());
  const where: SetStmt[] = [];
  if (match.where) {
    for (const s of indentedBody(node, ctx, "the 'the X is …' lines")) {
      if (s.kind === "set") where.push(s);
      else {
        ctx.report(
          new ParseError(
            "After 'where', I only expected lines like 'the amount is 10'",
            s.span,
            c.lineText,
          ),
        );
      }
    }
  } else noChildren(node, ctx);
  return {
    kind: "call",
    procedure: procedureSignature(match.phrase),
    args: match.args,
    where,
    span,
  };
}

function unknownStatement(c: Cursor, node: LineNode, ctx: StmtContext): never {
  const first = c.peek()!;
  const words = c.textFrom(first);
  if (first.kind === "word" && (c.isWord("is", 1) || c.isWord("are", 1))) {
    c.fail(
      `Names start with 'the': did you mean 'the ${words}'?`,
      spanOf(first, c.tokens[c.tokens.length - 1]!),
      `the ${first.text}`,
    );
  }
  const shown = words.length > 60 ? `${words.slice(0, 60)}…` : words;
  const rewrite =
    first.kind === "word" ? rewriteOf(first.lower, c.textFrom(c.peek(1) ?? first)) : null;
  if (rewrite) {
    throw new ParseError(
      `I don't know how to '${shown}'. Write '${rewrite}'`,
      spanOf(first, c.tokens[c.tokens.length - 1]!),
      words,
      rewrite,
    );
  }
  // Only a verb that starts with the same letter: `set` is not a misspelt `get`.
  const verbs = [...STATEMENT_VERBS, ...ctx.procedures.keys()].filter(
    (v) => v[0] === first.lower[0],
  );
  const suggestion = first.kind === "word" ? suggestVerb(first.lower, verbs) : undefined;
  let message = `I don't know how to '${shown}'`;
  message += suggestion ? `. Did you mean '${suggestion}'?` : "";
  void node;
  throw new ParseError(message, spanOf(first, c.tokens[c.tokens.length - 1]!), words, suggestion);
}

/** The rewrite of a statement written as in other tools (phrasings.ts STATEMENT_REWRITES). */
function rewriteOf(verb: string, rest: string): string | null {
  if (!Object.hasOwn(STATEMENT_REWRITES, verb)) return null;
  const template = STATEMENT_REWRITES[verb]!;
  if (template.includes("{name}")) {
    const m = /^(the .+?)\s+(?:as|=|to be|be|to)\s+(.+)$/i.exec(rest.trim());
    if (!m) return null;
    return template.replace("{name}", m[1]!).replace("{value}", m[2]!);
  }
  return template.replace("{rest}", rest.trim());
}

/** `dates are written day first` (phrasings.ts DATE_ORDER_STATEMENTS), top level only. */
function parseDateOrder(c: Cursor, start: Token, ctx: StmtContext): Stmt {
  const words = c.tokens
    .slice(c.pos)
    .map((t) => t.lower)
    .join(" ")
    .replace(/ ?\/ ?/g, "/");
  const found = DATE_ORDER_STATEMENTS.find((d) => d.phrase === words);
  const span = spanOf(start, c.tokens[c.tokens.length - 1]!);
  if (!found) {
    c.fail(
      "To say how numeric dates such as 04/05/2026 are written, write 'dates are written day first' (4 May) or 'dates are written month first' (April 5)",
      span,
      "dates are written day first",
    );
  }
  if (ctx.depth > 0) {
    c.fail("'dates are written …' applies to the whole process: write it at the top level", span);
  }
  c.advance(c.tokens.length - c.pos);
  return { kind: "dateOrder", order: found.order, span };
}

/** A statement that takes no block: reports indented lines below it. */
function simple0(node: LineNode, ctx: StmtContext, s: Stmt): Stmt {
  noChildren(node, ctx);
  return s;
}

function shapeWord(c: Cursor, expected: string): "list" | "record" {
  if (c.acceptWord("record")) return "record";
  c.expectWord("list", expected);
  return "list";
}

/**
 * The rest of a one-line `if C then STATEMENT`, with an optional `else STATEMENT` /
 * `otherwise STATEMENT` (or `else if C then …`) on the same line. A nested one-line
 * `if` keeps the `else` for itself (the nearest `if` takes it).
 */
function parseOneLineIf(
  c: Cursor,
  node: LineNode,
  ctx: StmtContext,
  condition: IfStmt["branches"][number]["condition"],
  headSpan: IfStmt["span"],
): IfStmt {
  const rest = c.tokens.slice(c.pos);
  let split = -1;
  if (!(rest[0]?.kind === "word" && rest[0].lower === "if")) {
    split = rest.findIndex((t, i) => i > 0 && t.kind === "word" && ELSE_WORDS.includes(t.lower));
  }
  const thenTokens = split < 0 ? rest : rest.slice(0, split);
  const thenCursor = c.sub(thenTokens);
  const thenStmt = parseStatement(thenCursor, node, ctx);
  const stmt: IfStmt = {
    kind: "if",
    branches: [{ condition, body: [thenStmt], span: headSpan }],
    otherwise: null,
    span: headSpan,
  };
  if (split < 0) {
    c.advance(rest.length);
    return stmt;
  }
  const elseCursor = c.sub(rest.slice(split + 1));
  elseCursor.acceptPunct(",");
  if (elseCursor.atEnd()) {
    c.fail(
      `This line ends too early: I expected a statement after '${rest[split]!.text}'`,
      rest[split],
    );
  }
  const elseStmt = parseStatement(elseCursor, node, ctx);
  const elseIf = rest.slice(split + 1).find((t) => t.kind !== "punct");
  if (elseStmt.kind === "if" && elseIf?.lower === "if") {
    stmt.branches.push(...elseStmt.branches);
    stmt.otherwise = elseStmt.otherwise;
  } else stmt.otherwise = [elseStmt];
  c.advance(rest.length);
  return stmt;
}

/** Parses the statement starting at the cursor (the rest of the line) and its block. */
export function parseStatement(c: Cursor, node: LineNode, ctx: StmtContext): Stmt {
  const start = c.peek();
  if (!start) return c.unexpected("a statement");
  const verb = start.kind === "word" ? start.lower : "";
  if (verb === "the") {
    const s = parseSet(c, start);
    noChildren(node, ctx);
    return s;
  }
  if ((verb === "dates" || verb === "numeric") && !ctx.procedures.has(verb)) {
    return simple0(node, ctx, parseDateOrder(c, start, ctx));
  }
  // `send` is the email statement only as `send an email to …`: `send the invoice to …` stays
  // a call of the process's own `to send …` procedure. A synonym (`display`) gives way to
  // the process's own procedure of that verb.
  const own = OWN_VERB_SET.has(verb) && (verb !== "send" || isSendEmail(c));
  const synonym = Object.hasOwn(VERB_SYNONYMS, verb) ? VERB_SYNONYMS[verb] : undefined;
  if (!own && ctx.procedures.has(verb)) {
    c.advance(1);
    return parseCall(c, start, node, ctx);
  }
  if (!own && synonym === undefined) unknownStatement(c, node, ctx);
  const means = synonym ?? verb;
  c.advance(1);
  // No closures here (one per line would be made): simple0 and spanOf are called directly.
  switch (means) {
    case "set":
    case "sort":
    case "round":
      return simple0(node, ctx, parseSetVerb(c, start, means));
    case "the result is": {
      // `return E` in a procedure: its result.
      const value = parseValueList(c);
      expectEnd(c);
      const target: NameRef = { kind: "name", key: "result", text: "the result", span: start };
      return simple0(node, ctx, { kind: "set", target, value, span: spanOf(start, c.last()) });
    }
    case "increase":
    case "decrease":
      return simple0(node, ctx, parseIncrease(c, start, means));
    case "clear": {
      const target = parseTarget(c);
      expectEnd(c);
      return simple0(node, ctx, { kind: "clear", target, span: spanOf(start, c.last()) });
    }
    case "prepend":
    case "append":
    case "insert":
      return simple0(node, ctx, parseInsert(c, start, means));
    case "say": {
      const value = parseExpr(c);
      expectEnd(c);
      return simple0(node, ctx, { kind: "say", value, span: spanOf(start, c.last()) });
    }
    case "use": {
      const value = parseExpr(c);
      c.expectWord("as", "'as the …'");
      const as = parseName(c);
      expectEnd(c);
      return simple0(node, ctx, { kind: "use", value, as, span: spanOf(start, c.last()) });
    }
    case "if":
    case "unless": {
      const cond = parseCondition(c, false);
      // `unless C` is `if not (C)`.
      const condition: typeof cond =
        means === "unless" ? { kind: "not", operand: cond, span: cond.span } : cond;
      if (!c.acceptWord("then") && !c.acceptPunct(",")) c.expectWord("then");
      const headSpan = spanOf(start, c.last());
      if (c.atEnd()) {
        const branchBody = indentedBody(node, ctx, "the steps to take when the condition holds");
        return {
          kind: "if",
          branches: [{ condition, body: branchBody, span: headSpan }],
          otherwise: null,
          span: headSpan,
        };
      }
      return parseOneLineIf(c, node, ctx, condition, headSpan);
    }
    case "process":
    case "for":
      return parseEach(c, start, node, ctx);
    case "repeat": {
      const adverb = c.peek();
      let times: Expr;
      if (adverb?.kind === "word" && Object.hasOwn(COUNT_ADVERBS, adverb.lower)) {
        // `repeat twice`, `repeat once`.
        c.advance(1);
        times = {
          kind: "number",
          value: String(COUNT_ADVERBS[adverb.lower]),
          span: spanOf(adverb, adverb),
        };
      } else {
        times = parseExpr(c);
        if (!c.acceptWord("times")) c.expectWord("time", "'times'");
      }
      expectEnd(c);
      const span = spanOf(start, c.last());
      return { kind: "repeat", times, body: indentedBody(node, ctx, "the steps to repeat"), span };
    }
    case "add":
    case "subtract":
    case "multiply":
    case "divide": {
      // `add V to T`, `subtract V from T`; `multiply T by V`, `divide T by V`.
      let target: ReturnType<typeof parseTarget>;
      let value: ReturnType<typeof parseExpr>;
      if (means === "add" || means === "subtract") {
        value = means === "subtract" ? valueBeforeFrom(c) : parseExpr(c);
        c.expectWord(means === "add" ? "to" : "from");
        target = parseTarget(c);
      } else {
        target = parseTarget(c);
        c.expectWord("by");
        value = parseExpr(c);
      }
      expectEnd(c);
      return simple0(node, ctx, {
        kind: "update",
        op: means,
        target,
        value,
        span: spanOf(start, c.last()),
      });
    }
    case "imagine": {
      if (c.acceptWord("a") || c.acceptWord("an")) {
        c.acceptWord("empty");
        const shape = shapeWord(c, "'record'");
        c.expectWord("as");
        const target = parseName(c);
        expectEnd(c);
        return simple0(node, ctx, {
          kind: "imagine",
          target,
          shape,
          span: spanOf(start, c.last()),
        });
      }
      const target = parseName(c);
      let shape: "list" | "record" = "list";
      if (c.acceptWord("as")) {
        if (!c.acceptWord("a")) c.acceptWord("an");
        c.acceptWord("empty");
        shape = shapeWord(c, "'a record'");
      }
      expectEnd(c);
      return simple0(node, ctx, { kind: "imagine", target, shape, span: spanOf(start, c.last()) });
    }
    case "get":
    case "find": {
      const value = parseExpr(c);
      const as = optionalAs(c);
      expectEnd(c);
      return simple0(node, ctx, {
        kind: "get",
        mode: means,
        value,
        as,
        span: spanOf(start, c.last()),
      });
    }
    case "ask":
      return parseAsk(c, start, node, ctx);
    case "send":
      return parseSendEmail(c, start, node, ctx);
    case "validate":
      return parseValidate(c, start, node, ctx);
    case "to":
      return parseProcedure(c, start, node, ctx);
    case "read": {
      const e = parseExpr(c);
      if (e.kind !== "convert" || e.to !== "table") c.unexpected("'as a table'");
      const as = optionalAs(c);
      expectEnd(c);
      return simple0(node, ctx, {
        kind: "readTable",
        source: e.operand,
        as,
        span: spanOf(start, c.last()),
      });
    }
    case "stop":
      expectEnd(c);
      return simple0(node, ctx, { kind: "stop", span: spanOf(start, c.last()) });
    case "fail": {
      c.expectWord("with");
      const message = parseExpr(c);
      expectEnd(c);
      return simple0(node, ctx, { kind: "fail", message, span: spanOf(start, c.last()) });
    }
    case "ensure":
      return c.fail("'ensure' lines belong under 'validate the following'", start);
    default:
      // `else` / `otherwise` are handled by the block parser.
      return c.fail(`'${start.text}' must follow an 'if … then' block`, start);
  }
}
