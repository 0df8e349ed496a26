// Splits one source line into tokens. Quoted text keeps its `{…}` interpolations as
// nested token lists whose columns point into the original line.
import type { Span } from "./ast.ts";

export type TokenKind = "word" | "number" | "text" | "punct";

export interface Interpolation extends Span {
  tokens: Token[];
}

/** Literal text, or the tokens of a `{…}` interpolation. */
export type TextPart = string | Interpolation;

export interface Token extends Span {
  kind: TokenKind;
  /** The source text of the token (for punctuation, its canonical form). */
  text: string;
  /** Lower-case text, for keyword comparisons. */
  lower: string;
  /** For quoted text: literal parts and interpolations, in order. */
  parts?: TextPart[];
}

export interface LexError extends Span {
  message: string;
}

export interface LexResult {
  tokens: Token[];
  error: LexError | null;
}

const QUOTES = new Set(['"', "\u201c", "\u201d"]);
const APOSTROPHES = new Set(["'", "\u2018", "\u2019"]);
const SPACES = new Set([" ", "\t", "\u00a0", "\r"]);
const WORD_RE = /[\p{L}_][\p{L}\p{M}\p{N}_]*(?:-[\p{L}_][\p{L}\p{M}\p{N}_]*)*/uy;
const WORD_CHAR_RE = /[\p{L}\p{M}\p{N}_]/u;
const NUMBER_RE = /\$?\d+(?:\.\d+)?%?/y;
const PLAIN_TEXT_RE = /[^\\"\u201c\u201d{}]+/y;
const PUNCT2 = new Set([">=", "<=", "!=", "<>"]);
const PUNCT1 = new Set(["+", "-", "*", "/", "=", ">", "<", "(", ")", ","]);
const MAX_TEXT_NESTING = 20;

class LexFail {
  constructor(readonly error: LexError) {}
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0xfffd) {
    return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return ch;
}

class Lexer {
  pos = 0;
  nesting = 0;
  constructor(
    readonly src: string,
    readonly line: number,
  ) {}

  span(from: number, to: number): Span {
    return { line: this.line, col: from + 1, endLine: this.line, endCol: to + 1 };
  }

  fail(from: number, to: number, message: string): never {
    throw new LexFail({ ...this.span(from, to), message });
  }

  token(kind: TokenKind, from: number, to: number, text = this.src.slice(from, to)): Token {
    return { kind, text, lower: text.toLowerCase(), ...this.span(from, to) };
  }

  /** Tokens up to the end of the line, or (inside `{…}`) up to the closing brace. */
  tokens(openBrace: number): Token[] {
    const out: Token[] = [];
    const src = this.src;
    const inText = openBrace >= 0;
    for (;;) {
      while (this.pos < src.length && SPACES.has(src[this.pos]!)) this.pos++;
      if (this.pos >= src.length) {
        if (inText) this.fail(openBrace, src.length, "The '{' in this text has no matching '}'");
        return out;
      }
      const start = this.pos;
      const ch = src[start]!;
      if (ch === "#" && !inText) {
        this.pos = src.length;
        return out;
      }
      if (ch === "}" && inText) return out;
      if (QUOTES.has(ch)) {
        out.push(this.text(openBrace));
        continue;
      }
      NUMBER_RE.lastIndex = start;
      const num = NUMBER_RE.exec(src);
      if (num && (ch !== "$" || num[0].length > 1)) {
        this.pos = start + num[0].length;
        out.push(this.token("number", start, this.pos));
        continue;
      }
      WORD_RE.lastIndex = start;
      const word = WORD_RE.exec(src);
      if (word) {
        this.pos = start + word[0].length;
        out.push(this.token("word", start, this.pos));
        continue;
      }
      if (APOSTROPHES.has(ch)) {
        const s = src[start + 1];
        const after = src[start + 2];
        if ((s === "s" || s === "S") && (after === undefined || !WORD_CHAR_RE.test(after))) {
          this.pos = start + 2;
          out.push(this.token("punct", start, this.pos, "'s"));
        } else {
          this.pos = start + 1;
          out.push(this.token("punct", start, this.pos, "'"));
        }
        continue;
      }
      const two = src.slice(start, start + 2);
      if (PUNCT2.has(two)) {
        this.pos = start + 2;
        out.push(this.token("punct", start, this.pos, two === "<>" ? "!=" : two));
        continue;
      }
      if (PUNCT1.has(ch)) {
        this.pos = start + 1;
        out.push(this.token("punct", start, this.pos));
        continue;
      }
      const cp = String.fromCodePoint(src.codePointAt(start) ?? 0);
      this.fail(start, start + cp.length, `I don't understand the character '${describeChar(cp)}'`);
    }
  }

  /** Quoted text starting at `this.pos`. */
  text(enclosingBrace: number): Token {
    const src = this.src;
    const start = this.pos;
    this.pos++;
    if (++this.nesting > MAX_TEXT_NESTING) {
      this.fail(start, src.length, "Quotes and {…} are nested too deeply in this text");
    }
    const parts: TextPart[] = [];
    let buf = "";
    for (;;) {
      if (this.pos >= src.length) {
        if (enclosingBrace >= 0) {
          this.fail(enclosingBrace, src.length, "The '{' in this text has no matching '}'");
        }
        this.fail(start, src.length, "This text has no closing quote");
      }
      PLAIN_TEXT_RE.lastIndex = this.pos;
      const plain = PLAIN_TEXT_RE.exec(src);
      if (plain) {
        buf += plain[0];
        this.pos += plain[0].length;
        continue;
      }
      const ch = src[this.pos]!;
      const next = src[this.pos + 1];
      if (ch === "\\") {
        if (next !== undefined && (next === "\\" || QUOTES.has(next))) {
          buf += next;
          this.pos += 2;
        } else {
          buf += ch;
          this.pos++;
        }
        continue;
      }
      if (QUOTES.has(ch)) {
        this.pos++;
        break;
      }
      if (ch === "{" && next !== "{") {
        if (buf) parts.push(buf);
        buf = "";
        const open = this.pos;
        this.pos++;
        const inner = this.tokens(open);
        this.pos++; // the closing brace
        parts.push({ ...this.span(open, this.pos), tokens: inner });
        continue;
      }
      // "{{", "}}" and a lone "}" are literal braces.
      buf += ch;
      this.pos += ch === next ? 2 : 1;
    }
    if (buf) parts.push(buf);
    this.nesting--;
    const token = this.token("text", start, this.pos);
    token.lower = token.text;
    token.parts = parts;
    return token;
  }
}

/** Tokens of one line (comments dropped); on a lexical error, the error and no tokens. */
export function lexLine(text: string, line: number): LexResult {
  const lexer = new Lexer(text, line);
  try {
    return { tokens: lexer.tokens(-1), error: null };
  } catch (e) {
    if (e instanceof LexFail) return { tokens: [], error: e.error };
    throw e;
  }
}
