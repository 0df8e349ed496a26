// The Test Suite over HTTP: add-test-case answered per run, cases edited and deleted, suite
// runs started, followed, cancelled and compared, the publish gate's refusal as a problem.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, publish, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite");
});
afterAll(() => s.close());

async function waitSuite(id: string) {
  for (;;) {
    const r = await s.api("GET", `/api/v2/suite-runs/${id}`);
    if (r.body.status !== "Running") return r.body;
    await new Promise((res) => setTimeout(res, 25));
  }
}

describe("the Test Suite API", () => {
  it("adds cases from runs, runs suites, compares them, and gates publishing", async () => {
    await publish(s, "greet", 'the greeting is "Hello, {the name}!"\n');
    await publish(s, "broken", 'fail with "no"\n');
    const ok = await s.api("POST", "/api/v2/runs", { process: "greet", inputs: { name: "Ada" } });
    const bad = await s.api("POST", "/api/v2/runs", { process: "broken" });
    await s.waitRun(ok.body.id);
    await s.waitRun(bad.body.id);

    const added = await s.api("POST", "/api/v2/runs/actions/add-test-case", {
      run_ids: [ok.body.id, bad.body.id],
    });
    expect(added.status).toBe(200);
    expect(added.body.results[0]).toMatchObject({ ok: true, test_case: { name: "name Ada" } });
    expect(added.body.results[1]).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(added.body.results[1].error.message).toMatch(/is Failed/);
    expectProblem(await s.api("POST", "/api/v2/runs/actions/add-test-case", { run_ids: [] }), 422);
    const caseId = added.body.results[0].test_case.id;

    const renamed = await s.api("PATCH", `/api/v2/test-cases/${caseId}`, { name: "Ada" });
    expect(renamed.body.name).toBe("Ada");
    expectProblem(await s.api("PATCH", `/api/v2/test-cases/${caseId}`, { name: "" }), 422);
    expectProblem(await s.api("PATCH", "/api/v2/test-cases/nope", { name: "x" }), 404);
    const list = await s.api("GET", "/api/v2/test-cases?process=greet");
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(["Ada"]);

    const overview = await s.api("GET", "/api/v2/test-suite");
    expect(overview.body.items).toMatchObject([
      { name: "broken", cases: 0, last: null },
      { name: "greet", cases: 1, last: null },
    ]);

    const started = await s.api("POST", "/api/v2/suite-runs", { processes: ["greet", "broken"] });
    expect(started.status).toBe(202);
    const first = await waitSuite(started.body.id);
    expect(first).toMatchObject({
      status: "Passed",
      missing: [{ name: "broken" }],
      counts: { total: 1, passed: 1 },
      results: [{ case_name: "Ada", status: "Passed" }],
    });

    await s.api("PATCH", "/api/v2/processes/greet", {
      source: 'the greeting is "Bye, {the name}!"\n',
      settings: { test_gate: true },
    });
    const refused = await s.api("POST", "/api/v2/processes/greet/publish");
    expectProblem(refused, 409);
    expect(refused.body.detail).toMatch(/"Ada" \(Failed\)/);
    expect(refused.body.failing_cases).toMatchObject([{ name: "Ada", status: "Failed" }]);
    const gateRun = await s.api("GET", `/api/v2/suite-runs/${refused.body.suite_run_id}`);
    expect(gateRun.body).toMatchObject({ reason: "publish", stage: "draft", status: "Failed" });
    expect(gateRun.body.results[0].diff).toEqual([
      {
        output: "greeting",
        path: [],
        expected: "Hello, Ada!",
        actual: "Bye, Ada!",
        change: "changed",
      },
    ]);

    const cmp = await s.api(
      "GET",
      `/api/v2/suite-runs/${first.id}/compare/${refused.body.suite_run_id}`,
    );
    expect(cmp.body).toMatchObject({
      unchanged: 0,
      changed: [{ case_name: "Ada", before: "Passed", after: "Failed" }],
    });
    const history = await s.api("GET", "/api/v2/suite-runs?limit=1");
    expect(history.body.items[0].id).toBe(refused.body.suite_run_id);
    expect(history.body.next_cursor).toEqual(expect.any(String));
    expectProblem(await s.api("GET", "/api/v2/suite-runs?limit=0"), 422);
    expectProblem(await s.api("POST", `/api/v2/suite-runs/${first.id}/cancel`), 409);
    expectProblem(await s.api("POST", "/api/v2/suite-runs", { stage: "live" }), 422);
    expectProblem(await s.api("POST", "/api/v2/suite-runs", { processes: ["nope"] }), 404);

    const deleted = await s.api("DELETE", `/api/v2/test-cases/${caseId}`);
    expect(deleted.body.id).toBe(caseId);
    expectProblem(await s.api("GET", `/api/v2/test-cases/${caseId}`), 404);
  });
});
