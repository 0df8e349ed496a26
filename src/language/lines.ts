// Turns source text into a tree of lines by indentation. Every line with tokens
// becomes a node; more-indented lines below it become its children. Whether a line
// may have children is decided later, by the statement parser.
import type { Span } from "./ast.ts";
import { type Diagnostic, makeDiagnostic } from "./diagnostics.ts";
import { type LexError, lexLine, type Token } from "./lexer.ts";

export interface LineNode {
  lineNo: number;
  indent: number;
  text: string;
  tokens: Token[];
  lexError: LexError | null;
  children: LineNode[];
}

/** How deeply blocks may nest. */
export const MAX_BLOCK_DEPTH = 100;

function indentOf(text: string): number {
  let n = 0;
  for (const ch of text) {
    if (ch === " ") n += 1;
    else if (ch === "\t") n += 2;
    else break;
  }
  return n;
}

/** The span of a line's visible text (without indentation). */
export function lineSpan(node: LineNode): Span {
  const first = node.tokens[0];
  const last = node.tokens[node.tokens.length - 1];
  if (first && last) {
    return { line: node.lineNo, col: first.col, endLine: node.lineNo, endCol: last.endCol };
  }
  const start = node.text.length - node.text.trimStart().length;
  return {
    line: node.lineNo,
    col: start + 1,
    endLine: node.lineNo,
    endCol: node.text.trimEnd().length + 1,
  };
}

/** A line's visible text (up to its last token, so without a trailing comment). */
export function lineWords(node: LineNode): string {
  const span = lineSpan(node);
  return node.text.slice(span.col - 1, span.endCol - 1);
}

interface Block {
  indent: number;
  children: LineNode[];
}

export function buildLines(source: string, diagnostics: Diagnostic[]): LineNode[] {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const raw = text.split(/\r\n|\n|\r/);
  const root: Block = { indent: -1, children: [] };
  const stack: Block[] = [root];
  let skipDeeperThan = -1; // while > -1: lines more indented than this are skipped
  for (let i = 0; i < raw.length; i++) {
    const lineText = raw[i]!;
    const { tokens, error } = lexLine(lineText, i + 1);
    if (tokens.length === 0 && !error) continue;
    const node: LineNode = {
      lineNo: i + 1,
      indent: indentOf(lineText),
      text: lineText,
      tokens,
      lexError: error,
      children: [],
    };
    if (skipDeeperThan >= 0) {
      if (node.indent > skipDeeperThan) continue;
      skipDeeperThan = -1;
    }
    if (root.indent < 0) root.indent = node.indent;
    let popped = false;
    while (stack.length > 1 && node.indent < stack[stack.length - 1]!.indent) {
      stack.pop();
      popped = true;
    }
    let top = stack[stack.length - 1]!;
    if (node.indent < top.indent) {
      diagnostics.push(
        makeDiagnostic(
          lineSpan(node),
          `Line ${node.lineNo} is indented less than the first line of the process`,
          lineWords(node),
        ),
      );
    } else if (node.indent > top.indent) {
      const prev = top.children[top.children.length - 1];
      if (popped || !prev) {
        diagnostics.push(
          makeDiagnostic(
            lineSpan(node),
            `The indentation of line ${node.lineNo} (${node.indent} spaces) does not line up with any block above it`,
            lineWords(node),
          ),
        );
      } else if (stack.length > MAX_BLOCK_DEPTH) {
        diagnostics.push(
          makeDiagnostic(
            lineSpan(node),
            `Blocks are nested too deeply at line ${node.lineNo} (more than ${MAX_BLOCK_DEPTH} levels)`,
            lineWords(node),
          ),
        );
        skipDeeperThan = top.indent;
        continue;
      } else {
        top = { indent: node.indent, children: prev.children };
        stack.push(top);
      }
    }
    top.children.push(node);
  }
  return root.children;
}
