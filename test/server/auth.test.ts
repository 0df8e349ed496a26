// Auth over a real socket: API keys (header and Bearer, revoked, batched last-used), the
// first admin's setup link, login sessions with CSRF, and the failed-login limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite", {
    workers: false,
    config: { loginMaxFailures: 3, trustProxy: true },
  });
});
afterAll(() => s.close());

const noKey = { "x-api-key": "" };

function cookieOf(r: { headers: Headers }): string {
  const set = r.headers.getSetCookie().find((c) => c.startsWith("plainrun_session="));
  if (!set) throw new Error("no session cookie");
  return set.split(";")[0] as string;
}

describe("API keys", () => {
  it("needs a key or a session on every route but health and the OpenAPI document", async () => {
    const routes: Array<[string, string]> = [
      ["GET", "/api/v2/processes"],
      ["POST", "/api/v2/processes"],
      ["GET", "/api/v2/processes/x"],
      ["PATCH", "/api/v2/processes/x"],
      ["POST", "/api/v2/processes/x/check"],
      ["POST", "/api/v2/processes/x/publish"],
      ["GET", "/api/v2/processes/x/versions"],
      ["GET", "/api/v2/processes/x/versions/1"],
      ["POST", "/api/v2/processes/x/restore"],
      ["POST", "/api/v2/runs"],
      ["GET", "/api/v2/runs"],
      ["GET", "/api/v2/runs/x"],
      ["POST", "/api/v2/runs/x/cancel"],
      ["POST", "/api/v2/runs/x/answer"],
      ["GET", "/api/v2/runs/x/events"],
      ["GET", "/api/v2/runs/x/events/stream"],
      ["POST", "/api/v2/runs/actions/archive"],
      ["POST", "/api/v2/files"],
      ["GET", "/api/v2/files/x"],
      ["GET", "/api/v2/files/x/content"],
      ["GET", "/api/v2/keys"],
      ["POST", "/api/v2/keys"],
      ["DELETE", "/api/v2/keys/x"],
      ["GET", "/api/v2/auth/me"],
      ["POST", "/api/v2/auth/logout"],
    ];
    for (const [method, path] of routes) {
      const r = await s.api(
        method,
        path,
        method === "GET" || method === "DELETE" ? undefined : {},
        noKey,
      );
      const p = expectProblem(r, 401);
      expect(p.type).toMatch(/unauthorized$/);
      expect(r.headers.get("www-authenticate")).toMatch(/Bearer/);
    }
    expect((await s.api("GET", "/api/v2/health", undefined, noKey)).status).toBe(200);
    expect((await s.api("GET", "/api/v2/openapi.json", undefined, noKey)).status).toBe(200);
  });

  it("accepts x-api-key and Authorization: Bearer; refuses unknown keys", async () => {
    expect((await s.api("GET", "/api/v2/processes")).status).toBe(200);
    const bearer = await s.api("GET", "/api/v2/auth/me", undefined, {
      "x-api-key": "",
      authorization: `Bearer ${s.key}`,
    });
    expect(bearer.status).toBe(200);
    expect(bearer.body).toMatchObject({ kind: "key", key: { name: "test" } });
    expectProblem(
      await s.api("GET", "/api/v2/processes", undefined, { "x-api-key": "prk_nope" }),
      401,
    );
    expectProblem(
      await s.api("GET", "/api/v2/processes", undefined, {
        "x-api-key": "",
        authorization: "Bearer nope",
      }),
      401,
    );
  });

  it("creates keys (secret once), lists them without secrets, revokes them (401 after)", async () => {
    const c = await s.api("POST", "/api/v2/keys", { name: "ci" });
    expect(c.status).toBe(201);
    expect(c.body.secret).toMatch(/^prk_[A-Za-z0-9_-]{43}$/);
    expect(c.body.prefix).toBe(c.body.secret.slice(0, 10));
    const secret = c.body.secret as string;
    const use = await s.api("GET", "/api/v2/processes", undefined, { "x-api-key": secret });
    expect(use.status).toBe(200);

    const list = await s.api("GET", "/api/v2/keys");
    const row = list.body.items.find((k: { id: string }) => k.id === c.body.id);
    expect(row).toMatchObject({ name: "ci", revoked_at: null });
    expect(JSON.stringify(list.body)).not.toContain(secret);

    // last-used times are written in batches
    await s.http.keys.flush();
    const after = await s.api("GET", "/api/v2/keys");
    expect(
      after.body.items.find((k: { id: string }) => k.id === c.body.id).last_used_at,
    ).not.toBeNull();

    const rev = await s.api("DELETE", `/api/v2/keys/${c.body.id}`);
    expect(rev.status).toBe(200);
    expect(rev.body.revoked_at).not.toBeNull();
    expectProblem(await s.api("GET", "/api/v2/processes", undefined, { "x-api-key": secret }), 401);
    const again = await s.api("DELETE", `/api/v2/keys/${c.body.id}`);
    expect(again.body.revoked_at).toBe(rev.body.revoked_at);
    expectProblem(await s.api("DELETE", "/api/v2/keys/no-such-key"), 404);
    expectProblem(await s.api("POST", "/api/v2/keys", { name: "" }), 422);
    expectProblem(await s.api("POST", "/api/v2/keys", { name: "x", scopes: [] }), 422);
  });
});

