// The phrasings of the language as data: synonyms and patterns that the lexer, the
// parser, the hints, the editor's completion and docs/language.md all read. A new way
// of saying something already supported is one line here.
//
// This module imports only types, so any layer (the web editor included) can use it.
import type { CompareOp, TestCond } from "./ast.ts";

/** Currency symbols written before or after a number: `$12`, `€80`, `80€`. */
export const CURRENCY_SYMBOLS: readonly string[] = ["$", "€", "£", "¥"];

/** Currency codes written before or after a number: `250 USD`, `EUR 40`. */
export const CURRENCY_CODES: readonly string[] = [
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "CHF",
  "CAD",
  "AUD",
  "NZD",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "CZK",
  "INR",
  "CNY",
];

/** Words after a number that make it a percentage: `7.5 percent` is 0.075. */
export const PERCENT_WORDS: readonly string[] = ["percent", "per cent", "pct"];

/** Number words for small counts and amounts: `repeat five times`, `one decimal place`. */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  dozen: 12,
};

/** Counting adverbs: `repeat twice`, `repeat once`. */
export const COUNT_ADVERBS: Readonly<Record<string, number>> = { once: 1, twice: 2, thrice: 3 };

/**
 * How numbers may be written, for messages and docs. The comma rule: a comma followed
 * by exactly three digits belongs to the number (`1,250` is 1250); any other comma
 * between digits (`12,50`, `1,2345`, `1,2,3`) is ambiguous and refused with a hint. A
 * space is no separator: `resize 100 200` calls a procedure with two numbers, so
 * `12 500` where one value belongs is refused with the rewrite `12,500`.
 */
export const NUMBER_RULES: readonly string[] = [
  "thousands separators: `1,250`, `$3,400.50` (a comma followed by exactly three digits belongs to the number; `12 500` is refused with the rewrite, since two numbers side by side are a call's two arguments)",
  "currency symbols before or after: `$12`, `€80`, `£12.5`, `¥3000`, `80€`",
  "currency codes before or after: `250 USD`, `EUR 40`",
  "percentages: `12%`, `7.5 percent`; `12% of the subtotal` is 0.12 times the subtotal",
  "number words for small counts: `five`, `twelve`; `repeat twice`",
];

/** Contractions the lexer reads as two words: `isn't` is `is not`. */
export const CONTRACTIONS: Readonly<Record<string, readonly [string, string]>> = {
  isn: ["is", "not"],
  aren: ["are", "not"],
  doesn: ["does", "not"],
  don: ["do", "not"],
  wasn: ["was", "not"],
  weren: ["were", "not"],
};

/** What a comparison phrase means: a comparison, a test, or a special form. */
export type ComparisonMeaning =
  | { op: CompareOp; negate?: boolean }
  | { test: TestCond["test"] }
  | { oneOf: boolean }
  | { between: boolean };

/**
 * The comparison phrases, written after the left value (`the total exceeds 100`). The
 * first phrase of each meaning is the canonical one (docs, printer). Every phrase that
 * starts with `is`/`are` and has no `not` also works negated (`is not over 5`).
 */
