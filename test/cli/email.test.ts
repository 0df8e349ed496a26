// `plainrun email show|senders|rotate` on a data directory, as a person runs them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, cliFor } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "plainrun-email-cli-"));
const { cli: run } = cliFor(["--data-dir", dir], {
  env: { PLAINRUN_MAIL_DOMAIN: "in.example.test" },
});
/** Throws unless the command exits 0, like the checks below expect. */
const cli = async (...args: string[]) => {
  const r = await run(...args);
  if (r.code !== 0) throw new Error(`plainrun ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r;
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("plainrun email", CLI, () => {
  it("shows, restricts and rotates a process's addresses", async () => {
    writeFileSync(join(dir, "p.plain"), 'say "hi"\n');
    await cli("processes", "create", "Invoice Intake", "--file", join(dir, "p.plain"));
    const shown = (await cli("email", "show", "Invoice Intake")).stdout;
    expect(shown).toMatch(/published: +invoice-intake\.[a-z0-9]{10}@in\.example\.test/);
    expect(shown).toMatch(/senders: +anyone/);
    const set = await cli(
      "email",
      "senders",
      "Invoice Intake",
      "--allow",
      "ap@example.com",
      "--authenticated",
      "--json",
    );
    expect(JSON.parse(set.stdout).senders).toEqual({
      allow: ["ap@example.com"],
      authenticated: true,
    });
    const bad = await run("email", "senders", "Invoice Intake", "--allow", "bad");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"bad" is neither an email address/);
    const rotated = (await cli("email", "rotate", "Invoice Intake", "--json")).stdout;
    expect(JSON.parse(rotated).published).not.toBe(/published: +(\S+)/.exec(shown)?.[1]);
  });
});
