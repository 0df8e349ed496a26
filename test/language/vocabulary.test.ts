// The phrasings table is the one place: docs/language.md lists what it holds, and the
// editor's completions come from it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMPARISONS, STATEMENT_PHRASES } from "../../src/language/phrasings.ts";
import { completions, phrasingsMarkdown } from "../../src/language/vocabulary.ts";

const docs = readFileSync(new URL("../../docs/language.md", import.meta.url), "utf8");

describe("the phrasings table", () => {
  it("is listed in docs/language.md exactly as generated", () => {
    const m = /<!-- phrasings:start -->\n([\s\S]*?)\n<!-- phrasings:end -->/.exec(docs);
    expect(m, "docs/language.md has a phrasings:start/end block").not.toBeNull();
    // To refresh: node --import tsx -e 'import("./src/language/vocabulary.ts").then(m=>console.log(m.phrasingsMarkdown()))'
    expect(m![1]).toBe(phrasingsMarkdown());
  });

  it("gives the editor every verb and comparison", () => {
    const labels = new Set(completions().map((c) => c.label));
    for (const v of ["say", "set", "sort", "unless", "when"]) expect(labels.has(v)).toBe(true);
    for (const p of COMPARISONS)
      if (/^[a-z]/.test(p.phrase)) expect(labels.has(p.phrase)).toBe(true);
    for (const p of STATEMENT_PHRASES) expect(labels.has(p.write)).toBe(true);
  });
});
