// Hints come from the phrasings the language knows, prefer a whole-phrase rewrite, and
// say nothing rather than something misleading (issue 11).
import { describe, expect, it } from "vitest";
import { parse } from "../../src/language/index.ts";
import { VOCABULARY } from "../../src/language/words.ts";

function first(src: string) {
  const d = parse(src).diagnostics[0];
  expect(d, src).toBeDefined();
  return d!;
}

describe("hints", () => {
  it("never turns a word of the language into a fact name", () => {
    for (const src of [
      "say either",
      "say exceeds",
      "the x is blank",
      "say tomorrow or",
      "say next",
      "say nor",
    ]) {
      const d = parse(src).diagnostics[0];
      if (!d) continue;
      const fact = /Did you mean 'the (\w+)'/.exec(d.message)?.[1];
      expect({ src, fact: fact && VOCABULARY.has(fact) ? fact : null }).toEqual({
        src,
        fact: null,
      });
    }
  });

  it("suggests a verb only when it starts like the word written", () => {
    expect(first("sett the total to 5").message).toMatch(/Did you mean 'set'\?/);
    expect(first("sortt the names").message).toMatch(/Did you mean 'sort'\?/);
    expect(first("gt the total").message).not.toMatch(/'set'|'sort'/);
    expect(first("fr each x in the xs").message).toMatch(/Did you mean 'for'\?/);
    // Two edits reach unrelated short verbs: only letters moved or an ending added count.
    expect(first("dispaly the total").message).toMatch(/Did you mean 'display'\?/);
    expect(first("sorted the names").message).toMatch(/Did you mean 'sort'\?/);
    for (const src of ["last name", "list the names", "price the order", "a big total"])
      expect(first(src).message, src).not.toMatch(/Did you mean/);
  });

  it("rewrites statements written as in other tools", () => {
    const cases: Array<[string, string]> = [
      ["echo the total", "say the total"],
      ['log "Done"', 'say "Done"'],
      ["store the total as the price * 2", "the total is the price * 2"],
      ["make the tax = the total * 0.2", "the tax is the total * 0.2"],
    ];
    for (const [src, rewrite] of cases) {
      const d = first(src);
      expect(d.suggestion).toBe(rewrite);
      expect(d.message).toContain(`Write '${rewrite}'`);
      expect(parse(`the price is 1\nthe total is 2\n${rewrite}`).diagnostics).toEqual([]);
    }
  });

  it("shows how to write dates, spaced numbers and filters", () => {
    expect(first("the due is 2026-05-04").message).toMatch(
      /write dates in quotes, like "2026-05-04"/,
    );
    expect(first("the due is 04/05/2026").message).toMatch(/looks like a date/);
    expect(first("the due is 4 May 2026").message).toMatch(/write dates in quotes/);
    expect(first("the due is May 4, 2026").message).toMatch(/write dates in quotes/);
    expect(first("the total is 10 000").message).toMatch(/write 10000 or 10,000/);
    expect(first('say the orders with status "open"').message).toMatch(
      /to filter a list, write 'the orders whose status is "open"'/,
    );
  });

  it("suggests the whole known phrase for a misspelt comparison", () => {
    expect(first("if the total exceds 5 then say 1").suggestion).toBe("exceeds");
    expect(first("if the total is grater than 5 then say 1").suggestion).toBe("is greater than");
  });
});