export const COMPARISONS: ReadonlyArray<{ phrase: string; means: ComparisonMeaning }> = [
  { phrase: "is", means: { op: "is" } },
  { phrase: "are", means: { op: "is" } },
  { phrase: "=", means: { op: "is" } },
  { phrase: "equals", means: { op: "is" } },
  { phrase: "equal", means: { op: "is" } },
  { phrase: "is equal to", means: { op: "is" } },
  { phrase: "are equal to", means: { op: "is" } },
  { phrase: "is the same as", means: { op: "is" } },
  { phrase: "is not", means: { op: "isNot" } },
  { phrase: "are not", means: { op: "isNot" } },
  { phrase: "!=", means: { op: "isNot" } },
  { phrase: "does not equal", means: { op: "isNot" } },
  { phrase: "do not equal", means: { op: "isNot" } },
  { phrase: "is not equal to", means: { op: "isNot" } },
  { phrase: "is different from", means: { op: "isNot" } },
  { phrase: "is greater than", means: { op: "greater" } },
  { phrase: "is more than", means: { op: "greater" } },
  { phrase: "is over", means: { op: "greater" } },
  { phrase: "is above", means: { op: "greater" } },
  { phrase: "is larger than", means: { op: "greater" } },
  { phrase: "is bigger than", means: { op: "greater" } },
  { phrase: "is higher than", means: { op: "greater" } },
  { phrase: "exceeds", means: { op: "greater" } },
  { phrase: "exceed", means: { op: "greater" } },
  { phrase: ">", means: { op: "greater" } },
  { phrase: "is less than", means: { op: "less" } },
  { phrase: "is fewer than", means: { op: "less" } },
  { phrase: "is under", means: { op: "less" } },
  { phrase: "is below", means: { op: "less" } },
  { phrase: "is smaller than", means: { op: "less" } },
  { phrase: "is lower than", means: { op: "less" } },
  { phrase: "<", means: { op: "less" } },
  { phrase: "is at least", means: { op: "atLeast" } },
  { phrase: "is greater than or equal to", means: { op: "atLeast" } },
  { phrase: "is more than or equal to", means: { op: "atLeast" } },
  { phrase: "is equal to or greater than", means: { op: "atLeast" } },
  { phrase: "is equal to or more than", means: { op: "atLeast" } },
  { phrase: "is no less than", means: { op: "atLeast" } },
  { phrase: "is no fewer than", means: { op: "atLeast" } },
  { phrase: ">=", means: { op: "atLeast" } },
  { phrase: "is at most", means: { op: "atMost" } },
  { phrase: "is less than or equal to", means: { op: "atMost" } },
  { phrase: "is fewer than or equal to", means: { op: "atMost" } },
  { phrase: "is equal to or less than", means: { op: "atMost" } },
  { phrase: "is no more than", means: { op: "atMost" } },
  { phrase: "does not exceed", means: { op: "atMost" } },
  { phrase: "do not exceed", means: { op: "atMost" } },
  { phrase: "<=", means: { op: "atMost" } },
  { phrase: "is before", means: { op: "before" } },
  { phrase: "is earlier than", means: { op: "before" } },
  { phrase: "is prior to", means: { op: "before" } },
  { phrase: "comes before", means: { op: "before" } },
  { phrase: "is after", means: { op: "after" } },
  { phrase: "is later than", means: { op: "after" } },
  { phrase: "comes after", means: { op: "after" } },
  { phrase: "contains", means: { op: "contains" } },
  { phrase: "contain", means: { op: "contains" } },
  { phrase: "includes", means: { op: "contains" } },
  { phrase: "include", means: { op: "contains" } },
  { phrase: "does not contain", means: { op: "notContains" } },
  { phrase: "do not contain", means: { op: "notContains" } },
  { phrase: "does not include", means: { op: "notContains" } },
  { phrase: "do not include", means: { op: "notContains" } },
  { phrase: "starts with", means: { op: "startsWith" } },
  { phrase: "start with", means: { op: "startsWith" } },
  { phrase: "begins with", means: { op: "startsWith" } },
  { phrase: "begin with", means: { op: "startsWith" } },
  { phrase: "does not start with", means: { op: "startsWith", negate: true } },
  { phrase: "do not start with", means: { op: "startsWith", negate: true } },
  { phrase: "does not begin with", means: { op: "startsWith", negate: true } },
  { phrase: "ends with", means: { op: "endsWith" } },
  { phrase: "end with", means: { op: "endsWith" } },
  { phrase: "does not end with", means: { op: "endsWith", negate: true } },
  { phrase: "do not end with", means: { op: "endsWith", negate: true } },
  { phrase: "is empty", means: { test: "empty" } },
  { phrase: "are empty", means: { test: "empty" } },
  { phrase: "is blank", means: { test: "empty" } },
  { phrase: "is not empty", means: { test: "notEmpty" } },
  { phrase: "are not empty", means: { test: "notEmpty" } },
  { phrase: "is not blank", means: { test: "notEmpty" } },
  { phrase: "is known", means: { test: "known" } },
  { phrase: "are known", means: { test: "known" } },
  { phrase: "is present", means: { test: "known" } },
  { phrase: "is given", means: { test: "known" } },
  { phrase: "exists", means: { test: "known" } },
  { phrase: "is not known", means: { test: "notKnown" } },
  { phrase: "are not known", means: { test: "notKnown" } },
  { phrase: "is unknown", means: { test: "notKnown" } },
  { phrase: "is not present", means: { test: "notKnown" } },
  { phrase: "is not given", means: { test: "notKnown" } },
  { phrase: "does not exist", means: { test: "notKnown" } },
  { phrase: "is missing", means: { test: "missing" } },
  { phrase: "are missing", means: { test: "missing" } },
  { phrase: "is not missing", means: { test: "notMissing" } },
  { phrase: "is one of", means: { oneOf: false } },
  { phrase: "is any of", means: { oneOf: false } },
  { phrase: "is either", means: { oneOf: false } },
  { phrase: "are one of", means: { oneOf: false } },
  { phrase: "is not one of", means: { oneOf: true } },
  { phrase: "is none of", means: { oneOf: true } },
  { phrase: "is neither", means: { oneOf: true } },
  { phrase: "are neither", means: { oneOf: true } },
  { phrase: "is between", means: { between: false } },
  { phrase: "is not between", means: { between: true } },
];

