// The commands over a store (processes, start, runs) as a user runs them: the real CLI in
// a child process, a temp --data-dir per flow (flows run concurrently), and one flow on
// PostgreSQL in a schema of its own.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/plainrun.js", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "plainrun-engine-cli-"));
const PG_URL = process.env.PLAINRUN_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!("PLAINRUN_DATA_DIR" in extra)) delete env.PLAINRUN_DATA_DIR;
  if (!("PLAINRUN_DATABASE_URL" in extra)) delete env.PLAINRUN_DATABASE_URL;
  return env;
}

function start(args: string[], opts: SpawnOptions = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: cleanEnv(opts.env),
    cwd: opts.cwd ?? root,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<Result>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }),
    );
  });
  return { child, done, output: () => stdout };
}

const run = (args: string[], opts: SpawnOptions = {}) => start(args, opts).done;

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

/** A CLI bound to one store: `cli("runs", "list")` adds the store flags. */
function cliFor(store: string[]) {
  const cli = (...args: string[]) => run([...args, ...store]);
  const json = async (...args: string[]) => {
    const r = await cli(...args, "--json");
    if (r.code !== 0) throw new Error(`plainrun ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  return { cli, json };
}

const dataDir = (name: string) => ["--data-dir", join(root, name, "nested")];

const GREETING =
  '# Greet a customer by name.\nthe greeting is "Hello, {the customer name}!"\nsay the greeting\n';
const GREETING_V2 = 'the greeting is "Hi, {the customer name}!"\nsay the greeting\n';
const BAD = 'the total is 1\nsya "hello"\nthe greeting is "unterminated\n';
const ROWS =
  'read the data as a table\nthe row count is the count of the table\nsay "{the row count} rows"\n';

const greetingFile = file("greeting.plain", GREETING);
const greetingV2File = file("greeting-v2.plain", GREETING_V2);
const badFile = file("bad.plain", BAD);
const rowsFile = file("rows.plain", ROWS);
const csvFile = file("data.csv", "id,amount\n1,10\n2,20\n3,30\n");

const noStack = (r: Result) => expect(r.stderr).not.toMatch(/^\s+at /m);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.concurrent("plainrun over a data directory", { timeout: 300_000 }, () => {
  it("creates, updates, publishes, lists, shows and restores processes; refuses bad source", async () => {
    const store = dataDir("processes");
    const { cli, json } = cliFor(store);

    const created = await cli(
      "processes",
      "create",
      "greeting",
      "--file",
      greetingFile,
      "--description",
      "Greets",
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created process greeting .*inputs: customer name/);
    expect(existsSync(join(store[1] as string, "plainrun.sqlite"))).toBe(true);

    // Source with errors: every diagnostic as FILE:LINE:COLUMN: message, exit 1, nothing stored.
    const bad = await cli("processes", "create", "broken", "--file", badFile);
    expect(bad.code).toBe(1);
    const diag = bad.stderr.split("\n").filter((l) => l.startsWith(`${badFile}:`));
    expect(diag).toHaveLength(2);
    expect(diag[0]).toMatch(/:2:1: .*say/);
    expect(diag[1]).toMatch(/:3:\d+: .*quote/);
    noStack(bad);
    const badUpdate = await cli("processes", "update", "greeting", "--file", badFile);
    expect(badUpdate.code).toBe(1);
    expect(badUpdate.stderr).toContain(`${badFile}:2:1: `);
    const badJson = await cli("processes", "create", "broken", "--file", badFile, "--json");
    expect(badJson.code).toBe(1);
    expect(JSON.parse(badJson.stderr).error.diagnostics).toHaveLength(2);

    const dup = await cli("processes", "create", "greeting", "--file", greetingFile);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);

    const updated = await json(
      "processes",
      "update",
      "greeting",
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

    expect((await cli("processes", "publish", "greeting")).stdout).toMatch(/Published greeting v1/);
    const v2draft = await json("processes", "update", "greeting", "--file", greetingV2File);
    expect(v2draft.draft_source).toBe(GREETING_V2);
    expect((await json("processes", "publish", "greeting")).version).toBe(2);

    const versions = await json("processes", "versions", "greeting");
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const restored = await json("processes", "restore", "greeting", "v1");
    expect(restored.draft_source).toBe(GREETING);

    const shown = await json("processes", "show", "greeting");
    expect(shown).toMatchObject({ name: "greeting", latest_version: 2, inputs: ["customer name"] });
    expect(shown.versions).toHaveLength(2);
    const human = await cli("processes", "show", "greeting");
    expect(human.stdout).toMatch(/Versions:\n\s+v2 .*\n\s+v1 .*same as the draft/);
    expect(human.stdout).toMatch(/Draft:\n\s+# Greet a customer by name\./);

    const list = await cli("processes", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+ID\s+PUBLISHED/);
    expect(list.stdout).toMatch(/greeting\s+\S+\s+v2\s+customer name/);

    // The environment and the default directory reach the same kind of store.
    const viaEnv = await run(["processes", "list", "--json"], {
      env: { PLAINRUN_DATA_DIR: store[1] as string },
    });
    expect(JSON.parse(viaEnv.stdout)).toHaveLength(1);
    const cwd = mkdtempSync(join(root, "cwd-"));
    expect((await run(["processes", "list"], { cwd })).stdout).toMatch(/No processes yet/);
    expect(existsSync(join(cwd, "plainrun-data", "plainrun.sqlite"))).toBe(true);

    // Clear refusals, no stack traces; usage errors exit 2.
    const unknown = await cli("processes", "show", "nope");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No process named or with id "nope"/);
    noStack(unknown);
    const nothing = await cli("processes", "update", "greeting");
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to change/);
    expect((await cli("processes", "create", "x")).code).toBe(2); // --file is required
    expect((await cli("processes", "list", "--bogus")).code).toBe(2);
    expect((await run(["processes", "list", ...store, "--database-url", PG_URL])).code).toBe(2);
  });

  it("starts runs with inputs and files, waits, answers, cancels and works the queue", async () => {
    const { cli, json } = cliFor(dataDir("start"));
    expect((await cli("processes", "create", "greeting", "--file", greetingFile)).code).toBe(0);
    expect((await cli("processes", "create", "rows", "--file", rowsFile)).code).toBe(0);

    // Published with no version yet: the stage rule refuses.
    const unpublished = await cli("start", "greeting", "--input", "customer name=Ada");
    expect(unpublished.code).toBe(1);
    expect(unpublished.stderr).toMatch(/no published version/);
    noStack(unpublished);

    // Draft, with an input, waited for.
    const draft = await cli(
      "start",
      "greeting",
      "--draft",
      "--input",
      "customer name=Ada",
      "--wait",
    );
    expect(draft.code).toBe(0);
    expect(draft.stdout).toMatch(/Status: Succeeded/);
    expect(draft.stdout).toMatch(/Log:\n\s+Hello, Ada!/);
    expect(draft.stdout).toMatch(/greeting: "Hello, Ada!"/);

    // Published, inputs from a JSON file.
    expect((await cli("processes", "publish", "greeting")).code).toBe(0);
    const inputsFile = file("inputs.json", JSON.stringify({ "customer name": "Grace" }));
    const published = await json("start", "greeting", "--inputs", inputsFile, "--wait");
    expect(published).toMatchObject({
      status: "Succeeded",
      stage: "published",
      version: 1,
      trigger: "manual",
    });
    expect(published.log).toEqual(["Hello, Grace!"]);
    expect(typeof published.trigger_details.who).toBe("string");

    // A file input goes through the file store.
    const rows = await json("start", "rows", "--draft", "--file", `data=${csvFile}`, "--wait");
    expect(rows.status).toBe("Succeeded");
    expect(rows.outputs["row count"]).toBe(3);
    expect(rows.inputs.data).toMatchObject({ name: "data.csv", type: "text/csv" });
    expect(rows.file_ids).toEqual([rows.inputs.data.file_id]);

    // A question: --wait stops at AwaitingAnswer (exit 3, not a failure); answer --wait
    // resumes it.
    const asked = await cli("start", "greeting", "--wait", "--json");
    expect(asked.code).toBe(3);
    const waiting = JSON.parse(asked.stdout);
    expect(waiting.status).toBe("AwaitingAnswer");
    expect(waiting.question.text).toMatch(/customer name/);
    const answered = await cli("runs", "answer", waiting.id, "Linus", "--wait");
    expect(answered.code).toBe(0);
    expect(answered.stdout).toMatch(/Hello, Linus!/);
    const again = await cli("runs", "answer", waiting.id, "Linus");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not waiting for an answer/);
    const detail = await json("runs", "show", waiting.id);
    expect(detail.status_history.map((h: { status: string }) => h.status)).toEqual([
      "Pending",
      "Running",
      "AwaitingAnswer",
      "Pending",
      "Running",
      "Succeeded",
    ]);
    expect(
      detail.history.some(
        (h: { type: string; answer?: string }) => h.type === "answer" && h.answer === "Linus",
      ),
    ).toBe(true);
    expect(detail.timeline.entries.length).toBeGreaterThan(0);

    // Without --wait: the run id alone, the run stays Pending; cancel it; cancel of a final run is refused.
    const queued = await cli("start", "greeting", "--input", "customer name=Zed");
    expect(queued.code).toBe(0);
    const queuedId = queued.stdout.trim();
    expect(queuedId).toMatch(UUID);
    expect((await json("runs", "show", queuedId)).status).toBe("Pending");
    const cancel = await cli("runs", "cancel", queuedId, published.id);
    expect(cancel.code).toBe(1);
    expect(cancel.stdout).toContain(`${queuedId}: done`);
    expect(cancel.stdout).toMatch(new RegExp(`${published.id}: .*already Succeeded`));
    const cancelled = await json("runs", "show", queuedId);
    expect(cancelled.status).toBe("Cancelled");
    expect(typeof cancelled.cancelled_by).toBe("string");

    // runs work executes what start queued, and stops on SIGTERM.
    const pending = (await json("start", "greeting", "--input", "customer name=Worked")).id;
    const worker = start(["runs", "work", "--concurrency", "2", ...dataDir("start")]);
    let status = "Pending";
    for (let i = 0; i < 40 && status !== "Succeeded"; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await json("runs", "show", pending)).status;
    }
    expect(status).toBe("Succeeded");
    worker.child.kill("SIGTERM");
    const stopped = await worker.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/Working with 2 worker/);
    expect(stopped.stdout).toMatch(/Stopped\./);

    // A malformed flag is a usage error: exit 2.
    const usage = await cli("start", "greeting", "--input", "novalue");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^plainrun: --input expects NAME=VALUE/);
    // Bad inputs and unknown things: clear, exit 1, no stack.
    for (const [args, message] of [
      [["start", "greeting", "--inputs", file("list.json", "[1,2]")], /JSON object/],
      [["start", "nope"], /No process named or with id "nope"/],
      [["runs", "show", "nope"], /No run with id "nope"/],
    ] as const) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(message);
      noStack(r);
    }
  });

  it("lists runs with filters and pages, re-runs both ways, archives and unarchives", async () => {
    const { cli, json } = cliFor(dataDir("runs"));
    expect((await cli("processes", "create", "greeting", "--file", greetingFile)).code).toBe(0);
    expect((await cli("processes", "publish", "greeting")).code).toBe(0);
    const ada = await json("start", "greeting", "--input", "customer name=Ada", "--wait");
    const bob = await json("start", "greeting", "--input", "customer name=Bob", "--wait");
    const cy = await json("start", "greeting", "--draft", "--input", "customer name=Cy", "--wait");
    for (const r of [ada, bob, cy]) expect(r.status).toBe("Succeeded");

    const ids = (page: { items: Array<{ id: string }> }) => page.items.map((r) => r.id);
    expect(ids(await json("runs", "list"))).toEqual([cy.id, bob.id, ada.id]);
    expect(ids(await json("runs", "list", "--stage", "draft"))).toEqual([cy.id]);
    expect(
      ids(await json("runs", "list", "--status", "succeeded", "--process", "greeting")),
    ).toHaveLength(3);
    expect(ids(await json("runs", "list", "--search", "BOB"))).toEqual([bob.id]);
    expect(ids(await json("runs", "list", "--since", "2999-01-01"))).toEqual([]);
    const first = await json("runs", "list", "--limit", "2");
    expect(ids(first)).toEqual([cy.id, bob.id]);
    expect(ids(await json("runs", "list", "--limit", "2", "--cursor", first.next_cursor))).toEqual([
      ada.id,
    ]);

    const table = await cli("runs", "list", "--limit", "2");
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

    const badStage = await cli("runs", "list", "--stage", "bogus");
    expect(badStage.code).toBe(1);
    expect(badStage.stderr).toMatch(/"draft" or "published"/);
    expect((await cli("runs", "list", "--status", "Nope")).stderr).toMatch(/Unknown status "Nope"/);
    expect((await cli("runs", "list", "--since", "not a date")).code).toBe(2);

    // Re-run: the stage's current version by default, the original's with --exact-version.
    expect((await cli("processes", "update", "greeting", "--file", greetingV2File)).code).toBe(0);
    expect((await cli("processes", "publish", "greeting")).code).toBe(0);
    const current = await cli("runs", "rerun", ada.id, "--wait");
    expect(current.code).toBe(0);
    expect(current.stdout).toMatch(new RegExp(`^${ada.id}: done, new run \\S+ Succeeded$`, "m"));
    const [cur] = await json("runs", "rerun", ada.id, "--wait");
    expect(cur.run).toMatchObject({
      version: 2,
      trigger: "rerun",
      rerun_of: ada.id,
      status: "Succeeded",
    });
    expect(cur.run.log).toEqual(["Hi, Ada!"]);
    const [exact] = await json("runs", "rerun", ada.id, "--exact-version", "--wait");
    expect(exact.run).toMatchObject({ version: 1, rerun_of: ada.id });
    expect(exact.run.log).toEqual(["Hello, Ada!"]);
    const queued = await cli("runs", "rerun", bob.id, "nope");
    expect(queued.code).toBe(1);
    expect(queued.stdout).toMatch(new RegExp(`^${bob.id}: done, new run [0-9a-f-]{36}$`, "m"));
    expect(queued.stdout).toMatch(/^nope: No run with id "nope"/m);
    expect(ids(await json("runs", "list", "--trigger", "rerun"))).toHaveLength(4);

    // Archive: hidden by default, shown when asked; unarchive brings it back.
    const archived = await cli("runs", "archive", bob.id, "nope");
    expect(archived.code).toBe(1);
    expect(archived.stdout).toContain(`${bob.id}: done`);
    expect(archived.stdout).toMatch(/^nope: No run/m);
    expect(ids(await json("runs", "list", "--limit", "500"))).not.toContain(bob.id);
    expect(ids(await json("runs", "list", "--archived"))).toContain(bob.id);
    expect(ids(await json("runs", "list", "--only-archived"))).toEqual([bob.id]);
    expect((await cli("runs", "list", "--archived")).stdout).toMatch(/Succeeded \(archived\)/);
    const shown = await cli("runs", "show", bob.id);
    expect(shown.stdout).toMatch(/archived:\s+yes/);
    expect(shown.stdout).toMatch(/History:[\s\S]*Succeeded[\s\S]*archived\s+\(by /);
    expect(shown.stdout).toMatch(/Timeline: 2 steps/);
    const unarchived = await cli("runs", "unarchive", bob.id);
    expect(unarchived.code).toBe(0);
    expect(unarchived.stdout.trim()).toBe(`${bob.id}: done`);
    expect(ids(await json("runs", "list", "--limit", "500"))).toContain(bob.id);
    const bulk = await cli("runs", "archive", ada.id, "nope", "--json");
    expect(bulk.code).toBe(1);
    const bulkJson = JSON.parse(bulk.stdout);
    expect(bulkJson).toMatchObject([
      { id: ada.id, ok: true },
      { id: "nope", ok: false, error: { code: "not_found" } },
    ]);
  });
});

describe("plainrun on PostgreSQL (--database-url)", { timeout: 120_000 }, () => {
  const schema = `cli_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const url = `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${schema}`;

  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  it("creates, publishes, starts with --wait, answers and lists in a schema of its own", async () => {
    const { cli, json } = cliFor(["--database-url", url]);
    expect((await cli("processes", "create", "greeting", "--file", greetingFile)).code).toBe(0);
    expect((await cli("processes", "publish", "greeting")).code).toBe(0);
    const done = await json("start", "greeting", "--input", "customer name=Pat", "--wait");
    expect(done).toMatchObject({ status: "Succeeded", version: 1, log: ["Hello, Pat!"] });
    const asked = JSON.parse(
      (await cli("start", "greeting", "--draft", "--wait", "--json")).stdout,
    );
    expect(asked.status).toBe("AwaitingAnswer");
    expect(await json("runs", "answer", asked.id, "Sam", "--wait")).toMatchObject({
      status: "Succeeded",
      log: ["Hello, Sam!"],
    });
    const page = await json("runs", "list", "--process", "greeting");
    expect(page.items.map((r: { id: string }) => r.id)).toEqual([asked.id, done.id]);
    // The environment variable works too.
    const viaEnv = await run(["runs", "list", "--json"], { env: { PLAINRUN_DATABASE_URL: url } });
    expect(JSON.parse(viaEnv.stdout).items).toHaveLength(2);
  });
});
