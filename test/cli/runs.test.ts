// `plainrun runs …` over a data directory, as a user runs it: the real CLI in a child
// process. Each group of tests shares one store its beforeAll fills.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dataDirUrl, getRun, openStore } from "../../src/store/index.ts";
import { CLI, type CliResult, cliFor, noStack, startPlainrun } from "../helpers/cli.ts";
import { until } from "../helpers/engines.ts";

const root = mkdtempSync(join(tmpdir(), "plainrun-runs-cli-"));
const file = (name: string, text: string) => {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
};

const greetingFile = file(
  "greeting.plain",
  '# Greet a customer by name.\nthe greeting is "Hello, {the customer name}!"\nsay the greeting\n',
);
const greetingV2File = file(
  "greeting-v2.plain",
  'the greeting is "Hi, {the customer name}!"\nsay the greeting\n',
);

/** A data directory of its own with "greeting" created and published as v1. */
async function storeWithGreeting(name: string) {
  const dir = join(root, name);
  const c = cliFor(["--data-dir", dir]);
  await c.json("processes", "create", "greeting", "--file", greetingFile);
  await c.json("processes", "publish", "greeting");
  const greet = (who: string, ...flags: string[]) =>
    c.json("start", "greeting", "--input", `customer name=${who}`, "--wait", ...flags);
  return { dir, ...c, greet };
}

const ids = (page: { items: Array<{ id: string }> }) => page.items.map((r) => r.id);