/** Words that join whole conditions (conditions.ts), for docs and completion. */
export const CONDITION_PHRASES: ReadonlyArray<{ write: string; means: string }> = [
  { write: "neither C nor D", means: "not (C or D)" },
  { write: "either C or D", means: "C or D" },
  { write: "X is neither A nor B", means: "X is not one of A or B (also `A, B nor C`)" },
];

/** After a plain `is` comparison: `the count is 3 or more` is `is at least 3`. */
export const OR_MORE: ReadonlyArray<{ phrase: string; op: "atLeast" | "atMost" }> = [
  { phrase: "or more", op: "atLeast" },
  { phrase: "or greater", op: "atLeast" },
  { phrase: "or higher", op: "atLeast" },
  { phrase: "or above", op: "atLeast" },
  { phrase: "or over", op: "atLeast" },
  { phrase: "or later", op: "atLeast" },
  { phrase: "or less", op: "atMost" },
  { phrase: "or fewer", op: "atMost" },
  { phrase: "or lower", op: "atMost" },
  { phrase: "or below", op: "atMost" },
  { phrase: "or under", op: "atMost" },
  { phrase: "or earlier", op: "atMost" },
];

/**
 * Everyday statements and what they mean (docs and editor completion). The parser
 * reads VERB_SYNONYMS to dispatch; each verb's own shape is in statements.ts.
 */
export const STATEMENT_PHRASES: ReadonlyArray<{ write: string; means: string }> = [
  { write: "set the X to E", means: "the X is E (also `set the X as E`)" },
  { write: "let the X be E", means: "the X is E" },
  { write: "calculate the X as E", means: "the X is E (also `compute`)" },
  { write: "display E", means: "say E (also `print`, `show`, `output`)" },
  { write: "return E", means: "the result is E (in a procedure: its result)" },
  { write: "change the X to E", means: "the X is E" },
  { write: "increase the X by E", means: "add E to the X (`by 10%` adds 10% of the X)" },
  { write: "decrease the X by E", means: "subtract E from the X (`by 10%` takes 10% off)" },
  { write: 'sort the Xs by "field" [descending]', means: 'the Xs are the Xs sorted by "field"' },
  { write: "round the X to N decimals", means: "the X is the X rounded to N decimals" },
  {
    write: "round the X up / round up the X [to …]",
    means: "the X is the X rounded up (also `down`; `to the nearest ten`)",
  },
  {
    write: "remove E from the Xs",
    means: "subtract E from the Xs (an item, or each item of a list)",
  },
  {
    write: "append E to the Xs",
    means: "E goes at the end of the list (each item of a list E); the Xs must be a list",
  },
  { write: "insert E into the Xs", means: "append E to the Xs" },
  {
    write: "insert E at position N in the Xs",
    means: "E goes in at position N (counted from 1; up to the count + 1)",
  },
  {
    write: "insert E at the start of the Xs",
    means: "insert E at position 1 in the Xs (also `beginning`, `front`, `top`)",
  },
  { write: "prepend E to the Xs", means: "insert E at position 1 in the Xs" },
  { write: "clear the X", means: 'empty the X: a list becomes empty, a text "", a number 0' },
  {
    write: 'sort the Xs by "field" from highest to lowest',
    means: "also `in descending order`, `from newest to oldest`",
  },
  { write: "insert E at the end of the Xs", means: "append E to the Xs (also `bottom`, `back`)" },
  { write: "when C then …", means: "if C then …" },
  { write: "unless C then …", means: "if not (C) then …" },
  { write: "repeat twice / repeat five times", means: "repeat 2 times / repeat 5 times" },
];

