// Which store a `plainrun` command uses: --data-dir, $PLAINRUN_DATA_DIR, ./plainrun-data,
// --database-url (a PostgreSQL schema of its own here) and $PLAINRUN_DATABASE_URL. The
// real CLI in a child process.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliFor, plainrun } from "../helpers/cli.ts";
import { PG_URL } from "../helpers/stores.ts";

const root = mkdtempSync(join(tmpdir(), "plainrun-stores-cli-"));
const greetingFile = join(root, "greeting.plain");
writeFileSync(greetingFile, 'the greeting is "Hello, {the customer name}!"\nsay the greeting\n');

const names = (stdout: string) => JSON.parse(stdout).map((p: { name: string }) => p.name);

describe.concurrent("plainrun on a data directory", CLI, () => {
  const dir = join(root, "data", "nested");
  beforeAll(async () => {
    await cliFor(["--data-dir", dir]).json(
      "processes",
      "create",
      "greeting",
      "--file",
      greetingFile,
    );
  }, CLI.timeout);

  it("--data-dir creates the directory, however deep, with the SQLite file in it", () => {
    expect(existsSync(join(dir, "plainrun.sqlite"))).toBe(true);
  });

  it("$PLAINRUN_DATA_DIR reaches the same store", async () => {
    const viaEnv = await plainrun(["processes", "list", "--json"], {
      env: { PLAINRUN_DATA_DIR: dir },
    });
    expect(names(viaEnv.stdout)).toEqual(["greeting"]);
  });

  it("with no store flag nor variable, ./plainrun-data in the working directory", async () => {
    const cwd = mkdtempSync(join(root, "cwd-"));
    expect((await plainrun(["processes", "list"], { cwd })).stdout).toMatch(/No processes yet/);
    expect(existsSync(join(cwd, "plainrun-data", "plainrun.sqlite"))).toBe(true);
  });

  it("--data-dir with --database-url is a usage error", async () => {
    const both = await plainrun(["processes", "list", "--data-dir", dir, "--database-url", PG_URL]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --data-dir or --database-url, not both/);
  });
});

describe.concurrent("plainrun on PostgreSQL (--database-url)", CLI, () => {
  const schema = `cli_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const url = `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${schema}`;
  const { cli, json } = cliFor(["--database-url", url]);
  beforeAll(async () => {
    await json("processes", "create", "greeting", "--file", greetingFile);
    await json("processes", "publish", "greeting");
  }, CLI.timeout);
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  it("start --wait runs the published version in the schema", async () => {
    const done = await json("start", "greeting", "--input", "customer name=Pat", "--wait");
    expect(done).toMatchObject({ status: "Succeeded", version: 1, log: ["Hello, Pat!"] });
    const page = await json("runs", "list", "--process", "greeting");
    expect(page.items.map((r: { id: string }) => r.id)).toContain(done.id);
  });

  it("a run that asks waits, and answer --wait resumes it", async () => {
    const asked = JSON.parse(
      (await cli("start", "greeting", "--draft", "--wait", "--json")).stdout,
    );
    expect(asked.status).toBe("AwaitingAnswer");
    expect(await json("runs", "answer", asked.id, "Sam", "--wait")).toMatchObject({
      status: "Succeeded",
      log: ["Hello, Sam!"],
    });
  });

  it("$PLAINRUN_DATABASE_URL reaches the same schema", async () => {
    const viaEnv = await plainrun(["processes", "list", "--json"], {
      env: { PLAINRUN_DATABASE_URL: url },
    });
    expect(names(viaEnv.stdout)).toEqual(["greeting"]);
  });
});
