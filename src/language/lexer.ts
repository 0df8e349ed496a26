// Splits one source line into tokens. Quoted text keeps its `{…}` interpolations as
// nested token lists whose columns point into the original line.
import type { Span } from "./ast.ts";
import {
  CONTRACTIONS,
  CURRENCY_CODES,
  CURRENCY_SYMBOLS,
  DATE_HINT,
  PERCENT_WORDS,
} from "./phrasings.ts";

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
// A comma followed by exactly three digits belongs to the number (1,250); see phrasings.ts.
// A space does not: two numbers side by side are a call's two arguments (`resize 100 200`).
const DIGITS_RE = /(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?/y;
const AMBIGUOUS_COMMA_RE = /(?:,\d+(?:\.\d+)?)+/y;
/** `2026-05-04` or `04/05/2026` without quotes would be arithmetic. */
const UNQUOTED_DATE_RE = /\d{4}-\d{2}-\d{2}(?![\d])|\d{1,2}\/\d{1,2}\/\d{4}(?![\d])/y;
const SYMBOLS = new Set(CURRENCY_SYMBOLS);
/** The currency codes as numbers of their three lower-case letters: a test that slices nothing. */
const CODE_KEYS: ReadonlySet<number> = new Set(
  CURRENCY_CODES.map((c) => codeKey(c.toLowerCase(), 0)),
);

/** Three ASCII letters at `at` as one number (case folded), or -1. */
function codeKey(src: string, at: number): number {
  let key = 0;
  for (let i = 0; i < 3; i++) {
    const c = src.charCodeAt(at + i) | 32;
    if (c < 97 || c > 122) return -1;
    key = key * 32 + (c - 96);
  }
  return key;
}
const PERCENT_RE = new RegExp(
  `\\s*(?:%|(?:${PERCENT_WORDS.join("|").replace(/ /g, "\\s+")})(?![\\p{L}\\p{N}_]))`,
  "iuy",
);
const CODE_AFTER_RE = /\s*(\p{L}{3})(?![\p{L}\p{N}_])/uy;
const CODE_BEFORE_RE = /(\p{L}{3})\s*(?=[\d$€£¥])/uy;
const PLAIN_TEXT_RE = /[^\\"\u201c\u201d{}]+/y;
const PUNCT2 = new Set([">=", "<=", "!=", "<>"]);
const PUNCT1 = new Set(["+", "-", "*", "/", "=", ">", "<", "(", ")", ","]);
const MAX_TEXT_NESTING = 20;

/** A digit, a currency symbol, or a currency code and a space or digit (`EUR 40`). */
function mayStartNumber(src: string, at: number): boolean {
  const c = src.charCodeAt(at);
  if (c >= 48 && c <= 57) return true;
  // Every word reaches here: letters are tested before the symbols' set.
  if ((c | 32) >= 97 && (c | 32) <= 122) {
    const after = src.charCodeAt(at + 3);
    return (after === 32 || (after >= 48 && after <= 57)) && CODE_KEYS.has(codeKey(src, at));
  }
  return SYMBOLS.has(src[at]!);
}

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
    // One object literal (no spread of a span): the lexer makes one per word.
    const line = this.line;
    return {
      kind,
      text,
      lower: text.toLowerCase(),
      line,
      col: from + 1,
      endLine: line,
      endCol: to + 1,
    };
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
      const num = mayStartNumber(src, start) ? this.number(start) : null;
      if (num) {
        out.push(num);
        continue;
      }
      WORD_RE.lastIndex = start;
      const word = WORD_RE.exec(src);
      if (word) {
        this.pos = start + word[0].length;
        const split = this.contraction(start, word[0]);
        if (split) out.push(...split);
        else out.push(this.token("word", start, this.pos));
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

  /** `isn't` -> `is` `not` (phrasings.ts CONTRACTIONS), or null. */
  contraction(start: number, word: string): Token[] | null {
    const src = this.src;
    const end = start + word.length;
    const t = src.charCodeAt(end + 1);
    if ((t !== 116 && t !== 84) || !APOSTROPHES.has(src[end]!)) return null;
    const after = src[end + 2];
    if (after !== undefined && WORD_CHAR_RE.test(after)) return null;
    const key = word.toLowerCase();
    if (!Object.hasOwn(CONTRACTIONS, key)) return null;
    const parts = CONTRACTIONS[key]!;
    this.pos = end + 2;
    const first = this.token("word", start, end - 1, parts[0]);
    const second = this.token("word", end - 1, end + 2, parts[1]);
    return [first, second];
  }

  /**
   * A number as people write it, or null: an optional currency symbol or code before
   * or after, thousands separators, decimals, `%` or `percent`. The token's `lower` is
   * the canonical text ("$3,400.50" -> "3400.50", "7.5 percent" -> "7.5%").
   */
  number(start: number): Token | null {
    const src = this.src;
    let pos = start;
    const ch = src[pos]!;
    const digitFirst = ch >= "0" && ch <= "9";
    if (SYMBOLS.has(ch)) pos++;
    else if (!digitFirst) {
      // Only a three-letter currency code followed by a number (`EUR 40`).
      const after = src.charCodeAt(pos + 3);
      if (after !== 32 && !(after >= 48 && after <= 57)) return null;
      if (!CODE_KEYS.has(codeKey(src, pos))) return null;
      CODE_BEFORE_RE.lastIndex = pos;
      const code = CODE_BEFORE_RE.exec(src);
      if (!code) return null;
      pos += code[0].length;
      if (SYMBOLS.has(src[pos]!)) pos++;
    }
    DIGITS_RE.lastIndex = pos;
    const digits = DIGITS_RE.exec(src);
    if (!digits) return null;
    UNQUOTED_DATE_RE.lastIndex = pos;
    const date = UNQUOTED_DATE_RE.exec(src);
    if (date) {
      this.fail(start, pos + date[0].length, `'${date[0]}' looks like a date: ${DATE_HINT}`);
    }
    pos += digits[0].length;
    if (src[pos] === ",") {
      AMBIGUOUS_COMMA_RE.lastIndex = pos;
      const comma = AMBIGUOUS_COMMA_RE.exec(src);
      if (comma) this.ambiguousComma(start, pos, digits[0], comma[0]);
    }
    let canonical = digits[0].includes(",") ? digits[0].replace(/,/g, "") : digits[0];
    // What may follow: `%` / `percent`, a currency symbol, or a currency code.
    let next = pos;
    while (src[next] === " ") next++;
    const after = src[next];
    if (after === "%" || after === "p" || after === "P") {
      PERCENT_RE.lastIndex = pos;
      const percent = PERCENT_RE.exec(src);
      if (percent) {
        pos += percent[0].length;
        canonical += "%";
      }
    } else if (after !== undefined && SYMBOLS.has(after) && next === pos && !SYMBOLS.has(ch)) {
      pos++;
    } else if (digitFirst && after !== undefined && CODE_KEYS.has(codeKey(src, next))) {
      CODE_AFTER_RE.lastIndex = pos;
      if (CODE_AFTER_RE.exec(src)) pos = CODE_AFTER_RE.lastIndex;
    }
    this.pos = pos;
    const token = this.token("number", start, pos);
    token.lower = canonical;
    return token;
  }

  /** `12,50`, `1,2345`, `1,2,3`: a comma between digits that is no thousands separator. */
  ambiguousComma(start: number, end: number, before: string, rest: string): never {
    const parts = rest.split(",").slice(1);
    const whole = `${before}${rest}`;
    const plain = before.replace(/,/g, "");
    const rewrites = [`${[plain, ...parts].join(", ")} (with a space) for a list`];
    const after = parts[0]!;
    if (parts.length === 1 && !before.includes(".") && !after.includes(".")) {
      if (!before.includes(",") && after.length <= 2)
        rewrites.unshift(`${plain}.${after} for a decimal`);
      const n = `${plain}${after}`;
      const grouped = n.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      rewrites.push(n === grouped ? `${n} for one number` : `${n} or ${grouped} for one number`);
    }
    this.fail(
      start,
      end + rest.length,
      `'${whole}' is ambiguous: a comma between digits separates thousands only when exactly three digits follow it. Write ${rewrites.join(", or ")}`,
    );
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