describe("people: setup link, login sessions, CSRF", () => {
  let cookie = "";
  let csrf = "";

  it("creates the first admin once from the printed setup token", async () => {
    expect((await s.api("GET", "/api/v2/auth/setup", undefined, noKey)).body).toEqual({
      needed: true,
    });
    const boot = await s.http.accounts.bootstrap({});
    expect(boot.setupToken).toBeTruthy();
    const wrong = await s.api(
      "POST",
      "/api/v2/auth/setup",
      { token: "nope", email: "admin@example.com", password: "correct horse" },
      noKey,
    );
    expectProblem(wrong, 401);
    const short = await s.api(
      "POST",
      "/api/v2/auth/setup",
      { token: boot.setupToken, email: "admin@example.com", password: "short" },
      noKey,
    );
    expect(expectProblem(short, 422).errors[0].field).toBe("password");
    const ok = await s.api(
      "POST",
      "/api/v2/auth/setup",
      { token: boot.setupToken, email: "Admin@Example.com", password: "correct horse" },
      noKey,
    );
    expect(ok.status).toBe(201);
    expect(ok.body.user).toMatchObject({ email: "admin@example.com", role: "admin" });
    const again = await s.api(
      "POST",
      "/api/v2/auth/setup",
      { token: boot.setupToken, email: "b@example.com", password: "correct horse" },
      noKey,
    );
    expectProblem(again, 409);
    expect((await s.api("GET", "/api/v2/auth/setup", undefined, noKey)).body).toEqual({
      needed: false,
    });
    expect(await s.http.accounts.bootstrap({})).toEqual({});
  });

  it("logs in with an httpOnly, SameSite=Lax cookie (Secure over https) and a CSRF token", async () => {
    const r = await s.api(
      "POST",
      "/api/v2/auth/login",
      { email: "admin@example.com", password: "correct horse" },
      noKey,
    );
    expect(r.status).toBe(200);
    const set = r.headers.getSetCookie().find((c) => c.startsWith("plainrun_session=")) as string;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).not.toMatch(/Secure/i);
    cookie = cookieOf(r);
    csrf = r.body.csrf_token;
    expect(csrf).toBeTruthy();

    const https = await s.api(
      "POST",
      "/api/v2/auth/login",
      { email: "admin@example.com", password: "correct horse" },
      { ...noKey, "x-forwarded-proto": "https" },
    );
    expect(https.headers.getSetCookie().join(";")).toMatch(/Secure/i);
  });

  it("reads with the cookie; writes need the CSRF header", async () => {
    const me = await s.api("GET", "/api/v2/auth/me", undefined, { ...noKey, cookie });
    expect(me.body).toMatchObject({
      kind: "session",
      user: { email: "admin@example.com" },
      csrf_token: csrf,
    });
    expect((await s.api("GET", "/api/v2/processes", undefined, { ...noKey, cookie })).status).toBe(
      200,
    );
    const noCsrf = await s.api(
      "POST",
      "/api/v2/processes",
      { name: "By cookie" },
      { ...noKey, cookie },
    );
    expect(expectProblem(noCsrf, 403).type).toMatch(/csrf$/);
    const wrongCsrf = await s.api(
      "POST",
      "/api/v2/processes",
      { name: "By cookie" },
      { ...noKey, cookie, "x-csrf-token": "nope" },
    );
    expectProblem(wrongCsrf, 403);
    const ok = await s.api(
      "POST",
      "/api/v2/processes",
      { name: "By cookie", source: "the count is 1" },
      { ...noKey, cookie, "x-csrf-token": csrf },
    );
    expect(ok.status).toBe(201);
    await s.api("POST", `/api/v2/processes/${ok.body.id}/publish`);
    const run = await s.api(
      "POST",
      "/api/v2/runs",
      { process: "By cookie", stage: "published" },
      { ...noKey, cookie, "x-csrf-token": csrf },
    );
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({
      trigger: "manual",
      trigger_details: { who: "admin@example.com", via: "web" },
    });
  });

  it("logs out: the cookie stops working", async () => {
    expectProblem(await s.api("POST", "/api/v2/auth/logout", undefined, { ...noKey, cookie }), 403);
    const out = await s.api("POST", "/api/v2/auth/logout", undefined, {
      ...noKey,
      cookie,
      "x-csrf-token": csrf,
    });
    expect(out.status).toBe(204);
    expectProblem(await s.api("GET", "/api/v2/processes", undefined, { ...noKey, cookie }), 401);
  });

  it("limits failed logins (429 with Retry-After)", async () => {
    const bad = { email: "admin@example.com", password: "wrong password" };
    for (let i = 0; i < 3; i++) {
      expectProblem(await s.api("POST", "/api/v2/auth/login", bad, noKey), 401);
    }
    const limited = await s.api("POST", "/api/v2/auth/login", bad, noKey);
    expect(expectProblem(limited, 429).retry_after).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // even the right password waits now
    const right = await s.api(
      "POST",
      "/api/v2/auth/login",
      { email: "admin@example.com", password: "correct horse" },
      noKey,
    );
    expectProblem(right, 429);
    expectProblem(await s.api("POST", "/api/v2/auth/login", { email: "x" }, noKey), 422);
  });
});
