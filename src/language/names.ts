// Fact names: normalization to lookup keys, and English plurals.
import pluralize from "pluralize";

/** "the Invoice  Total" -> "invoice total": lower case, leading "the " removed, spaces folded. */
export function normalizeName(text: string): string {
  const folded = text.trim().replace(/\s+/g, " ").toLowerCase();
  return folded.startsWith("the ") ? folded.slice(4) : folded;
}

function mapLastWord(name: string, f: (word: string) => string): string {
  const words = name.trim().split(/\s+/);
  const last = words.pop();
  if (last === undefined || last === "") return name;
  words.push(f(last));
  return words.join(" ");
}

/** "line" -> "lines", "entry" -> "entries", "open ticket" -> "open tickets". */
export function pluralOf(word: string): string {
  return mapLastWord(word, (w) => pluralize.plural(w));
}

/** "lines" -> "line", "open tickets" -> "open ticket". */
export function singularOf(word: string): string {
  return mapLastWord(word, (w) => pluralize.singular(w));
}
