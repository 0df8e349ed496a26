// `plainrun test` as a user (or CI) runs it: cases added from runs, a suite on a data
// directory and on a server, the progress line, the summary, the exit code, and JUnit XML
// read back by a JUnit parser (junit2json).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "junit2json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainrun } from "../helpers/cli.ts";
import { startTestServer, type TestServer } from "../server/helpers.ts";

const root = mkdtempSync(join(tmpdir(), "plainrun-test-cli-"));
const data = join(root, "data");
const V1 = join(root, "v1.plain");
const V2 = join(root, "v2.plain");
writeFileSync(V1, 'the greeting is "Hello, {the name}!"\nthe total is 10\n');
writeFileSync(V2, 'the greeting is "Bye, {the name}!"\nthe total is 10.00\n');
const store = ["--data-dir", data];

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite");
});
afterAll(() => s.close());

describe("plainrun test", () => {
  it("adds cases, runs the suite, writes JUnit, exits 1 on a failed case, gates publish", async () => {
    expect((await plainrun(["processes", "create", "greet", "--file", V1, ...store])).code).toBe(0);
    const ids: string[] = [];
    for (const name of ["Ada", "Grace"]) {
      const r = await plainrun([
        "start",
        "greet",
        "--draft",
        "--input",
        `name=${name}`,
        "--wait",
        "--json",
        ...store,
      ]);
      expect(r.code).toBe(0);
      ids.push(JSON.parse(r.stdout).id);
    }
    const added = await plainrun(["test", "add", ...ids, ...store]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/test case "name Ada"/);
    const refused = await plainrun(["test", "add", "nope", ...store]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/nope: refused: No run with id "nope"/);

    const junit = join(root, "pass.xml");
    const ok = await plainrun(["test", "greet", "--junit", junit, ...store]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Passed: 2 passed, 0 failed, 0 error of 2 cases on draft/);
    expect(ok.stderr).toMatch(/2\/2 cases: 2 passed/);

    expect((await plainrun(["processes", "update", "greet", "--file", V2, ...store])).code).toBe(0);
    const failing = join(root, "fail.xml");
    const bad = await plainrun(["test", "--junit", failing, ...store]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAILED {2}greet › name Ada \(run /);
    expect(bad.stdout).toMatch(/greeting: expected "Hello, Ada!", actual "Bye, Ada!"/);
    expect(bad.stdout).not.toMatch(/total:/); // 10 and 10.00 are equal
    const report = await parse(readFileSync(failing, "utf8"));
    const suites = (report as { testsuite?: Array<Record<string, unknown>> }).testsuite ?? [];
    expect(suites).toHaveLength(1);
    const suite = suites[0] as {
      name: string;
      tests: number;
      failures: number;
      testcase: Array<{ name: string; failure?: Array<{ inner?: string; message?: string }> }>;
    };
    expect(suite).toMatchObject({ name: "greet", tests: 2, failures: 2 });
    expect(suite.testcase.map((t) => t.name).sort()).toEqual(["name Ada", "name Grace"]);
    const ada = suite.testcase.find((t) => t.name === "name Ada");
    expect(ada?.failure?.[0]?.inner).toMatch(
      /greeting: expected "Hello, Ada!", actual "Bye, Ada!"/,
    );

    const json = await plainrun(["test", "greet", "--json", ...store]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "Failed", counts: { failed: 2 } });
    const history = await plainrun(["test", "history", ...store]);
    expect(history.stdout.split("\n").filter((l) => / Failed /.test(l))).toHaveLength(2);
    const cases = await plainrun(["test", "cases", "greet", ...store]);
    expect(cases.stdout).toMatch(/name Grace/);

    expect(
      (await plainrun(["processes", "update", "greet", "--test-gate", "on", ...store])).code,
    ).toBe(0);
    const gate = await plainrun(["processes", "publish", "greet", ...store]);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toMatch(/2 test cases of its draft did not pass: "name Ada" \(Failed\)/);
    expect((await plainrun(["processes", "update", "greet", "--file", V1, ...store])).code).toBe(0);
    expect((await plainrun(["processes", "publish", "greet", ...store])).stdout).toMatch(
      /Published greet v1/,
    );
  }, 300_000);

  it("refuses bad flags with a clear sentence", async () => {
    const stage = await plainrun(["test", "--stage", "live", ...store]);
    expect(stage.code).toBe(2);
    expect(stage.stderr).toMatch(/--stage is draft or published, not "live"/);
    const key = await plainrun(["test", "--server", "http://127.0.0.1:1"]);
    expect(key.stderr).toMatch(/--server needs --key/);
    const both = await plainrun(["test", "--server", "http://x", "--key", "k", ...store]);
    expect(both.stderr).toMatch(/not both/);
    const gate = await plainrun(["processes", "update", "x", "--test-gate", "maybe", ...store]);
    expect(gate.stderr).toMatch(/--test-gate is on or off/);
  }, 60_000);

  it("runs a suite on a server with --server and --key", async () => {
    await s.api("POST", "/api/v2/processes", { name: "greet", source: readFileSync(V1, "utf8") });
    const run = await s.api("POST", "/api/v2/runs", {
      process: "greet",
      stage: "draft",
      inputs: { name: "Ada" },
    });
    await s.waitRun(run.body.id);
    await s.api("POST", "/api/v2/runs/actions/add-test-case", { run_ids: [run.body.id] });
    const ok = await plainrun(["test", "greet", "--server", s.url, "--key", s.key]);
    expect(ok.stdout).toMatch(/Passed: 1 passed/);
    expect(ok.code).toBe(0);
    const missing = await plainrun(["test", "nope", "--server", s.url, "--key", s.key]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /the server refused \(404\): No process named or with id "nope"/,
    );
  }, 60_000);

  it("manages cases and suite runs on a data directory: list, show, rename, edit, delete, compare, cancel", async () => {
    const d = ["--data-dir", join(root, "manage")];
    expect((await plainrun(["processes", "create", "greet", "--file", V1, ...d])).code).toBe(0);
    const ids: string[] = [];
    for (const name of ["Ada", "Grace"]) {
      const r = await plainrun([
        "start",
        "greet",
        "--draft",
        "--input",
        `name=${name}`,
        "--wait",
        "--json",
        ...d,
      ]);
      ids.push(JSON.parse(r.stdout).id);
    }
    expect((await plainrun(["test", "add", ...ids, ...d])).code).toBe(0);
    const listed = JSON.parse(
      (await plainrun(["test", "cases", "list", "greet", "--json", ...d])).stdout,
    );
    const ada = listed.find((c: { name: string }) => c.name === "name Ada");
    // `test cases PROCESS` is still the list.
    expect((await plainrun(["test", "cases", "greet", ...d])).stdout).toMatch(
      /name Ada +greeting, total +\(starred\)/,
    );

    const renamed = await plainrun(["test", "cases", "rename", ada.id, "Ada, friendly", ...d]);
    expect(renamed.stdout).toMatch(/Renamed test case .* to "Ada, friendly"/);
    const taken = await plainrun(["test", "cases", "rename", ada.id, "name Grace", ...d]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already has a test case named "name Grace"/);
    const nothing = await plainrun(["test", "cases", "edit", ada.id, ...d]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/say what to change/);
    const badExpect = await plainrun([
      "test",
      "cases",
      "edit",
      ada.id,
      "--expect",
      "greeting",
      ...d,
    ]);
    expect(badExpect.stderr).toMatch(/--expect expects OUTPUT=VALUE, got 'greeting'/);
    const edited = await plainrun([
      "test",
      "cases",
      "edit",
      ada.id,
      "--expect",
      "greeting=Hi, Ada!",
      "--expect",
      "total=10.00",
      "--ignore",
      "total",
      ...d,
    ]);
    expect(edited.stdout).toMatch(/ignored: total/);
    const shown = await plainrun(["test", "cases", "show", ada.id, ...d]);
    expect(shown.stdout).toMatch(/Test case Ada, friendly/);
    expect(shown.stdout).toMatch(/greeting: "Hi, Ada!"/);
    expect(shown.stdout).toMatch(/ignored: +total/);

    const failed = await plainrun(["test", "greet", "--json", ...d]);
    expect(failed.code).toBe(1);
    const first = JSON.parse(failed.stdout).id;
    // Compare only the total (10.00 is 10): the greeting no longer counts.
    await plainrun(["test", "cases", "edit", ada.id, "--compare", "total", "--ignore", "", ...d]);
    const passed = await plainrun(["test", "greet", "--json", ...d]);
    expect(passed.code).toBe(0);
    const second = JSON.parse(passed.stdout).id;
    const list = await plainrun(["test", "runs", "list", ...d]);
    expect(list.stdout.split("\n").map((l) => l.split(/ +/)[0])).toEqual(
      expect.arrayContaining([first, second]),
    );
    const show = await plainrun(["test", "runs", "show", first, ...d]);
    expect(show.stdout).toMatch(/status: +Failed/);
    expect(show.stdout).toMatch(/FAILED {2}greet › Ada, friendly \(run /);
    expect(show.stdout).toMatch(/greeting: expected "Hi, Ada!", actual "Hello, Ada!"/);
    const cmp = await plainrun(["test", "runs", "compare", first, second, ...d]);
    expect(cmp.stdout).toMatch(/1 changed, 1 unchanged/);
    expect(cmp.stdout).toMatch(/greet › Ada, friendly: Failed → Passed/);
    const over = await plainrun(["test", "runs", "cancel", second, ...d]);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/already Passed; only a Running suite run can be cancelled/);

    const del = await plainrun(["test", "cases", "delete", ada.id, "nope", ...d]);
    expect(del.code).toBe(1);
    expect(del.stdout).toMatch(/: deleted "Ada, friendly"/);
    expect(del.stdout).toMatch(/nope: No test case with id "nope"/);
    expect((await plainrun(["test", "cases", ...d])).stdout).not.toMatch(/Ada/);
    // A deleted case's past results stay.
    expect((await plainrun(["test", "runs", "show", first, ...d])).stdout).toMatch(/Ada, friendly/);
  }, 300_000);

  it("manages cases and cancels a suite run on a server with --server and --key", async () => {
    const srv = ["--server", s.url, "--key", s.key];
    await s.api("POST", "/api/v2/processes", {
      name: "slow",
      source: "the n is 0\nrepeat the count times\n  add 1 to the n\n",
    });
    const run = await s.api("POST", "/api/v2/runs", {
      process: "slow",
      stage: "draft",
      inputs: { count: 2 },
    });
    await s.waitRun(run.body.id);
    const added = await s.api("POST", "/api/v2/runs/actions/add-test-case", {
      run_ids: [run.body.id],
    });
    const id = added.body.results[0].test_case.id;
    const listed = await plainrun(["test", "cases", "list", "slow", ...srv]);
    expect(listed.stdout).toMatch(/slow +count 2/);
    const edited = await plainrun(["test", "cases", "edit", id, "--expect", "n=3", ...srv]);
    expect(edited.code).toBe(0);
    expect((await s.api("GET", `/api/v2/test-cases/${id}`)).body.expected).toEqual({ n: 3 });
    expect((await plainrun(["test", "cases", "rename", id, "two", ...srv])).stdout).toMatch(
      /to "two"/,
    );
    const missing = await plainrun(["test", "cases", "show", "nope", ...srv]);
    expect(missing.stderr).toMatch(/the server refused \(404\): No test case with id "nope"/);

    // A case that runs until cancelled.
    await s.api("PATCH", "/api/v2/processes/slow", {
      source: "the n is 0\nrepeat the count * 1000000000 times\n  add 1 to the n\n",
    });
    const suite = await s.api("POST", "/api/v2/suite-runs", { processes: ["slow"] });
    const cancelled = await plainrun(["test", "runs", "cancel", suite.body.id, ...srv]);
    expect(cancelled.stdout).toMatch(
      /Cancelled suite run .*: 0 passed, 0 failed, 0 error, 1 cancelled of 1/,
    );
    const shown = await plainrun(["test", "runs", "show", suite.body.id, "--json", ...srv]);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      status: "Cancelled",
      results: [{ case_name: "two", status: "Cancelled" }],
    });
    const noKey = await plainrun(["test", "runs", "list", "--server", s.url]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/--server needs --key/);
  }, 120_000);
});
