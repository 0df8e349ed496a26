// The `plainrun` command as a user runs it: a real child process, real files.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { plainrun } from "../helpers/cli.ts";
import { loadExamples, mismatches } from "../helpers/examples.ts";

const dir = mkdtempSync(join(tmpdir(), "plainrun-cli-"));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("plainrun --help", () => {
  it("lists the commands", async () => {
    const r = await plainrun(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check/);
    expect(r.stdout).toMatch(/run/);
  });
});

describe("plainrun check", () => {
  it("prints FILE:LINE:COLUMN: message for every problem and exits 1", async () => {
    const path = file("bad.plain", 'the total is 1\nsya "hello"\nthe greeting is "unterminated\n');
    const r = await plainrun(["check", path]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:\\d+: .*say`),
    );
    expect(lines.some((l) => l.startsWith(`${path}:3:`))).toBe(true);
  });

  it("exits 0 on a good file", async () => {
    const path = file("good.plain", 'the total is 1\nsay "ok"\n');
    const r = await plainrun(["check", path]);
    expect(r.stdout).not.toMatch(/:\d+:\d+:/);
    expect(r.code).toBe(0);
  });

  it("reports an unreadable file", async () => {
    const r = await plainrun(["check", join(dir, "missing.plain")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/can't read/);
  });
});

describe("plainrun run --json passes every example case", () => {
  for (const c of loadExamples()) {
    it.concurrent(`${c.name} #${c.index + 1}`, async () => {
      const inputs = file(`${c.name}-${c.index}.json`, JSON.stringify(c.inputs));
      const args = ["run", c.file, "--inputs", inputs, "--json"];
      const first = JSON.parse((await plainrun(args)).stdout);
      expect(mismatches(first, c.expect)).toEqual([]);
      if (c.answer !== undefined && c.then) {
        const answered = await plainrun([...args, "--answer", String(c.answer)]);
        const then = JSON.parse(answered.stdout);
        expect(mismatches(then, c.then)).toEqual([]);
        expect(answered.code).toBe(then.status === "Succeeded" ? 0 : 1);
      }
    });
  }
});

describe("plainrun run", () => {
  it("takes --input NAME=VALUE with JSON values and prints for a person", async () => {
    const path = file(
      "split.plain",
      'the share is the total divided by the people\nsay "Each pays {the share}"\n',
    );
    const r = await plainrun(["run", path, "--input", "total=100", "--input", "the people=8"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Status: Succeeded/);
    expect(r.stdout).toMatch(/Each pays 12\.5/);
    expect(r.stdout).toMatch(/share: 12\.5/);
  });

  it("takes --file NAME=PATH and reads it as a table", async () => {
    const csv = file("rows.csv", "id,amount\n1,10.10\n2,20.20\n");
    const alt = file(
      "sum2.plain",
      'the rows are the rows file as a table\nthe total is the sum of the rows\' "amount"\n',
    );
    const r = await plainrun(["run", alt, "--file", `rows file=${csv}`, "--json"]);
    expect(JSON.parse(r.stdout).outputs.total).toBe(30.3);
  });

  it("ends AwaitingAnswer with the question when no answer is given, exit 3", async () => {
    const path = file(
      "ask.plain",
      'ask "Ship it?" as the decision\n  the choices are "yes", "no"\nsay "decided {the decision}"\n',
    );
    // Waiting for an answer is not a failure of the command: its own code, 3.
    const r = await plainrun(["run", path, "--json"]);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe("AwaitingAnswer");
    expect(out.question).toEqual({ line: 1, text: "Ship it?", choices: ["yes", "no"] });
    const text = await plainrun(["run", path]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/AwaitingAnswer/);
    const done = await plainrun(["run", path, "--json", "--answer", "no"]);
    expect(done.code).toBe(0);
    const answered = JSON.parse(done.stdout);
    expect(answered.status).toBe("Succeeded");
    expect(answered.log).toEqual(["decided no"]);
  });

  it("refuses a process that does not compile, naming the line", async () => {
    const path = file("broken.plain", "the total is (1 + \n");
    const r = await plainrun(["run", path, "--json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.plain:1:\d+: /);
  });

  it("gives one JSON object with --json when the source does not compile", async () => {
    const path = file("invalid.plain", 'say "ok"\necho the total\nthe x is 12,50\n');
    const r = await plainrun(["run", path, "--json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      status: "Invalid",
      outputs: {},
      log: [],
      question: null,
      error: { line: 2, message: "I don't know how to 'echo the total'. Write 'say the total'" },
    });
    expect(out.diagnostics).toHaveLength(2);
    expect(out.diagnostics[0]).toEqual({
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 15,
      message: "I don't know how to 'echo the total'. Write 'say the total'",
      hint: "say the total",
    });
    expect(out.diagnostics[1]).toMatchObject({ line: 3, hint: null });
  });

  it("stops a runaway loop at the time limit with TimedOut", async () => {
    const path = file("loop.plain", "the n is 0\nrepeat 1000000000 times\n  add 1 to the n\n");
    const r = await plainrun(["run", path, "--json", "--time-limit", "1"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).status).toBe("TimedOut");
  });

  it("reads numeric dates in the --date-order given, and refuses them without one", async () => {
    const path = file("due.plain", "say the start + 1 day\n");
    const day = await plainrun([
      "run",
      path,
      "--json",
      "--input",
      "start=03/04/2026",
      "--date-order",
      "day-first",
    ]);
    expect(JSON.parse(day.stdout).log).toEqual(["2026-04-04"]);
    const month = await plainrun([
      "run",
      path,
      "--json",
      "--input",
      "start=03/04/2026",
      "--date-order",
      "month-first",
    ]);
    expect(JSON.parse(month.stdout).log).toEqual(["2026-03-05"]);
    const none = await plainrun(["run", path, "--json", "--input", "start=03/04/2026"]);
    expect(JSON.parse(none.stdout).error.message).toMatch(/ambiguous/);
  });

  it("rejects a malformed --input", async () => {
    const path = file("x.plain", 'say "x"\n');
    const r = await plainrun(["run", path, "--input", "novalue"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/NAME=VALUE/);
  });
});
