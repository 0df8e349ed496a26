// The fixed vocabulary of the language: words that end a name, statement verbs,
// duration units, aggregate words, and phrases used for "did you mean" suggestions.
import type { AggregateFn, DurationUnit } from "./ast.ts";
import {
  COMPARISONS,
  COUNT_ADVERBS,
  DAY_WORDS,
  MONTHS,
  NUMBER_WORDS,
  OR_MORE,
  ROUNDING_PHRASES,
  STATEMENT_REWRITES,
  VERB_SYNONYMS,
  WEEKDAYS,
} from "./phrasings.ts";

/** Words that cannot be part of a name: a name's words stop before any of these. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  "the",
  "a",
  "an",
  "is",
  "are",
  "was",
  "were",
  "as",
  "of",
  "whose",
  "sorted",
  "joined",
  "split",
  "with",
  "in",
  "times",
  "plus",
  "minus",
  "multiplied",
  "divided",
  "rounded",
  "formatted",
  "trimmed",
  "and",
  "or",
  "nor",
  "not",
  "then",
  "to",
  "by",
  "from",
  "contains",
  "contain",
  "does",
  "do",
  "starts",
  "ends",
  "equals",
  "if",
  "else",
  "otherwise",
  "where",
  "than",
  "descending",
  "ascending",
  "replaced",
  "one",
  "decimals",
  "places",
  // First words of comparison phrases (phrasings.ts) that do not start with `is`.
  "exceeds",
  "exceed",
  "includes",
  "include",
  "begins",
  "exists",
  "comes",
]);

/**
 * Stop words that may still begin a name when a word that is not a stop word follows:
 * `the sorted rows`, `the rounded total`, `the split parts`, `the trimmed name`.
 */
export const LEADING_NAME_WORDS: ReadonlySet<string> = new Set([
  "sorted",
  "joined",
  "split",
  "rounded",
  "formatted",
  "trimmed",
  "replaced",
  "multiplied",
  "divided",
]);

export const ARTICLES: ReadonlySet<string> = new Set(["the", "a", "an"]);

/**
 * Prepositions and conjunctions that end a parameter in a procedure header (as do an
 * article and any word in STOP_WORDS): `to send a reminder to a customer about an
 * invoice` has the parameters `reminder`, `customer` and `invoice`.
 */
export const PARAMETER_ENDS: ReadonlySet<string> = new Set([
  "to",
  "about",
  "for",
  "with",
  "from",
  "in",
  "into",
  "on",
  "onto",
  "by",
  "at",
  "as",
  "of",
  "and",
  "or",
  "than",
  "via",
  "per",
  "after",
  "before",
  "over",
  "under",
  "between",
]);

/** First words of the built-in statements that no procedure may take. */
export const OWN_VERBS: readonly string[] = [
  "the",
  "say",
  "use",
  "if",
  "else",
  "otherwise",
  "process",
  "for",
  "repeat",
  "add",
  "subtract",
  "multiply",
  "divide",
  "imagine",
  "get",
  "find",
  "ask",
  "validate",
  "ensure",
  "to",
  "read",
  "send",
  "stop",
  "fail",
  // Everyday verbs (phrasings.ts STATEMENT_PHRASES).
  "set",
  "increase",
  "decrease",
  "sort",
  "round",
  "append",
  "prepend",
  "insert",
  "clear",
  "unless",
];

/**
 * First words of the built-in statements: OWN_VERBS and the synonyms of phrasings.ts
 * VERB_SYNONYMS (which a process's own procedure of the same verb takes over).
 */
export const STATEMENT_VERBS: readonly string[] = [...OWN_VERBS, ...Object.keys(VERB_SYNONYMS)];

/** OWN_VERBS as a set: every line's first word is looked up. */
export const OWN_VERB_SET: ReadonlySet<string> = new Set(OWN_VERBS);

export const UNITS: Readonly<Record<string, DurationUnit>> = {
  second: "seconds",
  seconds: "seconds",
  minute: "minutes",
  minutes: "minutes",
  hour: "hours",
  hours: "hours",
  day: "days",
  days: "days",
  week: "weeks",
  weeks: "weeks",
  month: "months",
  months: "months",
  year: "years",
  years: "years",
};

export const AGGREGATES: Readonly<Record<string, AggregateFn>> = {
  sum: "sum",
  total: "sum",
  average: "average",
  count: "count",
  number: "count",
  maximum: "maximum",
  minimum: "minimum",
  first: "first",
  last: "last",
};

/** Phrases of the language, for suggestions when a word is misspelt (phrasings.ts too). */
const OWN_PHRASES: readonly string[] = [
  "as follows",
  "divided by",
  "multiplied by",
  "greater than",
  "less than",
  "more than",
  "at least",
  "at most",
  "rounded to",
  "rounded",
  "sorted by",
  "sorted",
  "joined with",
  "split by",
  "replaced by",
  "formatted with",
  "in uppercase",
  "in lowercase",
  "trimmed",
  "one of",
  "does not contain",
  "contains",
  "starts with",
  "ends with",
  "the following",
  "as a table",
  "as a number",
  "as text",
  "as a date",
  "is not",
  "is empty",
  "is known",
  "is before",
  "is after",
  "the sum of",
  "the average of",
  "the count of",
  "the number of",
  "the maximum of",
  "the minimum of",
  "the first of",
  "the last of",
  "decimals",
  "descending",
  "ascending",
  "then",
  "times",
  "plus",
  "minus",
  "whose",
  "where",
  "each",
  "seconds",
  "minutes",
  "hours",
  "days",
  "weeks",
  "months",
  "years",
];

/** Every phrase of up to three words the language knows, for "did you mean". */
export const KNOWN_PHRASES: readonly string[] = [
  ...new Set([
    ...OWN_PHRASES,
    ...COMPARISONS.map((p) => p.phrase).filter((p) => /^[a-z]/.test(p)),
    ...OR_MORE.map((p) => p.phrase),
    ...ROUNDING_PHRASES.map((p) => p.phrase),
  ]),
].filter((p) => p.split(" ").length <= 3);

/**
 * Every word the language itself uses. A hint never turns one of these into a fact
 * name (`the either`) or a procedure verb.
 */
export const VOCABULARY: ReadonlySet<string> = new Set([
  ...STOP_WORDS,
  ...STATEMENT_VERBS,
  ...Object.keys(UNITS),
  ...Object.keys(NUMBER_WORDS),
  ...Object.keys(COUNT_ADVERBS),
  ...Object.keys(DAY_WORDS),
  ...Object.keys(STATEMENT_REWRITES),
  ...WEEKDAYS,
  ...MONTHS,
  ...[...COMPARISONS, ...OR_MORE, ...ROUNDING_PHRASES].flatMap((p) => p.phrase.split(" ")),
  ...["true", "false", "yes", "no", "nothing", "today", "now", "each", "follows", "following"],
]);