describe.concurrent("plainrun runs list", CLI, () => {
  let s: Awaited<ReturnType<typeof storeWithGreeting>>;
  let ada: { id: string };
  let bob: { id: string };
  let cy: { id: string };
  beforeAll(async () => {
    s = await storeWithGreeting("list");
    ada = await s.greet("Ada");
    bob = await s.greet("Bob");
    cy = await s.greet("Cy", "--draft");
  }, CLI.timeout);

  it("lists newest first, filtered by stage, status, process, search text and date", async () => {
    const { json } = s;
    expect(ids(await json("runs", "list"))).toEqual([cy.id, bob.id, ada.id]);
    expect(ids(await json("runs", "list", "--stage", "draft"))).toEqual([cy.id]);
    expect(
      ids(await json("runs", "list", "--status", "succeeded", "--process", "greeting")),
    ).toHaveLength(3);
    expect(ids(await json("runs", "list", "--search", "BOB"))).toEqual([bob.id]);
    expect(ids(await json("runs", "list", "--since", "2999-01-01"))).toEqual([]);
  });

  it("pages with --limit and --cursor", async () => {
    const first = await s.json("runs", "list", "--limit", "2");
    expect(ids(first)).toEqual([cy.id, bob.id]);
    const next = await s.json("runs", "list", "--limit", "2", "--cursor", first.next_cursor);
    expect(ids(next)).toEqual([ada.id]);
  });

  it("prints a table with a header, one line per run and how to get more", async () => {
    const table = await s.cli("runs", "list", "--limit", "2");
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^ID\s+PROCESS\s+STATUS\s+STAGE\s+VERSION\s+TRIGGER\s+CREATED\s+DURATION$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${cy.id}\\s+greeting\\s+Succeeded\\s+draft\\s+-\\s+manual\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d`,
      ),
    );
    expect(lines[2]).toMatch(/greeting\s+Succeeded\s+published\s+v1\s+manual/);
    expect(lines[3]).toMatch(/^More: add --cursor \S+$/);
  });

  it("refuses a bad stage or status in a sentence, and a bad date as a usage error", async () => {
    const badStage = await s.cli("runs", "list", "--stage", "bogus");
    expect(badStage.code).toBe(1);
    expect(badStage.stderr).toMatch(/"draft" or "published"/);
    const badStatus = await s.cli("runs", "list", "--status", "Nope");
    expect(badStatus.stderr).toMatch(/Unknown status "Nope"/);
    expect((await s.cli("runs", "list", "--since", "not a date")).code).toBe(2);
  });
});

describe.concurrent("plainrun runs rerun", CLI, () => {
  let s: Awaited<ReturnType<typeof storeWithGreeting>>;
  let ada: { id: string };
  let bob: { id: string };
  // Ada and Bob ran on v1; then v2 ("Hi, …") was published.
  beforeAll(async () => {
    s = await storeWithGreeting("rerun");
    ada = await s.greet("Ada");
    bob = await s.greet("Bob");
    await s.json("processes", "update", "greeting", "--file", greetingV2File);
    await s.json("processes", "publish", "greeting");
  }, CLI.timeout);

  it("runs the stage's current version and prints the new run", async () => {
    const current = await s.cli("runs", "rerun", ada.id, "--wait");
    expect(current.code).toBe(0);
    expect(current.stdout).toMatch(new RegExp(`^${ada.id}: done, new run \\S+ Succeeded$`, "m"));
    const [cur] = await s.json("runs", "rerun", ada.id, "--wait");
    expect(cur.run).toMatchObject({
      version: 2,
      trigger: "rerun",
      rerun_of: ada.id,
      status: "Succeeded",
    });
    expect(cur.run.log).toEqual(["Hi, Ada!"]);
  });

  it("--exact-version runs the original's version", async () => {
    const [exact] = await s.json("runs", "rerun", ada.id, "--exact-version", "--wait");
    expect(exact.run).toMatchObject({ version: 1, rerun_of: ada.id });
    expect(exact.run.log).toEqual(["Hello, Ada!"]);
  });

  it("without --wait queues each re-run, says per id, and exits 1 when one is refused", async () => {
    const queued = await s.cli("runs", "rerun", bob.id, "nope");
    expect(queued.code).toBe(1);
    const newId = new RegExp(`^${bob.id}: done, new run ([0-9a-f-]{36})$`, "m").exec(
      queued.stdout,
    )?.[1];
    expect(newId).toBeDefined();
    expect(queued.stdout).toMatch(/^nope: No run with id "nope"/m);
    const reruns = ids(await s.json("runs", "list", "--trigger", "rerun"));
    expect(reruns).toContain(newId);
    expect(reruns).not.toContain(bob.id);
  });
});

describe.concurrent("plainrun runs archive and unarchive", CLI, () => {
  let s: Awaited<ReturnType<typeof storeWithGreeting>>;
  const runs: Record<string, { id: string }> = {};
  beforeAll(async () => {
    s = await storeWithGreeting("archive");
    for (const who of ["Ada", "Bob", "Cy", "Dee"]) runs[who] = await s.greet(who);
  }, CLI.timeout);
  const listed = async (...flags: string[]) => ids(await s.json("runs", "list", ...flags));

  it("archive hides a run from the list; --archived shows it, --only-archived only those", async () => {
    const bob = runs.Bob!.id;
    const archived = await s.cli("runs", "archive", bob);
    expect(archived.code).toBe(0);
    expect(archived.stdout.trim()).toBe(`${bob}: done`);
    expect(await listed("--limit", "500")).not.toContain(bob);
    expect(await listed("--archived")).toContain(bob);
    const only = await s.json("runs", "list", "--only-archived");
    expect(ids(only)).toContain(bob);
    expect(only.items.every((r: { archived: boolean }) => r.archived)).toBe(true);
    expect((await s.cli("runs", "list", "--archived")).stdout).toMatch(/Succeeded \(archived\)/);
  });

  it("show says a run is archived, and by whom in its history", async () => {
    const cy = runs.Cy!.id;
    expect((await s.cli("runs", "archive", cy)).code).toBe(0);
    const shown = await s.cli("runs", "show", cy);
    expect(shown.stdout).toMatch(/archived:\s+yes/);
    expect(shown.stdout).toMatch(/History:[\s\S]*Succeeded[\s\S]*archived\s+\(by /);
    expect(shown.stdout).toMatch(/Timeline: 2 steps/);
  });

  it("unarchive brings a run back into the list", async () => {
    const dee = runs.Dee!.id;
    expect((await s.cli("runs", "archive", dee)).code).toBe(0);
    const unarchived = await s.cli("runs", "unarchive", dee);
    expect(unarchived.code).toBe(0);
    expect(unarchived.stdout.trim()).toBe(`${dee}: done`);
    expect(await listed("--limit", "500")).toContain(dee);
  });

  it("reports each id's outcome (--json too) and exits 1 when one is refused", async () => {
    const ada = runs.Ada!.id;
    const bulk = await s.cli("runs", "archive", ada, "nope", "--json");
    expect(bulk.code).toBe(1);
    expect(JSON.parse(bulk.stdout)).toMatchObject([
      { id: ada, ok: true },
      { id: "nope", ok: false, error: { code: "not_found" } },
    ]);
    const human = await s.cli("runs", "unarchive", ada, "nope");
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`${ada}: done`);
    expect(human.stdout).toMatch(/^nope: No run/m);
  });
});

describe.concurrent("plainrun runs answer, show and cancel", CLI, () => {
  let s: Awaited<ReturnType<typeof storeWithGreeting>>;
  let asked: { id: string };
  let answered: CliResult;
  // A run that asked for the customer name (no input given), answered with --wait.
  beforeAll(async () => {
    s = await storeWithGreeting("answer");
    asked = JSON.parse((await s.cli("start", "greeting", "--wait", "--json")).stdout);
    answered = await s.cli("runs", "answer", asked.id, "Linus", "--wait");
  }, CLI.timeout);

  it("answer --wait resumes the run and prints its end", () => {
    expect(answered.code).toBe(0);
    expect(answered.stdout).toMatch(/Hello, Linus!/);
  });

  it("answer refuses a run that is not waiting for an answer", async () => {
    const again = await s.cli("runs", "answer", asked.id, "Linus");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not waiting for an answer/);
  });

  it("show --json gives the status history, the answer and the timeline", async () => {
    const detail = await s.json("runs", "show", asked.id);
    expect(detail.status_history.map((h: { status: string }) => h.status)).toEqual([
      "Pending",
      "Running",
      "AwaitingAnswer",
      "Pending",
      "Running",
      "Succeeded",
    ]);
    expect(detail.history).toContainEqual(
      expect.objectContaining({ type: "answer", answer: "Linus" }),
    );
    expect(detail.timeline.entries.length).toBeGreaterThan(0);
  });

  it("cancel cancels a Pending run, refuses a final one, and exits 1 when one is refused", async () => {
    const queued = (await s.cli("start", "greeting", "--input", "customer name=Zed")).stdout.trim();
    const cancel = await s.cli("runs", "cancel", queued, asked.id);
    expect(cancel.code).toBe(1);
    expect(cancel.stdout).toContain(`${queued}: done`);
    expect(cancel.stdout).toMatch(new RegExp(`${asked.id}: .*already Succeeded`));
    const cancelled = await s.json("runs", "show", queued);
    expect(cancelled.status).toBe("Cancelled");
    expect(typeof cancelled.cancelled_by).toBe("string");
  });

  it("show refuses an unknown run in a sentence, with no stack", async () => {
    const r = await s.cli("runs", "show", "nope");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No run with id "nope"/);
    noStack(r);
  });
});

describe("plainrun runs work", CLI, () => {
  it("executes what start queued, and stops on SIGTERM", async () => {
    const s = await storeWithGreeting("work");
    const pending = (await s.cli("start", "greeting", "--input", "customer name=Worked")).stdout;
    const worker = startPlainrun(["runs", "work", "--concurrency", "2", "--data-dir", s.dir]);
    await worker.printed(/Working with 2 worker/);
    // Polled in this process: the worker is the one CLI process the test is about.
    const store = await openStore({ url: dataDirUrl(s.dir) });
    try {
      const status = await until(async () => {
        const run = await getRun(store.db, pending.trim());
        return run?.status === "Succeeded" ? run.status : undefined;
      }, 90_000);
      expect(status).toBe("Succeeded");
    } finally {
      await store.close();
    }
    worker.child.kill("SIGTERM");
    const stopped = await worker.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/SIGTERM: stopping/);
    expect(stopped.stdout).toMatch(/Stopped\./);
  });
});
