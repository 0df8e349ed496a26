// What an unfamiliar client trips over: wrong methods, trailing slashes, wrong content types,
// odd JSON, deep nesting, bad URLs, odd auth headers, Last-Event-ID garbage. Every refusal is a
// problem document with the right status, and nothing stored changes on a refused request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, publish, rawRequest, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite", { workers: false });
  await publish(s, "greeting", 'the greeting is "Hello, {the customer name}!"');
});
afterAll(() => s.close());

const runCount = async () => (await s.api("GET", "/api/v2/runs?limit=500")).body.items.length;

const raw = (request: string) => rawRequest(s.url, request);

describe("methods and paths", () => {
  it("a known path with a wrong method is 405 with Allow", async () => {
    for (const [method, path, allow] of [
      ["DELETE", "/api/v2/runs", "GET, HEAD, POST"],
      ["PUT", "/api/v2/processes", "GET, HEAD, POST"],
      ["DELETE", "/api/v2/processes/greeting", "GET, HEAD, PATCH"],
      ["PATCH", "/api/v2/runs/x", "GET, HEAD"],
    ] as const) {
      const r = await s.api(method, path);
      const p = expectProblem(r, 405);
      expect(p.type).toBe("https://plainrun.dev/problems/method-not-allowed");
      expect(r.headers.get("allow")).toBe(allow);
      expect(p.detail).toContain(allow);
    }
    expectProblem(await s.api("GET", "/api/v2/nothing-here"), 404);
  });

  it("OPTIONS (CORS preflight) answers 204 with Allow and no CORS grant", async () => {
    const r = await s.api("OPTIONS", "/api/v2/runs", undefined, {
      origin: "http://elsewhere.example",
      "access-control-request-method": "POST",
    });
    expect(r.status).toBe(204);
    expect(r.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(r.headers.get("access-control-allow-origin")).toBeNull();
    expectProblem(await s.api("OPTIONS", "/api/v2/nothing-here"), 404);
  });

  it("a trailing slash means the same route", async () => {
    const runs = await s.api("GET", "/api/v2/runs/");
    expect(runs.status).toBe(200);
    expect(runs.body).toHaveProperty("items");
    const procs = await s.api("GET", "/api/v2/processes/");
    expect(procs.status).toBe(200);
    expect((await s.api("GET", "/api/v2/processes/greeting/")).body.name).toBe("greeting");
  });

  it("a URL with a bad percent-escape is a 400 problem", async () => {
    const out = await raw(
      `GET /api/v2/runs/%ZZ HTTP/1.1\r\nhost: x\r\nx-api-key: ${s.key}\r\nconnection: close\r\n\r\n`,
    );
    expect(out).toMatch(/^HTTP\/1\.1 400/);
    expect(out).toMatch(/content-type: application\/problem\+json/i);
    expect(out).toContain('"type":"https://plainrun.dev/problems/malformed"');
  });
});

describe("bodies", () => {
  it("JSON sent as text/plain or with no content type is 415 naming the type", async () => {
    const before = await runCount();
    const plain = await s.api("POST", "/api/v2/runs", '{"process":"greeting"}', {
      "content-type": "text/plain",
    });
    expect(expectProblem(plain, 415).detail).toMatch(/text\/plain.*application\/json/);
    const out = await raw(
      `POST /api/v2/runs HTTP/1.1\r\nhost: x\r\nx-api-key: ${s.key}\r\ncontent-length: 22\r\nconnection: close\r\n\r\n{"process":"greeting"}`,
    );
    expect(out).toMatch(/^HTTP\/1\.1 415/);
    expect(out).toContain("application/json");
    expect(await runCount()).toBe(before);
  });

  it("malformed JSON says where; a __proto__ key is named, not called invalid JSON", async () => {
    const bad = await s.api("POST", "/api/v2/runs", '{"process":"greeting"} x');
    expect(expectProblem(bad, 400).detail).toMatch(/position|column/i);
    const proto = await s.api("POST", "/api/v2/runs", '{"process":"greeting","__proto__":{}}');
    expect(expectProblem(proto, 400).detail).toContain("__proto__");
    const esc = await s.api(
      "POST",
      "/api/v2/runs",
      '{"process":"greeting","inputs":{"\\u005f_proto__":{"a":1}}}',
    );
    expect(expectProblem(esc, 400).detail).toContain("__proto__");
  });

  it("deeply nested JSON is refused clearly (no stack overflow text), nothing stored", async () => {
    const before = await runCount();
    const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const r = await s.api("POST", "/api/v2/runs", `{"process":"greeting","inputs":{"x":${deep}}}`);
    const p = expectProblem(r, 422);
    expect(p.detail).toMatch(/nested/);
    expect(p.detail).not.toMatch(/call stack/i);
    const arr = `${"[".repeat(10_000)}1${"]".repeat(10_000)}`;
    expectProblem(await s.api("POST", "/api/v2/runs/whatever/answer", `{"answer":${arr}}`), 422);
    expect(await runCount()).toBe(before);
  });

  it("a process name with control characters is refused", async () => {
    const r = await s.api("POST", "/api/v2/processes", { name: "a\u0000b" });
    expect(expectProblem(r, 422).errors[0].field).toBe("name");
    expect((await s.api("GET", "/api/v2/processes/a%00b")).status).toBe(404);
    const ok = await s.api("POST", "/api/v2/processes", { name: "héllo / wörld ✓" });
    expect(ok.status).toBe(201);
  });
});

describe("query strings", () => {
  it("misspelt statuses and bad limits get a readable message (any case is fine)", async () => {
    expect((await s.api("GET", "/api/v2/runs?status=running")).status).toBe(200);
    const st = expectProblem(await s.api("GET", "/api/v2/runs?status=runing"), 422);
    expect(st.errors[0].field).toBe("query.status");
    expect(st.errors[0].message).toContain("Running");
    expect(st.errors[0].message).not.toContain("^(");
    for (const q of ["limit=abc", "limit=1&limit=2", "limit=100000", "limit=1.5"]) {
      const p = expectProblem(await s.api("GET", `/api/v2/runs?${q}`), 422);
      expect(p.errors[0]).toEqual({
        field: "query.limit",
        message: "must be a whole number from 1 to 500",
      });
    }
  });
});

describe("headers", () => {
  it("Last-Event-ID that is not a seq is 422, not a silent replay", async () => {
    const run = await s.api("POST", "/api/v2/runs", { process: "greeting" });
    const r = await s.api("GET", `/api/v2/runs/${run.body.id}/events/stream`, undefined, {
      "last-event-id": "garbage",
    });
    expect(expectProblem(r, 422).errors[0].field).toBe("header.last-event-id");
    const unknown = await s.api("GET", "/api/v2/runs/nosuch/events/stream");
    expectProblem(unknown, 404);
  });

  it("two Idempotency-Key headers are refused, nothing stored", async () => {
    const before = await runCount();
    const out = await raw(
      `POST /api/v2/runs HTTP/1.1\r\nhost: x\r\nx-api-key: ${s.key}\r\ncontent-type: application/json\r\nidempotency-key: a\r\nidempotency-key: b\r\ncontent-length: 22\r\nconnection: close\r\n\r\n{"process":"greeting"}`,
    );
    expect(out).toMatch(/^HTTP\/1\.1 422/);
    expect(out).toContain("header.idempotency-key");
    expect(await runCount()).toBe(before);
  });

  it("two different keys at once are refused; lower-case bearer and spaces are fine", async () => {
    const two = await s.api("GET", "/api/v2/processes", undefined, {
      authorization: "Bearer prk_wrong",
    });
    expect(expectProblem(two, 401).detail).toMatch(/two different/i);
    const same = await s.api("GET", "/api/v2/processes", undefined, {
      authorization: `Bearer ${s.key}`,
    });
    expect(same.status).toBe(200);
    const lower = await s.api("GET", "/api/v2/processes", undefined, {
      "x-api-key": "",
      authorization: `bearer   ${s.key}  `,
    });
    expect(lower.status).toBe(200);
    const junk = await s.api("GET", "/api/v2/processes", undefined, {
      "x-api-key": "",
      authorization: `Bearer ${s.key} extra`,
    });
    expect(expectProblem(junk, 401).detail).toMatch(/Authorization/);
  });
});
