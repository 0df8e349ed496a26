// One style for every command: exit 0 success, 1 the command failed, 2 usage error; errors
// are one line `plainrun: sentence` (no help unless asked); source problems are
// FILE:LINE:COLUMN: message; a missing file is a sentence.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliResult, plainrun } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "plainrun-style-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const good = file("good.plain", 'say "hi"\n');
const bad = file("bad.plain", 'say "hi"\nsya "hello"\n');
const missing = join(dir, "missing.plain");
const store = (name: string) => ["--data-dir", join(dir, name)];

/** One line on stderr, `plainrun: …`, no usage text, no stack. */
function oneSentence(r: CliResult, pattern: RegExp) {
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^plainrun: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/Usage:|^\s+at /m);
}

describe.concurrent("exit codes and messages", () => {
  it("exits 2 with one sentence for an unknown option, command or missing argument", async () => {
    for (const args of [["run", good, "--bogus"], ["frobnicate"], ["check"], ["runs", "show"]]) {
      const r = await plainrun(args);
      expect(r.code, args.join(" ")).toBe(2);
      oneSentence(r, /unknown|missing/);
    }
  });

  it("exits 2 when no command is given, and 0 with the help when asked", async () => {
    const none = await plainrun([]);
    expect(none.code).toBe(2);
    oneSentence(none, /give a command/);
    const help = await plainrun(["runs", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: plainrun runs/);
  });

  it("exits 2 for a malformed flag value in every command that takes it", async () => {
    for (const args of [
      ["run", good, "--input", "novalue"],
      ["run", good, "--time-limit", "soon"],
      ["run", good, "--date-order", "year-first"],
      ["runs", "list", "--limit", "0", ...store("limit")],
      ["start", "x", "--input", "novalue", ...store("input")],
    ]) {
      const r = await plainrun(args);
      expect(r.code, args.join(" ")).toBe(2);
      oneSentence(r, /./);
    }
  });

  it("names a missing file in a sentence, never a raw ENOENT, and exits 1", async () => {
    for (const args of [
      ["run", missing],
      ["check", missing],
      ["run", good, "--inputs", missing],
      ["run", good, "--file", `report=${missing}`],
      ["processes", "create", "x", "--file", missing, ...store("missing")],
    ]) {
      const r = await plainrun(args);
      expect(r.code, args.join(" ")).toBe(1);
      oneSentence(r, /missing\.plain: no such file|missing\.plain .*no such file/);
      expect(r.stderr).not.toMatch(/ENOENT/);
    }
  });

  it("prints source problems as FILE:LINE:COLUMN: message in run, check and processes", async () => {
    const check = await plainrun(["check", bad]);
    const run = await plainrun(["run", bad]);
    const create = await plainrun(["processes", "create", "bad", "--file", bad, ...store("bad")]);
    for (const r of [check, run, create]) expect(r.code).toBe(1);
    const line = new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:1: `, "m");
    expect(check.stdout).toMatch(line);
    expect(run.stderr).toMatch(line);
    expect(create.stderr).toMatch(line);
  });

  it("exits 1 when a run does not succeed and 0 when it does", async () => {
    expect((await plainrun(["run", good])).code).toBe(0);
    const fails = file("fails.plain", "ensure 1 is greater than 2\n");
    expect((await plainrun(["run", fails])).code).toBe(1);
  });
});

describe("keys and publishing", () => {
  it("warns when a second active key gets the same name; revoke by that name lists the ids", async () => {
    const s = store("keys");
    const first = await plainrun(["keys", "create", "ci", ...s]);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    const second = await plainrun(["keys", "create", "ci", ...s]);
    expect(second.code).toBe(0);
    const firstId = /\(id ([^)]+)\)/.exec(first.stdout)?.[1];
    const secondId = /\(id ([^)]+)\)/.exec(second.stdout)?.[1];
    oneSentence(second, new RegExp(`warning: .*"ci".*${firstId}`));
    const revoke = await plainrun(["keys", "revoke", "ci", ...s]);
    expect(revoke.code).toBe(1);
    oneSentence(revoke, new RegExp(`${firstId}.*${secondId}|${secondId}.*${firstId}`));
    const byId = await plainrun(["keys", "revoke", String(firstId), ...s]);
    expect(byId.code).toBe(0);
    expect((await plainrun(["keys", "revoke", "ci", ...s])).code).toBe(0);
  });

  it("publishing an unchanged draft says so and creates no version", async () => {
    const s = store("publish");
    expect((await plainrun(["processes", "create", "hello", "--file", good, ...s])).code).toBe(0);
    const v1 = await plainrun(["processes", "publish", "hello", ...s]);
    expect(v1.stdout).toMatch(/Published hello v1/);
    const again = await plainrun(["processes", "publish", "hello", ...s]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/hello v1 already has the draft's source: nothing published/);
    const versions = await plainrun(["processes", "versions", "hello", "--json", ...s]);
    expect(JSON.parse(versions.stdout)).toHaveLength(1);
  });
});