/**
 * Statement words that mean another statement word and are written like it after the
 * verb (`change the X to E` is `set the X to E`, `display E` is `say E`): a new synonym
 * is one line here. `the result is` stands for the statement `the result is E`. A
 * process's own procedure with the same verb (`to display a banner`) takes precedence.
 */
export const VERB_SYNONYMS: Readonly<Record<string, string>> = {
  when: "if",
  change: "set",
  let: "set",
  calculate: "set",
  compute: "set",
  remove: "subtract",
  print: "say",
  show: "say",
  display: "say",
  output: "say",
  return: "the result is",
};

/** The words between the X and the value of `set the X to E` (and its synonyms). */
export const SET_WORDS: readonly string[] = ["to be", "to", "as", "be", "="];

/** Sort orders after `sort the Xs by "field"` and `sorted by "field"`. */
export const SORT_ORDERS: ReadonlyArray<{ phrase: string; descending: boolean }> = [
  { phrase: "descending", descending: true },
  { phrase: "in descending order", descending: true },
  { phrase: "from highest to lowest", descending: true },
  { phrase: "from largest to smallest", descending: true },
  { phrase: "from newest to oldest", descending: true },
  { phrase: "ascending", descending: false },
  { phrase: "in ascending order", descending: false },
  { phrase: "from lowest to highest", descending: false },
  { phrase: "from smallest to largest", descending: false },
  { phrase: "from oldest to newest", descending: false },
];

/** `insert E at the start of the Xs` (position 1), `at the end of the Xs` (appended). */
export const LIST_EDGES: Readonly<Record<string, "start" | "end">> = {
  start: "start",
  beginning: "start",
  front: "start",
  top: "start",
  end: "end",
  bottom: "end",
  back: "end",
};

/** The parts an indented line under `send an email to …` may set (`the subject is …`). */
export const EMAIL_PARTS: Readonly<Record<string, "subject" | "message" | "attachments" | "cc">> = {
  subject: "subject",
  message: "message",
  body: "message",
  text: "message",
  attachments: "attachments",
  attachment: "attachments",
  files: "attachments",
  cc: "cc",
};

/** Words that open the other branch of an `if`: `else`, `otherwise`. */
export const ELSE_WORDS: readonly string[] = ["else", "otherwise"];

/** Yes/no values written as words. */
export const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  false: false,
  no: false,
};

/** What `as a …` / `as text` converts to: `the amount as a number`. */
export const CONVERSIONS: Readonly<Record<string, "table" | "number" | "date" | "datetime">> = {
  table: "table",
  number: "number",
  date: "date",
  datetime: "datetime",
  "date-time": "datetime",
};

/** Rounding targets written in words: `rounded to the nearest cent` is 2 decimals. */
export const ROUNDING_PHRASES: ReadonlyArray<{ phrase: string; decimals: number }> = [
  { phrase: "the nearest cent", decimals: 2 },
  { phrase: "the nearest penny", decimals: 2 },
  { phrase: "the nearest hundredth", decimals: 2 },
  { phrase: "the nearest tenth", decimals: 1 },
  { phrase: "the nearest whole number", decimals: 0 },
  { phrase: "the nearest integer", decimals: 0 },
  { phrase: "the nearest unit", decimals: 0 },
  { phrase: "the nearest dollar", decimals: 0 },
  { phrase: "the nearest euro", decimals: 0 },
  { phrase: "the nearest pound", decimals: 0 },
  { phrase: "a whole number", decimals: 0 },
  { phrase: "whole numbers", decimals: 0 },
];

/**
 * Steps written in words after `rounded to the nearest` (a number or a value works too:
 * `to the nearest 0.05`, `to the nearest multiple of the step`).
 */
export const ROUNDING_STEPS: Readonly<Record<string, string>> = {
  ten: "10",
  hundred: "100",
  thousand: "1000",
  million: "1000000",
  half: "0.5",
  quarter: "0.25",
  nickel: "0.05",
  dime: "0.1",
};

