import { describe, expect, it } from "vitest";
import { formatDiagnostic, parse } from "../../src/language/index.ts";

describe("diagnostics", () => {
  it("suggests a procedure verb for a misspelt call", () => {
    const r = parse("to summarize the rows\n  say 1\nsumarize the rows\n");
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect(d).toMatchObject({
      line: 3,
      col: 1,
      words: "sumarize the rows",
      suggestion: "summarize",
    });
    expect(d.message).toBe("I don't know how to 'sumarize the rows'. Did you mean 'summarize'?");
    expect(formatDiagnostic("p.plain", d)).toBe(
      "p.plain:3:1: I don't know how to 'sumarize the rows'. Did you mean 'summarize'?",
    );
  });

  it("suggests a statement verb", () => {
    const d = parse('sya "hi"\n').diagnostics[0]!;
    expect(d.suggestion).toBe("say");
    expect(d.message).toMatch(/Did you mean 'say'\?/);
  });

  it("suggests known phrases", () => {
    expect(parse("the x is the y divded by 2\n").diagnostics[0]!.suggestion).toBe("divided by");
    // The whole phrase, `is` included (phrasings.ts knows `is greater than`).
    expect(parse("if the x is grater than 3 then\n  say 1\n").diagnostics[0]!.suggestion).toBe(
      "is greater than",
    );
    expect(parse("the x is the y roundd to 2 decimals\n").diagnostics[0]?.suggestion).toBe(
      "rounded to",
    );
  });

  it("reports several errors at once, each with its line", () => {
    const src = [
      'say "ok"',
      "frobnicate it",
      "the x is",
      'say "unterminated',
      "if the x is 1 then",
      '  say "fine"',
      "  blah blah",
      "otherwise",
      "  say 2",
      "else",
      "  say 3",
    ].join("\n");
    const r = parse(src);
    expect(r.diagnostics.map((d) => d.line)).toEqual([2, 3, 4, 7, 10]);
    expect(r.program.body.map((s) => s.kind)).toEqual(["say", "if"]);
  });

  it("names the missing 'the' in a set", () => {
    const d = parse("total is 3\n").diagnostics[0]!;
    expect(d.message).toMatch(/Names start with 'the'/);
  });

  it("rejects procedures inside blocks and calls that don't match", () => {
    const r = parse(
      [
        "to send the invoice to the customer",
        "  say 1",
        "send the bill",
        "if true then",
        "  to x",
        "    say 1",
      ].join("\n"),
    );
    expect(r.diagnostics.map((d) => d.line)).toEqual([3, 5]);
    expect(r.diagnostics[0]!.message).toMatch(
      /does not match the procedure 'send the invoice to the customer'/,
    );
    expect(r.diagnostics[1]!.message).toMatch(/top level/);
  });

  it("'else' without 'if' is an error", () => {
    const r = parse('else\n  say "x"\n');
    expect(r.diagnostics[0]!.message).toMatch(/must follow an 'if/);
  });
});

describe("diagnostics, round 2", () => {
  it("suggests a duration unit for a misspelt one", () => {
    const d = parse('the d is "2026-03-01"\nadd 2 wekes to the d\n').diagnostics[0]!;
    expect(d.line).toBe(2);
    expect(d.suggestion).toBe("weeks");
  });

  it("suggests `the` before a bare name used as a value", () => {
    const r = parse("the total is 5\nsay total\nthe sum is total + 1\n");
    expect(r.diagnostics.map((d) => d.line)).toEqual([2, 3]);
    expect(r.diagnostics[0]!.suggestion).toBe("the total");
    expect(r.diagnostics[0]!.message).toMatch(/Did you mean 'the total'\?/);
    expect(r.diagnostics[1]!.suggestion).toBe("the total");
  });

  it("suggests `is greater than` when `is` is missing", () => {
    const d = parse("the total is 5\nif the total greater than 3 then\n  say 1\n").diagnostics[0]!;
    expect(d.line).toBe(2);
    expect(d.suggestion).toBe("is greater than");
    expect(d.message).toMatch(/Did you mean 'is greater than'\?/);
    const e = parse('the x is "2026-01-01"\nif the x before today then say 1\n').diagnostics[0]!;
    expect(e.suggestion).toBe("is before");
    const f = parse('the y are the rows whose "n" at least 3\n').diagnostics[0]!;
    expect(f.suggestion).toBe("is at least");
    expect(parse("if the time before lunch then say 1\n").diagnostics).toEqual([]);
  });
});
