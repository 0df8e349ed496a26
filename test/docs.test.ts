// The docs stand alone: every link in README.md and docs/ points to a file in this
// repository (or to a web address), and none sends the reader to the spec files that
// live outside it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const docs = [
  join(root, "README.md"),
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(root, "docs", f)),
];

describe.each(docs.map((d) => [d.slice(root.length)]))("%s", (name) => {
  const path = join(root, name);
  const text = readFileSync(path, "utf8");

  it("links only to files that exist in the repository", () => {
    const broken = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1] as string)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => !existsSync(resolve(dirname(path), target)));
    expect(broken).toEqual([]);
  });

  it("does not send the reader to the spec outside the repository", () => {
    expect(text).not.toMatch(/PRODUCT\.md|LANGUAGE\.md|ARCHITECTURE\.md|\.\.\/shared\//);
  });
});

describe("docs/cli.md", () => {
  it("has a section for every command and subcommand", async () => {
    const { Command } = await import("commander");
    const { COMMANDS } = await import("../src/cli/commands/index.ts");
    const headings = readFileSync(join(root, "docs/cli.md"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("#"));
    const missing: string[] = [];
    const covered = (words: string) =>
      headings.some((h) => h.includes(`\`plainrun ${words}\``) || h.includes(`\`${words}\``));
    // A command with subcommands is covered by sections for each of its leaves
    // (`test cases list`, …); a leaf by a section naming it.
    const walk = (cmd: InstanceType<typeof Command>, words: string) => {
      if (cmd.commands.length === 0) {
        const leaf = words.split(" ").at(-1) as string;
        if (!covered(words) && !(words.includes(" ") && covered(leaf))) missing.push(words);
        return;
      }
      for (const sub of cmd.commands) walk(sub, `${words} ${sub.name()}`);
    };
    for (const entry of COMMANDS) {
      const cmd = new Command(entry.name);
      (await entry.load())(cmd);
      walk(cmd, entry.name);
    }
    expect(missing).toEqual([]);
  });
});
