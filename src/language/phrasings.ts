// The phrasings of the language as data: synonyms and patterns that the lexer, the
// parser, the hints, the editor's completion and docs/language.md all read. A new way
// of saying something already supported is one line here.
//
// This module imports nothing, so any layer (the web editor included) can use it.

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
 * between digits (`12,50`, `1,2345`, `1,2,3`) is ambiguous and refused with a hint.
 */
export const NUMBER_RULES: readonly string[] = [
  "thousands separators: `1,250`, `$3,400.50` (a comma followed by exactly three digits belongs to the number)",
  "currency symbols before or after: `$12`, `€80`, `£12.5`, `¥3000`, `80€`",
  "currency codes before or after: `250 USD`, `EUR 40`",
  "percentages: `12%`, `7.5 percent`; `12% of the subtotal` is 0.12 times the subtotal",
  "number words for small counts: `five`, `twelve`; `repeat twice`",
];
