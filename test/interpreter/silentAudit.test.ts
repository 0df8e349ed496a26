// The audit of issue 11 for other silent wrong answers: each of these ran and gave a
// wrong answer with no error on main before it; now each is the answer meant, or an
// error with the line and the rewrite.
import { describe, expect, it } from "vitest";
import { parse } from "../../src/language/index.ts";
import { runText } from "./helpers.ts";

function refused(source: string, line: number, message: RegExp, hint?: string) {
  const d = parse(source).diagnostics;
  expect(d, source).toHaveLength(1);
  expect(d[0]!.line).toBe(line);
  expect(d[0]!.message).toMatch(message);
  if (hint !== undefined) expect(d[0]!.suggestion).toBe(hint);
}

describe("`is A or B` (was always true: the `or` joined the condition `B`)", () => {
  it("reads a value alone after `or` as one more option of `is`", async () => {
    for (const [status, expected] of [
      ["closed", []],
      ["pending", ["yes"]],
      ["held", ["yes"]],
      ["OPEN", ["yes"]],
    ] as const) {
      const r = await runText('if the status is "open" or "pending" or "held" then say "yes"', {
        status,
      });
      expect({ status, log: r.log }).toEqual({ status, log: expected });
    }
    const n = await runText('if the count is 1 or 2 then say "few"', { count: 5 });
    expect(n.log).toEqual([]);
    const f = await runText('say the count of the tickets whose status is "open" or "held"', {
      tickets: [{ status: "open" }, { status: "held" }, { status: "closed" }],
    });
    expect(f.log).toEqual(["2"]);
  });

  it("refuses a value alone after any other comparison, with the rewrites", () => {
    refused('say 1\nif the status is not "open" or "closed" then say 1', 2, /is neither A nor B/);
    refused("if the total is over 100 or 5 then say 1", 1, /repeat the comparison after 'or'/);
  });

  it("refuses a text or a number alone as a condition", () => {
    refused('if "yes" then say 1', 1, /"yes" alone is not a condition/);
    refused("say 1\nif 0 then say 1", 2, /0 alone is not a condition/);
  });
});

describe("a percentage added or taken off (was 100 - 10% = 99.9)", () => {
  it("is refused with both readings' rewrites", () => {
    refused(
      "the price is 100\nthe sale price is the price - 10%",
      2,
      /'the price - 10%' is ambiguous: for 10% of it off, write 'the price - 10% of the price'; to subtract the number 0.1, write 0.1/,
      "the price - 10% of the price",
    );
    refused("say 80 plus 7.5%", 1, /add the number 0.075/);
  });

  it("still computes a percentage of a value, of another percentage, and a product", async () => {
    const r = await runText(
      'the price is 100\nsay "{the price - 10% of the price} {5% + 10%} {the price * 90%}"',
    );
    expect(r.log).toEqual(["90 0.15 90"]);
  });
});

describe("append to a value that is no list (was added to the number)", () => {
  it("fails naming the value, where `add` still adds", async () => {
    const r = await runText("the total is 1\nappend 3 to the total");
    expect(r.status).toBe("Failed");
    expect(r.error).toMatchObject({ line: 2 });
    expect(r.error?.message).toMatch(/can't append to the total: it is the number 1, not a list/);
    const ok = await runText("the total is 1\nadd 3 to the total\nsay the total");
    expect(ok.log).toEqual(["4"]);
  });
});
