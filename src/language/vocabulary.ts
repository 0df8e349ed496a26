// The language's phrasings as the editor and the docs show them, built from the tables
// in phrasings.ts and words.ts (one place: a new phrasing appears here by itself).
import {
  COMPARISONS,
  CONDITION_PHRASES,
  CURRENCY_CODES,
  CURRENCY_SYMBOLS,
  DATE_FORMATS,
  DATE_ORDER_STATEMENTS,
  DECIMALS_WORDS,
  NUMBER_RULES,
  OR_MORE,
  ROUNDING_MODES,
  ROUNDING_PHRASES,
  ROUNDING_STEPS,
  SORT_ORDERS,
  STATEMENT_PHRASES,
  STATEMENT_REWRITES,
  VERB_SYNONYMS,
  WEEKDAYS,
} from "./phrasings.ts";
import { AGGREGATES, STATEMENT_VERBS, UNITS } from "./words.ts";

export interface Completion {
  label: string;
  /** "statement", "comparison", "expression" or "unit". */
  type: string;
  detail?: string;
}

/** Everything an editor may offer to complete, with what it means. */
export function completions(): Completion[] {
  const out: Completion[] = [];
  for (const v of STATEMENT_VERBS) if (v !== "the") out.push({ label: v, type: "statement" });
  for (const p of STATEMENT_PHRASES)
    out.push({ label: p.write, type: "statement", detail: p.means });
  for (const p of COMPARISONS) {
    if (/^[a-z]/.test(p.phrase)) out.push({ label: p.phrase, type: "comparison" });
  }
  for (const p of OR_MORE) out.push({ label: p.phrase, type: "comparison" });
  for (const p of CONDITION_PHRASES)
    out.push({ label: p.write, type: "comparison", detail: p.means });
  for (const a of Object.keys(AGGREGATES)) out.push({ label: `the ${a} of`, type: "expression" });
  for (const p of ROUNDING_PHRASES) {
    out.push({
      label: `rounded to ${p.phrase}`,
      type: "expression",
      detail: `${p.decimals} decimals`,
    });
  }
  for (const w of ["next", "last", "this"]) {
    for (const d of WEEKDAYS) out.push({ label: `${w} ${d}`, type: "expression" });
  }
  for (const d of DATE_ORDER_STATEMENTS.slice(0, 2)) {
    out.push({ label: d.phrase, type: "statement", detail: `numeric dates are ${d.order} first` });
  }
  for (const u of Object.keys(UNITS)) out.push({ label: u, type: "unit" });
  return out;
}

function codeList(items: readonly string[]): string {
  return items.map((i) => `\`${i}\``).join(", ");
}

/** The "Phrasings" section of docs/language.md (test/language/vocabulary.test.ts checks it). */
export function phrasingsMarkdown(): string {
  const lines: string[] = [];
  lines.push("Numbers:", "");
  for (const r of NUMBER_RULES) lines.push(`- ${r}`);
  lines.push(
    `- currency symbols: ${codeList(CURRENCY_SYMBOLS)}; codes: ${codeList(CURRENCY_CODES)}`,
    `- rounding: \`rounded to N ${DECIMALS_WORDS[0]}\` (also ${codeList(DECIMALS_WORDS.slice(1))}), ${ROUNDING_PHRASES.map((p) => `\`rounded to ${p.phrase}\` (${p.decimals})`).join(", ")}`,
    `- rounding to a step: \`rounded to the nearest N\` (\`0.05\`, \`5\`, \`the step\`; also \`the nearest multiple of N\`), ${Object.entries(
      ROUNDING_STEPS,
    )
      .map(([w, n]) => `\`the nearest ${w}\` (${n})`)
      .join(", ")}`,
    `- rounding direction: ${codeList(ROUNDING_MODES.map((m) => `rounded ${m}`))} (up: never smaller; down: never larger), with any of the above: \`rounded up to 2 decimals\`, \`rounded down to the nearest ten\``,
    "",
    "Dates:",
    "",
    `- in text: ${codeList(DATE_FORMATS)}; a numeric date such as \`04/05/2026\` (also \`4.5.2026\`, \`04-05-26\`) reads in the order the process gives with a line ${codeList(DATE_ORDER_STATEMENTS.map((d) => d.phrase))}, else the server's \`--date-order\`, else it is refused (4 May or April 5?)`,
    "- relative: `10 days after the start date`, `2 weeks before the deadline`, `3 days from today`, `2 days ago`, `3 hours ago`, `in 3 days`, `a week from today`, `an hour ago`, `tomorrow`, `yesterday`, `next monday`, `last friday`, `this friday` (today if it is one), `next week`, `last month`, `next year` (today plus or minus one), `the start of the week`, `the end of the month`, `the end of next month`, `the start of last year`; `this month` alone is refused (write `the start of this month`)",
    "",
    "Statements:",
    "",
    "| you write | means |",
    "|---|---|",
  );
  for (const p of STATEMENT_PHRASES) lines.push(`| \`${p.write}\` | ${p.means} |`);
  lines.push(
    "",
    `Statement synonyms (a process's own procedure of the same verb comes first): ${Object.entries(
      VERB_SYNONYMS,
    )
      .map(([w, means]) => `\`${w}\` (${means})`)
      .join(", ")}`,
    "",
    `Sort orders (after \`sorted by "field"\` or \`sort the Xs by "field"\`): ${SORT_ORDERS.map(
      (o) => `\`${o.phrase}\` (${o.descending ? "descending" : "ascending"})`,
    ).join(", ")}`,
    "",
    "Comparisons (each `is …` phrase also works with `is not …`):",
    "",
    "| you write | means |",
    "|---|---|",
  );
  const byMeaning = new Map<string, string[]>();
  for (const p of COMPARISONS) {
    const m = p.means;
    const key =
      "op" in m
        ? `${m.negate ? "not " : ""}${m.op}`
        : "test" in m
          ? m.test
          : "oneOf" in m
            ? m.oneOf
              ? "not one of"
              : "one of"
            : m.between
              ? "not between"
              : "between";
    byMeaning.set(key, [...(byMeaning.get(key) ?? []), p.phrase]);
  }
  for (const [key, phrases] of byMeaning) lines.push(`| ${codeList(phrases)} | ${key} |`);
  lines.push(`| ${codeList(OR_MORE.map((p) => `N ${p.phrase}`))} | at least / at most N |`);
  for (const p of CONDITION_PHRASES) lines.push(`| \`${p.write}\` | ${p.means} |`);
  lines.push(
    "",
    "Written as in other tools, refused with the rewrite:",
    "",
    ...Object.entries(STATEMENT_REWRITES).map(
      ([verb, rewrite]) => `- \`${verb} …\` → \`${rewrite}\``,
    ),
  );
  return lines.join("\n");
}
