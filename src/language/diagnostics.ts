// Diagnostics: what the parser reports, how it is formatted, and "did you mean" help.
import { distance } from "fastest-levenshtein";
import type { Span } from "./ast.ts";
import { KNOWN_PHRASES } from "./words.ts";

export interface Diagnostic {
  severity: "error" | "warning";
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  message: string;
  /** The offending source text. */
  words: string;
  suggestion?: string;
}

export const MAX_DIAGNOSTICS = 100;
const MAX_WORDS = 120;

/** `FILE:LINE:COLUMN: message`. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.line}:${d.col}: ${d.message}`;
}

/** Shortens long source text for messages. */
export function clip(text: string, max = MAX_WORDS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function makeDiagnostic(
  span: Span,
  message: string,
  words: string,
  suggestion?: string,
): Diagnostic {
  const d: Diagnostic = {
    severity: "error",
    line: span.line,
    col: span.col,
    endLine: span.endLine,
    endCol: span.endCol,
    message,
    words: clip(words),
  };
  if (suggestion !== undefined) d.suggestion = suggestion;
  return d;
}

/** Sorts by position and caps the count, ending with one "… and N more" entry. */
export function finishDiagnostics(all: Diagnostic[], max = MAX_DIAGNOSTICS): Diagnostic[] {
  const sorted = all
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map((x) => x.d);
  if (sorted.length <= max) return sorted;
  const kept = sorted.slice(0, max);
  const last = kept[kept.length - 1]!;
  const more = sorted.length - max;
  kept.push({
    severity: "error",
    line: last.line,
    col: last.col,
    endLine: last.endLine,
    endCol: last.endCol,
    message: `… and ${more} more error${more === 1 ? "" : "s"}`,
    words: "",
  });
  return kept;
}

function closeEnough(word: string, candidate: string): number | null {
  if (word.length > 40 || word === candidate) return null;
  const d = distance(word, candidate);
  const limit = word.length <= 3 ? 2 : Math.max(2, Math.floor(candidate.length / 4));
  return d <= limit && d < candidate.length ? d : null;
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function suggestWord(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = closeEnough(w, c);
    if (d !== null && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/**
 * A verb close to `word`: one edit, two that only move its letters (`sya` -> `say`), or
 * the verb with an ending (`sorted` -> `sort`). Verbs are short, so two other edits reach
 * unrelated ones (`last` is no misspelt `let`, `a` no misspelt `add`).
 */
export function suggestVerb(word: string, verbs: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const letters = (x: string) => [...x].sort().join("");
  const fits = [...verbs].filter((v) => {
    if (w === v || w.length > 40) return false;
    const d = distance(w, v);
    return d <= 1 || (d === 2 && (letters(w) === letters(v) || w.startsWith(v)));
  });
  return suggestWord(w, fits);
}

/**
 * A known phrase close to the words around `index` (windows of 1 to 3 words that
 * include it), e.g. "divded by" -> "divided by".
 */
export function suggestPhrase(words: readonly string[], index: number): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (let len = 3; len >= 1; len--) {
    for (let start = index - len + 1; start <= index; start++) {
      if (start < 0 || start + len > words.length) continue;
      const window = words.slice(start, start + len).join(" ");
      for (const phrase of KNOWN_PHRASES) {
        if (phrase.split(" ").length !== len) continue;
        const d = closeEnough(window, phrase);
        if (d !== null && d < bestD) {
          best = phrase;
          bestD = d;
        }
      }
    }
  }
  return best;
}
