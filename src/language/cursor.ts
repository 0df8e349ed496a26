// A position in one line's tokens, with the helpers every parsing module shares:
// keyword tests, spans, nesting limits and error construction.
import type { Span } from "./ast.ts";
import { clip, suggestPhrase } from "./diagnostics.ts";
import type { Token } from "./lexer.ts";
import { DATE_HINT, MONTHS, WORD_HINTS } from "./phrasings.ts";
import { STOP_WORDS } from "./words.ts";

/** How deeply parentheses, `not`, aggregates and interpolations may nest in one line. */
export const MAX_NESTING = 100;
/** How many operators one line may chain (keeps trees shallow enough to walk). */
export const MAX_CHAIN = 2000;

export class ParseError extends Error {
  constructor(
    message: string,
    readonly span: Span,
    readonly words: string,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

/** A limit was hit: never retried by backtracking. */
export class LimitError extends ParseError {}

interface Shared {
  depth: number;
  chain: number;
}

export interface Mark {
  pos: number;
  depth: number;
  chain: number;
}

const NO_STOPS: ReadonlySet<string> = new Set();

const MONTH_WORDS = new Set([...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))]);

/** `10 000`: a number written with a space for thousands, and its rewrite. */
function spacedNumber(
  tokens: readonly Token[],
  index: number,
): { words: string; hint: string; rewrite: string } | null {
  const t = tokens[index]!;
  const prev = tokens[index - 1];
  if (t.kind !== "number" || prev?.kind !== "number" || !/^\d{3}(?:\.\d+)?$/.test(t.text))
    return null;
  if (!/^\d{1,3}$/.test(prev.text)) return null;
  const rewrite = `${prev.text},${t.text}`;
  return {
    words: `${prev.text} ${t.text}`,
    hint: `write ${prev.text}${t.text} or ${rewrite} (a number has no spaces)`,
    rewrite,
  };
}

/** A whole-phrase hint for the unexpected token at `index`: a date without quotes, or WORD_HINTS. */
function hintAt(tokens: readonly Token[], index: number): string | undefined {
  const t = tokens[index]!;
  if (t.kind === "word" && MONTH_WORDS.has(t.lower)) return DATE_HINT;
  if (t.kind === "word" && Object.hasOwn(WORD_HINTS, t.lower)) return WORD_HINTS[t.lower];
  return undefined;
}

/** A node of a phrases' trie: the phrase that ends here, and the words that go on. */
export interface Trie<P> {
  phrase: P | null;
  next: Map<string, Trie<P>>;
}

/** Phrases as a trie of their words; the first of two equal phrases wins. */
export function phraseTrie<P extends { words: readonly string[] }>(phrases: readonly P[]): Trie<P> {
  const root: Trie<P> = { phrase: null, next: new Map() };
  for (const p of phrases) {
    let node = root;
    for (const w of p.words) {
      let next = node.next.get(w);
      if (!next) {
        next = { phrase: null, next: new Map() };
        node.next.set(w, next);
      }
      node = next;
    }
    node.phrase ??= p;
  }
  return root;
}

/** The longest phrase of `root` at the cursor (consumed), or null. */
export function matchTrie<P extends { words: readonly string[] }>(
  c: Cursor,
  root: Trie<P>,
): P | null {
  let node: Trie<P> = root;
  let found: P | null = null;
  for (let i = 0; ; i++) {
    const t = c.peek(i);
    if (!t || (t.kind !== "word" && t.kind !== "punct")) break;
    const next = node.next.get(t.kind === "word" ? t.lower : t.text);
    if (!next) break;
    node = next;
    if (node.phrase) found = node.phrase;
  }
  if (found) c.advance(found.words.length);
  return found;
}

/** A table of phrases (`{ phrase: "in descending order", … }`) as a trie of their words. */
export function tableTrie<E extends { phrase: string }>(
  table: readonly E[],
): Trie<E & { words: readonly string[] }> {
  return phraseTrie(table.map((e) => ({ ...e, words: e.phrase.split(" ") })));
}

export function spanOf(from: Span, to: Span): Span {
  return { line: from.line, col: from.col, endLine: to.endLine, endCol: to.endCol };
}

export class Cursor {
  pos = 0;
  /** Extra words that end a name or an expression here (a call's next phrase word). */
  extraStops: ReadonlySet<string> = NO_STOPS;

  constructor(
    readonly tokens: readonly Token[],
    readonly lineText: string,
    readonly shared: Shared = { depth: 0, chain: 0 },
  ) {}

