// Parses a block of sibling lines into statements: attaches `else`/`otherwise` lines
// to the `if` before them, and turns each failed line into a diagnostic.
import type { IfStmt, PhrasePart, Stmt } from "./ast.ts";
import { Cursor, ParseError, spanOf } from "./cursor.ts";
import { parseCondition } from "./expressions.ts";
import type { LineNode } from "./lines.ts";
import { lineWords } from "./lines.ts";
import { ELSE_WORDS } from "./phrasings.ts";
import { indentedBody, parseStatement, type StmtContext } from "./statements.ts";

export interface BlockParser {
  procedures: Map<string, PhrasePart[][]>;
  report(error: ParseError): void;
}

function context(parser: BlockParser, depth: number): StmtContext {
  return {
    procedures: parser.procedures,
    depth,
    report: parser.report,
    parseBlock: (nodes, d) => parseBlock(parser, nodes, d),
  };
}

/** Parses children of a failed line only to report their own errors. */
function parseForDiagnostics(parser: BlockParser, node: LineNode, depth: number): void {
  if (node.children.length > 0) parseBlock(parser, node.children, depth + 1);
}

function lexErrorOf(node: LineNode): ParseError | null {
  if (!node.lexError) return null;
  const e = node.lexError;
  const words = node.text.slice(e.col - 1, e.endCol - 1) || lineWords(node);
  const quoted = e.message.includes(`'${words}'`);
  return new ParseError(
    quoted ? e.message : `${e.message}: '${words.length > 60 ? `${words.slice(0, 60)}…` : words}'`,
    e,
    words,
  );
}

/** `else`, `otherwise`, `else if C then` (block or one-line forms), added to `target`. */
function parseElse(c: Cursor, node: LineNode, target: IfStmt, ctx: StmtContext): boolean {
  c.advance(1);
  c.acceptPunct(",");
  if (c.isWord("if")) {
    c.advance(1);
    const start = c.tokens[0]!;
    const condition = parseCondition(c, false);
    c.expectWord("then");
    const span = spanOf(start, c.last());
    const body = c.atEnd()
      ? indentedBody(node, ctx, "the steps to take when the condition holds")
      : [parseStatement(c, node, ctx)];
    target.branches.push({ condition, body, span });
    return true;
  }
  const body = c.atEnd()
    ? indentedBody(node, ctx, "the steps to take otherwise")
    : [parseStatement(c, node, ctx)];
  target.otherwise = body;
  return false;
}

export function parseBlock(parser: BlockParser, nodes: LineNode[], depth: number): Stmt[] {
  const out: Stmt[] = [];
  const ctx = context(parser, depth);
  let openIf: IfStmt | null = null; // the `if` an `else` line may continue
  let lastFailed = false;
  for (const node of nodes) {
    const lexError = lexErrorOf(node);
    if (lexError) {
      parser.report(lexError);
      parseForDiagnostics(parser, node, depth);
      lastFailed = true;
      openIf = null;
      continue;
    }
    const c = new Cursor(node.tokens, node.text);
    const first = c.peek();
    const isElse = first?.kind === "word" && ELSE_WORDS.includes(first.lower);
    try {
      if (isElse) {
        if (!openIf) {
          if (lastFailed) {
            parseForDiagnostics(parser, node, depth);
            continue;
          }
          return c.fail(
            `'${first.text}' must follow an 'if … then' block at the same indentation`,
            first,
          );
        }
        const target: IfStmt = openIf;
        openIf = null;
        if (parseElse(c, node, target, ctx)) openIf = target;
        lastFailed = false;
        continue;
      }
      const stmt = parseStatement(c, node, ctx);
      out.push(stmt);
      openIf = stmt.kind === "if" && !stmt.otherwise ? stmt : null;
      lastFailed = false;
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      parser.report(err);
      parseForDiagnostics(parser, node, depth);
      lastFailed = true;
      openIf = null;
    }
  }
  return out;
}
