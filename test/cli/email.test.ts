// `plainrun email show|senders|rotate` on a data directory, as a person runs them.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "../../bin/plainrun.js");
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "plainrun-email-cli-"));
const cli = (...args: string[]) =>
  exec(process.execPath, [BIN, ...args, "--data-dir", dir], {
    env: { ...process.env, PLAINRUN_MAIL_DOMAIN: "in.example.test" },
  });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("plainrun email", () => {
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
    const bad = await cli("email", "senders", "Invoice Intake", "--allow", "bad").catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"bad" is neither an email address/);
    const rotated = (await cli("email", "rotate", "Invoice Intake", "--json")).stdout;
    expect(JSON.parse(rotated).published).not.toBe(/published: +(\S+)/.exec(shown)?.[1]);
  });
});
