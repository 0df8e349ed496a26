// `plainrun start` over a data directory, as a user runs it: the real CLI in a child
// process, one store for the file (a --wait runs workers in that CLI process, which take
// any Pending run of the store, so the test of a run left Pending has a store of its own).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cliFor, noStack } from "../helpers/cli.ts";

const root = mkdtempSync(join(tmpdir(), "plainrun-start-cli-"));
const file = (name: string, text: string) => {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
};

const GREETING =
  '# Greet a customer by name.\nthe greeting is "Hello, {the customer name}!"\nsay the greeting\n';
const ROWS =
  'read the data as a table\nthe row count is the count of the table\nsay "{the row count} rows"\n';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const { cli, json } = cliFor(["--data-dir", join(root, "data")]);

// "greeting" published as v1; "rows" a draft with no published version.
beforeAll(async () => {
  await json("processes", "create", "greeting", "--file", file("greeting.plain", GREETING));
  await json("processes", "publish", "greeting");
  await json("processes", "create", "rows", "--file", file("rows.plain", ROWS));
}, CLI.timeout);

describe.concurrent("plainrun start", CLI, () => {
  it("refuses a process with no published version (the stage rule)", async () => {
    const unpublished = await cli("start", "rows");
    expect(unpublished.code).toBe(1);
    expect(unpublished.stderr).toMatch(/no published version/);
    noStack(unpublished);
  });

  it("--draft --input NAME=VALUE --wait runs the draft and prints status, log and outputs", async () => {
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
  });

  it("--inputs FILE takes the inputs from a JSON object and runs the published version", async () => {
    const inputs = file("inputs.json", JSON.stringify({ "customer name": "Grace" }));
    const published = await json("start", "greeting", "--inputs", inputs, "--wait");
    expect(published).toMatchObject({
      status: "Succeeded",
      stage: "published",
      version: 1,
      trigger: "manual",
      log: ["Hello, Grace!"],
    });
    expect(typeof published.trigger_details.who).toBe("string");
  });

  it("--file NAME=PATH stores the file and gives it to the run as that input", async () => {
    const csv = file("data.csv", "id,amount\n1,10\n2,20\n3,30\n");
    const rows = await json("start", "rows", "--draft", "--file", `data=${csv}`, "--wait");
    expect(rows.status).toBe("Succeeded");
    expect(rows.outputs["row count"]).toBe(3);
    expect(rows.inputs.data).toMatchObject({ name: "data.csv", type: "text/csv" });
    expect(rows.file_ids).toEqual([rows.inputs.data.file_id]);
  });

  it("--wait stops at a question with exit 3 (not a failure) and prints the question", async () => {
    const asked = await cli("start", "greeting", "--wait", "--json");
    expect(asked.code).toBe(3);
    const waiting = JSON.parse(asked.stdout);
    expect(waiting.status).toBe("AwaitingAnswer");
    expect(waiting.question.text).toMatch(/customer name/);
  });

  it("without --wait prints the run id alone and leaves the run Pending", async () => {
    // Its own store: a --wait in the tests beside runs workers, which take any Pending run.
    const alone = cliFor(["--data-dir", join(root, "alone")]);
    await alone.json("processes", "create", "greeting", "--file", file("alone.plain", GREETING));
    await alone.json("processes", "publish", "greeting");
    const queued = await alone.cli("start", "greeting", "--input", "customer name=Zed");
    expect(queued.code).toBe(0);
    const id = queued.stdout.trim();
    expect(id).toMatch(UUID);
    expect((await alone.json("runs", "show", id)).status).toBe("Pending");
  });

  it("exits 2 for a malformed --input, with the usage in one line", async () => {
    const usage = await cli("start", "greeting", "--input", "novalue");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^plainrun: --input expects NAME=VALUE/);
  });

  it("refuses --inputs that is not a JSON object, and an unknown process, in a sentence", async () => {
    for (const [args, message] of [
      [["start", "greeting", "--inputs", file("list.json", "[1,2]")], /JSON object/],
      [["start", "nope"], /No process named or with id "nope"/],
    ] as const) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(message);
      noStack(r);
    }
  });
});
