// Mistakes that used to give a wrong answer with no error (issue 11): each is now the
// value that was meant, or a failure that names the line and says what to write.
import { describe, expect, it } from "vitest";
import type { Json } from "../../src/interpreter/index.ts";
import { parse } from "../../src/language/index.ts";
import { runText } from "./helpers.ts";

describe("numbers with thousands separators", () => {
  it("reads `$12,500.00` as 12500, not a list of 12 and 500", async () => {
    const r = await runText('the budget is $12,500.00\nsay "Budget: {the budget}"');
    expect(r.error).toBeNull();
    expect(r.outputs.budget).toBe(12500);
    expect(r.log).toEqual(["Budget: 12500"]);
  });

  it("keeps a comma followed by a space as a list separator", async () => {
    const r = await runText("the sizes are 1,250, 3 and 4\nthe pair is (1, 2)");
    expect(r.outputs).toEqual({ sizes: [1250, 3, 4], pair: [1, 2] });
  });

  it("refuses a comma between digits that is no thousands separator, with rewrites", () => {
    const cases: Array<[string, RegExp[]]> = [
      ["the price is 12,50", [/12\.50 for a decimal/, /12, 50 \(with a space\) for a list/]],
      ["the codes are 1,2,3", [/1, 2, 3 \(with a space\) for a list/]],
      ["the total is 1234,567", [/1,234,567 for one number/]],
      ["the total is 1,2345", [/12345 or 12,345 for one number/]],
    ];
    for (const [src, hints] of cases) {
      const d = parse(src).diagnostics;
      expect(d).toHaveLength(1);
      expect(d[0]!.line).toBe(1);
      expect(d[0]!.message).toMatch(/is ambiguous/);
      for (const h of hints) expect(d[0]!.message).toMatch(h);
    }
  });
});

describe("a procedure's result", () => {
  it("returns `the results are A, B` to the caller's `the above`", async () => {
    const r = await runText(
      'to list the colours\n  the results are "red", "blue"\n\nlist the colours\nsay "Colours: {the above}"',
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["Colours: red and blue"]);
  });

  it("fails, naming the call's line, when the caller reads the result of a procedure that set none", async () => {
    const r = await runText(
      'to greet a person\n  say "Hi {the person}"\n\ngreet "Ada"\nsay the above',
    );
    expect(r.status).toBe("Failed");
    expect(r.log).toEqual(["Hi Ada"]);
    expect(r.error?.line).toBe(5);
    expect(r.error?.message).toMatch(/procedure called on line 4 set no result/);
    expect(r.error?.message).toMatch(/the result is/);
  });

  it("fails when `the above` is read before any statement produced a value", async () => {
    const r = await runText("say the above");
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toMatch(/'the above' has no value here/);
  });
});

describe("misspelt fields", () => {
  const lines: Json = [{ amount: 10, item: "a" }, { amount: 5 }];

  it("fails an aggregate over a field no item has, with a did-you-mean", async () => {
    const r = await runText("the total is the sum of the lines' amuont", { lines });
    expect(r.status).toBe("Failed");
    expect(r.error).toEqual({
      line: 1,
      message: 'no item of the lines has a field "amuont": did you mean "amount"?',
    });
  });

  it("lists the fields there are when none is close", async () => {
    const r = await runText("the total is the sum of the lines' price", { lines });
    expect(r.error?.message).toBe(
      'no item of the lines has a field "price": the fields are "amount", "item"',
    );
  });

  it("still reads a field that only some items have (the others are nothing)", async () => {
    const r = await runText('say the lines\' item\nsay the count of the lines whose item is "a"', {
      lines,
    });
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["a and ", "1"]);
  });

  it("fails a filter or a sort on a field no item has", async () => {
    const f = await runText("say the lines whose amout is 5", { lines });
    expect(f.error?.message).toMatch(
      /no item of the lines has a field "amout": did you mean "amount"/,
    );
    const s = await runText('say the lines sorted by "amont"', { lines });
    expect(s.error?.message).toMatch(/did you mean "amount"/);
  });

  it("fails reading a record's missing field; `is known`, `is empty`, `find` and `get` ask about it instead", async () => {
    const customer = { email: "ada@example.com" };
    const r = await runText("say the customer's emial", { customer });
    expect(r.error?.message).toMatch(/the customer has no field "emial": did you mean "email"\?/);
    expect(r.error?.message).toMatch(/is known/);
    const ok = await runText(
      [
        'if the customer\'s phone is not known then say "no phone"',
        'if the customer\'s phone is empty then say "empty phone"',
        "find the customer's phone",
        'say "[{the phone}]"',
      ].join("\n"),
      { customer },
    );
    expect(ok.error).toBeNull();
    expect(ok.log).toEqual(["no phone", "empty phone", "[]"]);
    const asked = await runText("get the customer's phone", { customer });
    expect(asked.status).toBe("AwaitingAnswer");
    expect(asked.question?.text).toBe("What is the customer's phone?");
  });
});

describe("taking a list from a list", () => {
  it("removes each item of the list, as `add` appends each", async () => {
    const r = await runText(
      [
        "the open ids are 1, 2, 3, 4",
        "the closed ids are 2, 4",
        "subtract the closed ids from the open ids",
        "say the open ids",
      ].join("\n"),
    );
    expect(r.log).toEqual(["1 and 3"]);
  });

  it("removes a list that is itself an item as that one item", async () => {
    const r = await runText(
      "imagine the pairs\nadd ((1, 2)) to the pairs\nadd 3 to the pairs\nsubtract (1, 2) from the pairs\nsay the count of the pairs",
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["1"]);
  });
});

describe("other values that silently changed kind", () => {
  it("refuses to count a number (it was 1)", async () => {
    const r = await runText("the total is 250\nsay the count of the total");
    expect(r.status).toBe("Failed");
    expect(r.error).toEqual({
      line: 2,
      message:
        "can't count the number 250: it is not a list (the count of a list is its number of items)",
    });
  });
});
