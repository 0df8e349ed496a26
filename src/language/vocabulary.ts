// The language's phrasings as the editor and the docs show them, built from the tables
// in phrasings.ts and words.ts (one place: a new phrasing appears here by itself).
import {
  COMPARISONS,
  CURRENCY_CODES,
  CURRENCY_SYMBOLS,
  DATE_FORMATS,
  DECIMALS_WORDS,
  NUMBER_RULES,
  OR_MORE,
  ROUNDING_PHRASES,
  STATEMENT_PHRASES,
  STATEMENT_REWRITES,
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
  for (const a of Object.keys(AGGREGATES)) out.push({ label: `the ${a} of`, type: "expression" });
  for (const p of ROUNDING_PHRASES) {
    out.push({
      label: `rounded to ${p.phrase}`,
      type: "expression",
      detail: `${p.decimals} decimals`,
    });
  }
  for (const w of ["next", "last"]) {
    for (const d of WEEKDAYS) out.push({ label: `${w} ${d}`, type: "expression" });
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
    "",
    "Dates:",
    "",
    `- in text: ${codeList(DATE_FORMATS)}; a numeric date such as \`04/05/2026\` is refused (4 May or April 5?)`,
    "- relative: `10 days after the start date`, `2 weeks before the deadline`, `3 days from today`, `2 days ago`, `tomorrow`, `yesterday`, `next monday`, `last friday`, `the start of the week`, `the end of the month`, `the end of the year`",
    "",
    "Statements:",
    "",
    "| you write | means |",
    "|---|---|",
  );
  for (const p of STATEMENT_PHRASES) lines.push(`| \`${p.write}\` | ${p.means} |`);
  lines.push(
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
