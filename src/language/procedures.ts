// Procedure phrases: `to VERB …` headers and the calls that match them.
import type { CallArg, Expr, PhrasePart } from "./ast.ts";
import { type Cursor, LimitError, ParseError, spanOf } from "./cursor.ts";
import { nameRef, parseExpr, readNameWords } from "./expressions.ts";
import type { Token } from "./lexer.ts";
import { ARTICLES, PARAMETER_ENDS } from "./words.ts";

/**
 * The words of a parameter after its article: up to the next article, a preposition or
 * conjunction (PARAMETER_ENDS), or a word no name can hold (STOP_WORDS).
 */
function readParamWords(c: Cursor): Token[] {
  const saved = c.extraStops;
  c.extraStops = PARAMETER_ENDS;
  try {
    return readNameWords(c);
  } finally {
    c.extraStops = saved;
  }
}

/**
 * The phrase after `to`: the verb, fixed words, and parameters (`a`/`an`/`the` + the
 * words up to the next article or preposition, see readParamWords).
 */
export function parsePhrase(c: Cursor): PhrasePart[] {
  const verb = c.peek();
  if (verb?.kind !== "word" || ARTICLES.has(verb.lower)) {
    return c.unexpected("a verb after 'to' (as in 'to approve an invoice')");
  }
  c.advance(1);
  const parts: PhrasePart[] = [{ kind: "word", word: verb.lower }];
  while (!c.atEnd()) {
    const t = c.next();
    if (t.kind !== "word") c.unexpected("a word", t);
    if (ARTICLES.has(t.lower)) {
      const words = readParamWords(c);
      if (words.length === 0) c.unexpected(`a name after '${t.text}'`);
      parts.push({ kind: "param", name: nameRef(t, words) });
    } else {
      parts.push({ kind: "word", word: t.lower });
    }
  }
  return parts;
}

/** A phrase as written in a header, for messages. */
export function phraseText(phrase: PhrasePart[]): string {
  return phrase.map((p) => (p.kind === "word" ? p.word : p.name.text)).join(" ");
}

function parseArg(c: Cursor): Expr {
  const t = c.peek();
  if (t?.kind === "word" && (t.lower === "a" || t.lower === "an")) {
    c.advance(1);
    const words = readNameWords(c);
    if (words.length === 0) c.unexpected(`a name after '${t.text}'`);
    return nameRef(t, words);
  }
  return parseExpr(c);
}

export interface CallMatch {
  phrase: PhrasePart[];
  args: CallArg[];
  where: boolean;
}

function matchOne(c: Cursor, phrase: PhrasePart[]): CallMatch {
  const args: CallArg[] = [];
  for (let i = 1; i < phrase.length; i++) {
    const part = phrase[i]!;
    if (part.kind === "word") {
      if (!c.isWord(part.word)) c.unexpected(`'${part.word}'`);
      c.advance(1);
      continue;
    }
    const next = phrase[i + 1];
    const saved = c.extraStops;
    if (next?.kind === "word") c.extraStops = new Set([next.word]);
    try {
      args.push({ param: part.name.key, value: parseArg(c) });
    } finally {
      c.extraStops = saved;
    }
  }
  const where = c.acceptWord("where") !== null;
  if (!c.atEnd()) c.unexpected(where ? "the end of the line after 'where'" : "the end of the call");
  return { phrase, args, where };
}

/** Matches the tokens after a verb against the procedures that share that verb. */
export function matchCall(c: Cursor, candidates: PhrasePart[][]): CallMatch {
  const start = c.mark();
  const sorted = [...candidates].sort((a, b) => b.length - a.length);
  for (const phrase of sorted) {
    try {
      return matchOne(c, phrase);
    } catch (err) {
      if (err instanceof LimitError || !(err instanceof ParseError)) throw err;
      c.reset(start);
    }
  }
  const verb = c.peek(-1) ?? c.last();
  const lastTok = c.tokens[c.tokens.length - 1] ?? verb;
  const words = c.lineText.slice(verb.col - 1, lastTok.endCol - 1);
  const options = sorted.map((p) => `'${phraseText(p)}'`).join(" or ");
  const suggestion = sorted[0] ? phraseText(sorted[0]) : undefined;
  throw new ParseError(
    `'${words}' does not match the procedure ${options}`,
    spanOf(verb, lastTok),
    words,
    suggestion,
  );
}
