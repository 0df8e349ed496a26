// The API keeps its promises (issue 7, items 6–10): uploads refused as documented, names
// that always fit in a URL, idempotency keys scoped to who sent them, a login limit that
// slows an attacker without locking the owner out, and methods and docs paths that answer
// as the HTTP rules say. All over a real socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/server/auth/apiKeys.ts";
import { expectProblem, publish, rawRequest, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite", {
    workers: false,
    config: { loginMaxFailures: 3, trustProxy: true },
  });
  await publish(s, "greeting", 'the greeting is "Hello, {the customer name}!"');
});
afterAll(() => s.close());

const raw = (request: string) => rawRequest(s.url, request);

const upload = (form: FormData) =>
  fetch(`${s.url}/api/v2/files`, { method: "POST", headers: { "x-api-key": s.key }, body: form });

describe("uploads (item 6)", () => {
  it("a truncated multipart body is a 400 problem, not a 500", async () => {
    const boundary = "----plainrun";
    const body =
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\n` +
      "content-type: text/plain\r\n\r\nhello, this part never ends";
    const out = await raw(
      `POST /api/v2/files HTTP/1.1\r\nhost: x\r\nx-api-key: ${s.key}\r\nconnection: close\r\n` +
        `content-type: multipart/form-data; boundary=${boundary}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expect(out).toMatch(/^HTTP\/1\.1 400/);
    expect(out).toMatch(/content-type: application\/problem\+json/i);
    expect(out).toMatch(/multipart/i);
  });

  it("two file parts are refused (413, one file per upload) and store nothing", async () => {
    const form = new FormData();
    form.append("file", new Blob(["one"]), "one.txt");
    form.append("file", new Blob(["two"]), "two.txt");
    const r = await upload(form);
    expect(r.status).toBe(413);
    expect(r.headers.get("content-type")).toMatch(/problem\+json/);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/one file/i);
  });

  it("a file part not named `file`, or another field, is refused (422 naming it)", async () => {
    const other = new FormData();
    other.append("document", new Blob(["x"]), "x.txt");
    const r = await upload(other);
    expect(r.status).toBe(422);
    const p = (await r.json()) as { errors: Array<{ field: string }> };
    expect(p.errors[0]?.field).toBe("document");

    const extra = new FormData();
    extra.append("file", new Blob(["x"]), "x.txt");
    extra.append("note", "hi");
    const r2 = await upload(extra);
    expect(r2.status).toBe(422);
    expect(((await r2.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe(
      "note",
    );
  });
});

describe("names and ids in URLs (item 7)", () => {
  it("refuses a process name longer than a URL segment allows, naming the bound", async () => {
    const r = await s.api("POST", "/api/v2/processes", { name: "n".repeat(101), source: "" });
    const p = expectProblem(r, 422);
    expect(p.errors[0]).toMatchObject({ field: "name" });
    expect(p.detail).toMatch(/100/);
    const ok = await s.api("POST", "/api/v2/processes", { name: "n".repeat(100), source: "" });
    expect(ok.status).toBe(201);
    expect((await s.api("GET", `/api/v2/processes/${"n".repeat(100)}`)).status).toBe(200);
    const renamed = await s.api("PATCH", `/api/v2/processes/${ok.body.id}`, {
      name: "m".repeat(150),
    });
    expectProblem(renamed, 422);
  });

  it("an id of any length that names nothing is 404", async () => {
    for (const n of [101, 150, 200, 1000]) {
      expectProblem(await s.api("GET", `/api/v2/runs/${"r".repeat(n)}`), 404);
      expectProblem(await s.api("GET", `/api/v2/processes/${"p".repeat(n)}`), 404);
    }
  });
});

describe("idempotency keys (item 9)", () => {
  it("are scoped per API key: another key with the same key and body gets its own run", async () => {
    const other = (await createApiKey(s.t.store, "other")).secret;
    const body = { process: "greeting", inputs: { "customer name": "Ada" } };
    const first = await s.api("POST", "/api/v2/runs", body, { "idempotency-key": "order-1" });
    expect(first.status).toBe(202);
    const again = await s.api("POST", "/api/v2/runs", body, { "idempotency-key": "order-1" });
    expect(again.body.id).toBe(first.body.id);
    const theirs = await s.api("POST", "/api/v2/runs", body, {
      "idempotency-key": "order-1",
      "x-api-key": other,
    });
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(first.body.id);
    // and their key with another body is theirs to reuse: no mismatch with the first key's
    const mismatch = await s.api(
      "POST",
      "/api/v2/runs",
      { ...body, inputs: {} },
      {
        "idempotency-key": "order-1",
        "x-api-key": other,
      },
    );
    expect(expectProblem(mismatch, 422).detail).toContain('"order-1"');
  });
});

describe("failed logins (item 10)", () => {
  const noKey = { "x-api-key": "" };
  const login = (password: string, ip: string, extra: Record<string, string> = {}) =>
    s.api(
      "POST",
      "/api/v2/auth/login",
      { email: "owner@example.com", password },
      { ...noKey, "x-forwarded-for": ip, ...extra },
    );

  it("an attacker cannot lock the owner out; every address is still limited", async () => {
    await s.http.accounts.createAdmin("owner@example.com", "correct horse");
    const first = await login("correct horse", "10.0.0.1");
    expect(first.status).toBe(200);
    const device = first.headers
      .getSetCookie()
      .find((c) => c.startsWith("plainrun_device="))
      ?.split(";")[0];
    expect(device).toBeTruthy();

    // An attacker from many addresses: each address is limited after 3 failures…
    for (let i = 0; i < 3; i++) expectProblem(await login("guess", "10.6.6.6"), 401);
    expectProblem(await login("guess", "10.6.6.6"), 429);
    let lastWait = 0;
    for (let i = 0; i < 4; i++) {
      const ip = `10.7.0.${i}`;
      const r = await login("guess", ip);
      if (r.status === 429) {
        // …and the account is slowed by a short delay that grows with each failure.
        const wait = expectProblem(r, 429).retry_after;
        expect(wait).toBeGreaterThanOrEqual(lastWait);
        expect(wait).toBeLessThanOrEqual(60);
        lastWait = wait;
      } else expectProblem(r, 401);
    }
    // The account is slowed for unknown clients…
    expectProblem(await login("correct horse", "10.9.9.9"), 429);
    // A forged device cookie does not help…
    expectProblem(
      await login("correct horse", "10.9.9.8", { cookie: "plainrun_device=forged" }),
      429,
    );
    // …but the owner's browser, known from an earlier login, logs in at once.
    const owner = await login("correct horse", "10.9.9.9", { cookie: device as string });
    expect(owner.status).toBe(200);
    // The attacker's address stays limited.
    expectProblem(await login("correct horse", "10.6.6.6"), 429);
  });
});

describe("methods and docs paths (item 8)", () => {
  it("an unknown method (QUERY) is 405 with Allow, not 400", async () => {
    const out = await raw(
      `QUERY /api/v2/runs HTTP/1.1\r\nhost: x\r\nx-api-key: ${s.key}\r\nconnection: close\r\n\r\n`,
    );
    expect(out).toMatch(/^HTTP\/1\.1 405/);
    expect(out).toMatch(/allow: GET, HEAD, POST/i);
    expect(out).toMatch(/content-type: application\/problem\+json/i);
  });

  it("a missing file under /api/docs/static is 404", async () => {
    const r = await fetch(`${s.url}/api/docs/static/nonexistent.js`);
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toMatch(/problem\+json/);
  });
});

describe("one vocabulary with the CLI (issue 10, item 5)", () => {
  it("takes statuses and triggers in any case, and days or date-times", async () => {
    const canonical = await s.api("GET", "/api/v2/runs?status=Pending,Succeeded&archived=all");
    expect(canonical.status).toBe(200);
    const anyCase = await s.api("GET", "/api/v2/runs?status=pending,SUCCEEDED&archived=all");
    expect(anyCase.status).toBe(200);
    expect(anyCase.body.items.map((r: { id: string }) => r.id)).toEqual(
      canonical.body.items.map((r: { id: string }) => r.id),
    );
    expect((await s.api("GET", "/api/v2/runs?trigger=API")).status).toBe(200);
    const bad = expectProblem(await s.api("GET", "/api/v2/runs?status=done"), 422);
    expect(bad.detail).toMatch(/AwaitingAnswer/);

    const all = (await s.api("GET", "/api/v2/runs?archived=all")).body.items.length;
    expect(all).toBeGreaterThan(0);
    const fromDay = await s.api("GET", "/api/v2/runs?archived=all&created_from=2000-01-01");
    expect(fromDay.body.items.length).toBe(all);
    const toDay = await s.api("GET", "/api/v2/runs?archived=all&created_to=2000-01-01");
    expect(toDay.body.items).toEqual([]);
    const dateTime = await s.api(
      "GET",
      "/api/v2/runs?archived=all&created_from=2000-01-01T00:00:00%2B02:00",
    );
    expect(dateTime.body.items.length).toBe(all);
    const wrong = expectProblem(await s.api("GET", "/api/v2/runs?created_from=yesterday"), 422);
    expect(wrong.errors[0].field).toBe("query.created_from");
    expect(wrong.detail).toMatch(/2026-11-30/);
  });
});
