// The first hour without stumbles (issue 10, items 3 and 4): setup and login as plain HTML
// forms that work without JavaScript, and processes and run inputs sent as files
// (text/plain, multipart), with the uploaded file's type detected. Over a real socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publish, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite");
});
afterAll(() => s.close());

const post = (path: string, body: string | FormData, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, {
    method: "POST",
    headers: { "x-api-key": s.key, ...headers },
    body,
    redirect: "manual",
  });

describe("processes from files (item 4)", () => {
  it("takes the source as a text/plain body, the name from ?name= or a header", async () => {
    const source = 'the greeting is "Hello, {the customer name}!"';
    const r = await post("/api/v2/processes?name=plain%20one", source, {
      "content-type": "text/plain; charset=utf-8",
    });
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ name: "plain one", draft_source: source });
    const h = await post("/api/v2/processes", source, {
      "content-type": "text/plain",
      "x-process-name": "plain two",
    });
    expect(h.status).toBe(201);
    const none = await post("/api/v2/processes", source, { "content-type": "text/plain" });
    expect(none.status).toBe(422);
    expect(((await none.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe(
      "query.name",
    );
    const broken = await post("/api/v2/processes?name=broken", "the x is (", {
      "content-type": "text/plain",
    });
    expect(broken.status).toBe(422);
    // other routes still refuse text/plain (JSON sent as text is a mistake there)
    const run = await post("/api/v2/runs", '{"process":"plain one"}', {
      "content-type": "text/plain",
    });
    expect(run.status).toBe(415);
  });

  it("takes the source as a multipart file part named source", async () => {
    const form = new FormData();
    form.append("source", new Blob(["the total is the price * 2"]), "doubler.plain");
    const r = await post("/api/v2/processes", form);
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ name: "doubler", inputs: ["price"] });
    const wrong = new FormData();
    wrong.append("file", new Blob(["the total is 1"]), "x.plain");
    const w = await post("/api/v2/processes", wrong);
    expect(w.status).toBe(422);
    expect(((await w.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe(
      "file",
    );
  });

  it("detects an upload's type from its name and bytes (a CSV is text/csv)", async () => {
    const form = new FormData();
    form.append(
      "file",
      new Blob(["a,b\n1,2\n"], { type: "application/octet-stream" }),
      "orders.csv",
    );
    const up = await post("/api/v2/files", form);
    expect(((await up.json()) as { type: string }).type).toBe("text/csv");
    const pdf = new FormData();
    pdf.append("file", new Blob(["%PDF-1.7\n..."]), "scan");
    expect(((await (await post("/api/v2/files", pdf)).json()) as { type: string }).type).toBe(
      "application/pdf",
    );
  });

  it("starts a run as multipart: each file part is the input of its name", async () => {
    await publish(
      s,
      "reader",
      'read the report as a table\nsay "{the report\'s name}: {the count of the table} rows for {the region}"',
    );
    const form = new FormData();
    form.append("process", "reader");
    form.append("inputs", JSON.stringify({ region: "north" }));
    form.append("report", new Blob(["a,b\n1,2\n3,4\n"]), "orders.csv");
    const r = await post("/api/v2/runs", form);
    expect(r.status).toBe(202);
    const run = await s.waitRun(((await r.json()) as { id: string }).id);
    expect(run.log).toEqual(["orders.csv: 2 rows for north"]);
    const bad = new FormData();
    bad.append("process", "reader");
    bad.append("inputs", "[1]");
    expect((await post("/api/v2/runs", bad)).status).toBe(422);
  });
});

describe("setup and login without JavaScript (item 3)", () => {
  const noKey = { "x-api-key": "" };
  const formPost = (path: string, fields: Record<string, string>, headers = {}) =>
    fetch(`${s.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });

  it("sets up the first admin with a real form post, then says what to do next", async () => {
    const stale = (await s.http.accounts.bootstrap({})).setupToken as string;
    const boot = await s.http.accounts.bootstrap({});
    const token = boot.setupToken as string;
    // A wrong link, one replaced by a newer one, and none at all: an error page that says
    // how to get a new link, never the form.
    for (const [query, why] of [
      ["?token=wrong", /setup link is wrong/],
      [`?token=${stale}`, /setup link is wrong/],
      ["", /needs the setup link the server printed/],
    ] as const) {
      const bad = await fetch(`${s.url}/setup${query}`);
      expect(bad.status).toBe(404);
      const text = await bad.text();
      expect(text).toMatch(why);
      expect(text).toMatch(/To get a new link, restart the server/);
      expect(text).not.toMatch(/<form/);
    }
    const pageRes = await fetch(`${s.url}/setup?token=${token}`);
    const html = await pageRes.text();
    expect(html).toMatch(/<form method="post" action="\/setup">/);
    expect(html).toContain(`name="token" value="${token}"`);
    expect(html).not.toMatch(/<script/i);

    const crossSite = await formPost(
      "/setup",
      { token, email: "admin@example.com", password: "correct horse" },
      { origin: "http://evil.example" },
    );
    expect(crossSite.status).toBe(403);
    const short = await formPost("/setup", { token, email: "admin@example.com", password: "x" });
    expect(short.status).toBe(422);
    expect(await short.text()).toMatch(/at least 8 characters/);

    const done = await formPost(
      "/setup",
      { token, email: "admin@example.com", password: "correct horse" },
      { origin: s.url },
    );
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/welcome");
    const cookie = done.headers
      .getSetCookie()
      .find((c) => c.startsWith("plainrun_session="))
      ?.split(";")[0] as string;
    expect(cookie).toBeTruthy();
    const me = await s.api("GET", "/api/v2/auth/me", undefined, { ...noKey, cookie });
    expect(me.body.user.email).toBe("admin@example.com");
    const welcome = await (await fetch(`${s.url}/welcome`)).text();
    expect(welcome).toMatch(/plainrun keys create/);
    expect(welcome).toMatch(/\/api\/docs/);

    // The link is used now: its page says so.
    const used = await fetch(`${s.url}/setup?token=${token}`);
    expect(used.status).toBe(404);
    expect(await used.text()).toMatch(/setup link has been used: the first admin exists/);
  });

  it("logs out with a real form post carrying the session's CSRF token", async () => {
    const login = await formPost("/login", {
      email: "admin@example.com",
      password: "correct horse",
    });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith("plainrun_session="))
      ?.split(";")[0] as string;
    // Signed in, the page holds the log out form with the session's token.
    const welcome = await (await fetch(`${s.url}/welcome`, { headers: { cookie } })).text();
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(welcome)?.[1] as string;
    expect(welcome).toMatch(/<form method="post" action="\/logout"/);
    const me = await s.api("GET", "/api/v2/auth/me", undefined, { ...noKey, cookie });
    expect(csrf).toBe(me.body.csrf_token);

    // A wrong token or another site's post does not end the session.
    const wrong = await formPost("/logout", { csrf_token: "forged" }, { cookie });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toMatch(/log out again/);
    const cross = await formPost(
      "/logout",
      { csrf_token: csrf },
      { cookie, origin: "http://evil.example" },
    );
    expect(cross.status).toBe(403);
    expect((await s.api("GET", "/api/v2/auth/me", undefined, { ...noKey, cookie })).status).toBe(
      200,
    );

    const out = await formPost("/logout", { csrf_token: csrf }, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login");
    expect(out.headers.getSetCookie().some((c) => /^plainrun_session=;/.test(c))).toBe(true);
    expect((await s.api("GET", "/api/v2/auth/me", undefined, { ...noKey, cookie })).status).toBe(
      401,
    );
    // Already logged out: the same post just goes to the login page.
    const again = await formPost("/logout", { csrf_token: csrf }, { cookie });
    expect(again.status).toBe(303);
  });

  it("logs in with a real form post", async () => {
    const html = await (await fetch(`${s.url}/login`)).text();
    expect(html).toMatch(/<form method="post" action="\/login">/);
    expect(html).not.toMatch(/<script/i);
    const wrong = await formPost("/login", { email: "admin@example.com", password: "nope nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/Wrong email or password/);
    const ok = await formPost("/login", { email: "admin@example.com", password: "correct horse" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/welcome");
    expect(ok.headers.getSetCookie().some((c) => c.startsWith("plainrun_session="))).toBe(true);
  });
});
