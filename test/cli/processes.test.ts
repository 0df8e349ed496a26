// `plainrun processes …` over a data directory, as a user runs it: the real CLI in a child
// process. One store for the file; each test that changes a process makes its own.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cliFor, noStack } from "../helpers/cli.ts";

const root = mkdtempSync(join(tmpdir(), "plainrun-processes-cli-"));
const file = (name: string, text: string) => {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
};

const GREETING =
  '# Greet a customer by name.\nthe greeting is "Hello, {the customer name}!"\nsay the greeting\n';
const GREETING_V2 = 'the greeting is "Hi, {the customer name}!"\nsay the greeting\n';
const greetingFile = file("greeting.plain", GREETING);
const greetingV2File = file("greeting-v2.plain", GREETING_V2);
const badFile = file("bad.plain", 'the total is 1\nsya "hello"\nthe greeting is "unterminated\n');

const { cli, json } = cliFor(["--data-dir", join(root, "data")]);
const names = async () =>
  (await json("processes", "list")).map((p: { name: string }) => p.name).sort();

// "greeting": created with a description, published twice (v1, then v2 from GREETING_V2).
beforeAll(async () => {
  await json("processes", "create", "greeting", "--file", greetingFile, "--description", "Greets");
  await json("processes", "publish", "greeting");
  await json("processes", "update", "greeting", "--file", greetingV2File);
  await json("processes", "publish", "greeting");
}, CLI.timeout);

describe.concurrent("plainrun processes", CLI, () => {
  it("create stores the process and prints its name and inputs", async () => {
    const created = await cli("processes", "create", "created", "--file", greetingFile);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created process created .*inputs: customer name/);
  });

  it("create refuses a source with errors: each as FILE:LINE:COLUMN, exit 1, nothing stored", async () => {
    const bad = await cli("processes", "create", "broken", "--file", badFile);
    expect(bad.code).toBe(1);
    const diag = bad.stderr.split("\n").filter((l) => l.startsWith(`${badFile}:`));
    expect(diag).toHaveLength(2);
    expect(diag[0]).toMatch(/:2:1: .*say/);
    expect(diag[1]).toMatch(/:3:\d+: .*quote/);
    noStack(bad);
    expect(await names()).not.toContain("broken");
  });

  it("create --json puts the diagnostics in the JSON error", async () => {
    const bad = await cli("processes", "create", "broken-json", "--file", badFile, "--json");
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).error.diagnostics).toHaveLength(2);
  });

  it("update refuses a source with errors, naming the file and line", async () => {
    const bad = await cli("processes", "update", "greeting", "--file", badFile);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${badFile}:2:1: `);
    expect((await json("processes", "show", "greeting")).draft_source).toBe(GREETING_V2);
  });

  it("create refuses a name that already exists", async () => {
    const dup = await cli("processes", "create", "greeting", "--file", greetingFile);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
  });

  it("update sets the starred outputs, the time limit and the description", async () => {
    await json("processes", "create", "settings", "--file", greetingFile);
    const updated = await json(
      "processes",
      "update",
      "settings",
      "--star",
      "greeting",
      "--time-limit",
      "30",
      "--description",
      "Says hello",
    );
    expect(updated.starred_outputs).toEqual(["greeting"]);
    expect(updated.settings.time_limit_ms).toBe(30_000);
    expect(updated.description).toBe("Says hello");
  });

  it("update --file replaces the draft and publish makes the next version", async () => {
    await json("processes", "create", "versioned", "--file", greetingFile);
    const v1 = await cli("processes", "publish", "versioned");
    expect(v1.stdout).toMatch(/Published versioned v1/);
    const draft = await json("processes", "update", "versioned", "--file", greetingV2File);
    expect(draft.draft_source).toBe(GREETING_V2);
    expect((await json("processes", "publish", "versioned")).version).toBe(2);
  });

  it("versions lists the versions newest first", async () => {
    const versions = await json("processes", "versions", "greeting");
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it("restore copies a version's source into the draft", async () => {
    await json("processes", "create", "restored", "--file", greetingFile);
    await json("processes", "publish", "restored");
    await json("processes", "update", "restored", "--file", greetingV2File);
    const restored = await json("processes", "restore", "restored", "v1");
    expect(restored.draft_source).toBe(GREETING);
  });

  it("show --json gives the inputs, the latest version and every version", async () => {
    const shown = await json("processes", "show", "greeting");
    expect(shown).toMatchObject({
      name: "greeting",
      description: "Greets",
      latest_version: 2,
      inputs: ["customer name"],
    });
    expect(shown.versions).toHaveLength(2);
  });

  it("show prints the versions, marking the one the draft matches, and the draft", async () => {
    const human = await cli("processes", "show", "greeting");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Versions:\n\s+v2 .*\(same as the draft\)\n\s+v1 [^(\n]*\n/);
    expect(human.stdout).toMatch(/Draft:\n\s+the greeting is "Hi, /);
  });

  it("list prints a table of name, id, published version and inputs", async () => {
    const list = await cli("processes", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+ID\s+PUBLISHED/);
    expect(list.stdout).toMatch(/greeting\s+\S+\s+v2\s+customer name/);
  });

  it("refuses an unknown process in a sentence, with no stack", async () => {
    const unknown = await cli("processes", "show", "nope");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No process named or with id "nope"/);
    noStack(unknown);
  });

  it("exits 2 for usage errors: nothing to update, no --file, an unknown flag", async () => {
    const nothing = await cli("processes", "update", "greeting");
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to change/);
    expect((await cli("processes", "create", "x")).code).toBe(2);
    expect((await cli("processes", "list", "--bogus")).code).toBe(2);
  });
});
