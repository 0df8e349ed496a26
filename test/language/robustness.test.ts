import { describe, expect, it } from "vitest";
import { MAX_CHAIN } from "../../src/language/cursor.ts";
import { parse } from "../../src/language/index.ts";
import { MAX_BLOCK_DEPTH } from "../../src/language/lines.ts";
import { MAX_SOURCE } from "../../src/server/sourceBodies.ts";

function lines(...xs: string[]) {
  return `${xs.join("\n")}\n`;
}

describe("parse never fails on bad input", () => {
  it("an empty file is an empty program with no diagnostics", () => {
    expect(parse("")).toEqual({ program: { kind: "program", body: [] }, diagnostics: [] });
    expect(parse("\n\n   \n# only a comment\n").diagnostics).toEqual([]);
  });

  it("binary garbage gives diagnostics, not an exception", () => {
    let bytes = "";
    let seed = 7;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes += String.fromCharCode(seed % 256);
    }
    const r = parse(bytes);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) expect(d.line).toBeGreaterThan(0);
  });

  // The property is that a parse ends with a program or a bound, not how fast: the size is
  // the largest source the server accepts, which ends in seconds on a loaded machine (the CLI
  // reads files of any size: bench/interpreter parses and checks 10 MB versions, timed).
  it("a source as large as the server accepts parses", () => {
    const block = lines(
      "the total is 0",
      "process each line in the lines as follows",
      '  add the line\'s "amount" * 2 rounded to 2 decimals to the total',
      '  say "{the line\'s name} costs {the total}"',
    );
    const src = block.repeat(Math.ceil(MAX_SOURCE / block.length));
    const r = parse(src);
    expect(r.diagnostics).toEqual([]);
    expect(r.program.body.length).toBe(2 * Math.ceil(MAX_SOURCE / block.length));
  });

  it("a line of operators twice the server's limit stops at the bound, without overflowing", () => {
    const ops = MAX_SOURCE / " + 1".length;
    expect(ops).toBeGreaterThan(100 * MAX_CHAIN);
    const r = parse(`the x is 1${" + 1".repeat(ops)}\n`);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.message).toMatch(/too long: it chains more than 2000 operations/);
  });

  // Ten times the bound: a 500 KB source (10,000 levels made a 50 MB one, seconds of work
  // for the same diagnostic).
  it("1,000 levels of indentation are capped with a diagnostic naming the line", () => {
    const levels = 10 * MAX_BLOCK_DEPTH;
    let src = "";
    for (let i = 0; i < levels; i++) src += `${" ".repeat(i)}if the x is ${i} then\n`;
    src += `${" ".repeat(levels)}say "deep"\n`;
    const r = parse(src);
    const deep = r.diagnostics.find((d) => /nested too deeply/.test(d.message));
    expect(deep?.line).toBe(102);
    expect(deep?.message).toMatch(/line 102/);
  });

  it("10,000 nested parentheses are capped with a diagnostic", () => {
    const src = `say ${"(".repeat(10000)}1${")".repeat(10000)}\nsay 2\n`;
    const r = parse(src);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ line: 1 });
    expect(r.diagnostics[0]!.message).toMatch(/more than 100 levels/);
    expect(r.program.body).toHaveLength(1);
    const cond = `if ${"(".repeat(10000)}the x is 1${")".repeat(10000)} then\n  say 1\n`;
    expect(parse(cond).diagnostics[0]!.message).toMatch(/more than 100 levels/);
    const nots = `if ${"not ".repeat(10000)}the x then\n  say 1\n`;
    expect(parse(nots).diagnostics[0]!.message).toMatch(/more than 100 levels/);
  });

  it("deep but reasonable nesting is fine", () => {
    let src = "";
    for (let i = 0; i < 50; i++) src += `${"  ".repeat(i)}if the x is ${i} then\n`;
    src += `${"  ".repeat(50)}say ${"(".repeat(50)}1${")".repeat(50)}\n`;
    expect(parse(src).diagnostics).toEqual([]);
  });

  it("reports inconsistent indentation with the line", () => {
    const r = parse(lines("if the x is 1 then", "    say 1", "  say 2"));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ line: 3 });
    expect(r.diagnostics[0]!.message).toMatch(/line 3/);
  });

  it("reports an unexpected indent", () => {
    const r = parse(lines('say "a"', '  say "b"'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.line).toBe(2);
    expect(r.diagnostics[0]!.message).toMatch(/indented/);
  });

  it("reports a block opener with no body", () => {
    const r = parse(lines("if the x is 1 then", 'say "b"'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.line).toBe(1);
    expect(r.diagnostics[0]!.message).toMatch(/needs an indented block/);
  });

  it("reports an unterminated quote", () => {
    const r = parse(lines('say "hello', 'say "ok"'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ line: 1, col: 5 });
    expect(r.diagnostics[0]!.message).toMatch(/no closing quote/);
    expect(r.program.body).toHaveLength(1);
  });

  it("reports a '{' with no '}' in quoted text", () => {
    const r = parse(lines('say "Hello {the name"'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ line: 1, col: 12 });
    expect(r.diagnostics[0]!.message).toMatch(/'\{' .*no matching '\}'/);
  });

  it("reports unknown statements and keeps the good lines", () => {
    const r = parse(lines('say "a"', "frobnicate the rows", 'say "b"'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ line: 2, words: "frobnicate the rows" });
    expect(r.program.body.map((s) => s.kind)).toEqual(["say", "say"]);
  });

  it("caps the number of diagnostics", () => {
    const r = parse("bogus line\n".repeat(500));
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics[100]!.message).toBe("… and 400 more errors");
  });
});