  /** A cursor over an interpolation's tokens, sharing this line's limits. */
  sub(tokens: readonly Token[]): Cursor {
    return new Cursor(tokens, this.lineText, this.shared);
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  next(): Token {
    const t = this.tokens[this.pos];
    if (!t) this.fail("This line ends too early");
    this.pos++;
    return t;
  }

  advance(n: number): void {
    this.pos += n;
  }

  /** The last token consumed. */
  last(): Token {
    return this.tokens[Math.max(0, this.pos - 1)]!;
  }

  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === "word" && t.lower === word;
  }

  isPunct(p: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === "punct" && t.text === p;
  }

  acceptWord(word: string): Token | null {
    if (!this.isWord(word)) return null;
    return this.next();
  }

  acceptPunct(p: string): Token | null {
    if (!this.isPunct(p)) return null;
    return this.next();
  }

  expectWord(word: string, expected = `'${word}'`): Token {
    const t = this.acceptWord(word);
    if (!t) this.unexpected(expected);
    return t;
  }

  expectPunct(p: string): Token {
    const t = this.acceptPunct(p);
    if (!t) this.unexpected(`'${p}'`);
    return t;
  }

  isStop(lower: string): boolean {
    return STOP_WORDS.has(lower) || this.extraStops.has(lower);
  }

  mark(): Mark {
    return { pos: this.pos, depth: this.shared.depth, chain: this.shared.chain };
  }

  reset(m: Mark): void {
    this.pos = m.pos;
    this.shared.depth = m.depth;
    this.shared.chain = m.chain;
  }

  /** Enters one nesting level (parenthesis, `not`, aggregate…); see MAX_NESTING. */
  enter(at: Span): void {
    if (++this.shared.depth > MAX_NESTING) {
      throw new LimitError(
        `This line nests parentheses or phrases more than ${MAX_NESTING} levels deep`,
        at,
        this.lineText.slice(at.col - 1, at.endCol - 1),
      );
    }
  }

  leave(): void {
    this.shared.depth--;
  }

  /** Counts one more operator in this line; see MAX_CHAIN. */
  grow(): void {
    if (++this.shared.chain > MAX_CHAIN) {
      const at = this.peek() ?? this.last();
      throw new LimitError(
        `This line is too long: it chains more than ${MAX_CHAIN} operations`,
        at,
        this.lineText.slice(at.col - 1, at.endCol - 1),
      );
    }
  }

  /** The source text from `from` to the end of this cursor's tokens. */
  textFrom(from: Span): string {
    const last = this.tokens[this.tokens.length - 1];
    const end = last && last.endCol > from.col ? last.endCol : from.endCol;
    return this.lineText.slice(from.col - 1, end - 1);
  }

  fail(message: string, at?: Span, suggestion?: string): never {
    const where = at ?? this.peek() ?? this.last() ?? { line: 0, col: 1, endLine: 0, endCol: 1 };
    throw new ParseError(
      message,
      where,
      this.lineText.slice(where.col - 1, where.endCol - 1),
      suggestion,
    );
  }

  /** Whether a known phrase is close to the words at the cursor (a likely typo). */
  suggestsPhrase(): boolean {
    const t = this.peek();
    if (!t) return false;
    const words = this.tokens.map((x) => (x.kind === "word" ? x.lower : x.text));
    return suggestPhrase(words, this.tokens.indexOf(t)) !== undefined;
  }

  /** "I expected X but found 'rest of line'", with a did-you-mean where one is close. */
  unexpected(expected?: string, at?: Token): never {
    const t = at ?? this.peek();
    if (!t) {
      const last = this.last();
      const message = expected
        ? `This line ends too early: I expected ${expected} after '${clip(this.lineText.trim(), 60)}'`
        : "This line ends too early";
      throw new ParseError(
        message,
        last ?? { line: 0, col: 1, endLine: 0, endCol: 1 },
        last ? this.lineText.slice(last.col - 1, last.endCol - 1) : "",
      );
    }
    const words = this.textFrom(t);
    const index = this.tokens.indexOf(t);
    const suggestion = suggestPhrase(
      this.tokens.map((x) => (x.kind === "word" ? x.lower : x.text)),
      index,
    );
    let message = expected
      ? `I expected ${expected} but found '${clip(words, 60)}'`
      : `I don't understand '${clip(words, 60)}' here`;
    const spaced = spacedNumber(this.tokens, index);
    if (spaced) {
      const prev = this.tokens[index - 1]!;
      throw new ParseError(
        `'${spaced.words}' is not a number: ${spaced.hint}`,
        spanOf(prev, t),
        spaced.words,
        spaced.rewrite,
      );
    }
    const hint = hintAt(this.tokens, index);
    if (hint) message += `: ${hint}`;
    else if (suggestion) message += `. Did you mean '${suggestion}'?`;
    const last = this.tokens[this.tokens.length - 1] ?? t;
    throw new ParseError(message, spanOf(t, last), words, suggestion);
  }
}