/** `rounded up` (never smaller: the ceiling) and `rounded down` (never larger: the floor). */
export const ROUNDING_MODES: readonly string[] = ["up", "down"];

/** Words after the number of decimals: `2 decimals`, `one decimal place`, `2 dp`. */
export const DECIMALS_WORDS: readonly string[] = [
  "decimal places",
  "decimal place",
  "decimal digits",
  "decimals",
  "decimal",
  "places",
  "place",
  "dp",
];

/** Relative dates: `3 days from today`, `10 days after the start`, `2 weeks ago`. */
export const RELATIVE_DATE_WORDS: Readonly<Record<string, "+" | "-">> = {
  after: "+",
  from: "+",
  later: "+",
  before: "-",
  ago: "-",
  earlier: "-",
};

/** Day words: `tomorrow` is today + 1 day. */
export const DAY_WORDS: Readonly<Record<string, number>> = { tomorrow: 1, yesterday: -1 };

export const WEEKDAYS: readonly string[] = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
];

/** `the end of the month`, `the start of the year`: dates relative to today. */
export const PERIOD_EDGES: Readonly<Record<string, "start" | "end">> = {
  start: "start",
  beginning: "start",
  end: "end",
};
export const PERIODS: readonly string[] = ["week", "month", "year"];

export const MONTHS: readonly string[] = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** How dates may be written in text, for messages and docs. */
export const DATE_FORMATS: readonly string[] = [
  "2026-05-04",
  "4 May 2026",
  "May 4, 2026",
  "May 4th",
  "2026-05-04T09:30:00Z",
];

/**
 * How a process says which order its numeric dates are written in (`04/05/2026`):
 * without one (and without the server's `--date-order`), a numeric date is refused.
 * Words are matched after `/` is glued to its neighbours (`day/month/year`).
 */
export const DATE_ORDER_STATEMENTS: ReadonlyArray<{ phrase: string; order: DateOrder }> = [
  { phrase: "dates are written day first", order: "day" },
  { phrase: "dates are written month first", order: "month" },
  { phrase: "dates are day first", order: "day" },
  { phrase: "dates are month first", order: "month" },
  { phrase: "numeric dates are day first", order: "day" },
  { phrase: "numeric dates are month first", order: "month" },
  { phrase: "dates are written day-first", order: "day" },
  { phrase: "dates are written month-first", order: "month" },
  { phrase: "dates are written day/month/year", order: "day" },
  { phrase: "dates are written month/day/year", order: "month" },
  { phrase: "dates are written dd/mm/yyyy", order: "day" },
  { phrase: "dates are written mm/dd/yyyy", order: "month" },
];

/** The order of a numeric date's first two numbers: `day` (04/05 is 4 May) or `month`. */
export type DateOrder = "day" | "month";

/** The hint for a date written without quotes. */
export const DATE_HINT = 'write dates in quotes, like "2026-05-04" or "4 May 2026"';

/** Words that start a filter after a list: `the orders whose status is "open"`. */
export const FILTER_WORDS: readonly string[] = ["whose", "where"];

/**
 * Statements written as in other tools, and the rewrite the hint shows. `{rest}` is the
 * rest of the line; `{name}` / `{value}` are split from it at `as`, `=`, `to be` or `to`.
 */
export const STATEMENT_REWRITES: Readonly<Record<string, string>> = {
  log: "say {rest}",
  echo: "say {rest}",
  write: "say {rest}",
  assign: "{name} is {value}",
  make: "{name} is {value}",
  store: "{name} is {value}",
  loop: "for each {rest}",
  foreach: "for each {rest}",
  iterate: "for each {rest}",
  while: "repeat N times (there is no 'while'; loop over a list with 'for each X in the Xs')",
};

/** Words that, where a value or the end of the line was expected, get a whole-phrase hint. */
export const WORD_HINTS: Readonly<Record<string, string>> = {
  with: "to filter a list, write 'the orders whose status is \"open\"' (or 'where the status is \"open\"')",
  which: "to filter a list, write 'the orders whose status is \"open\"'",
  that: "to filter a list, write 'the orders whose status is \"open\"'",
  having: "to filter a list, write 'the orders whose status is \"open\"'",
  equal: "write 'is equal to' or 'is'",
  than: "write 'is greater than' or 'is less than'",
};
