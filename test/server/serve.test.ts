// The real CLI as child processes: `plainrun serve` prints its URL, serves the API and UI
// fallback, runs runs on its worker thread, and exits 0 on SIGTERM; `plainrun keys create`
// prints the secret last and that secret works.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainrun } from "../helpers/cli.ts";
import { until } from "../helpers/engines.ts";
import { ROOT, type Served, serve } from "../helpers/serve.ts";

/** `plainrun ARGS` on the test's data directory; throws unless it exits 0. */
async function cli(...args: string[]): Promise<string> {
  const r = await plainrun(args, { cwd: ROOT });
  if (r.code !== 0) throw new Error(`plainrun ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

describe("plainrun serve and plainrun keys", () => {
  let dir: string;
  let server: Served;
  let secret: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plainrun-serve-"));
    const stdout = await cli("keys", "create", "ci key", "--data-dir", dir);
    secret = stdout.trimEnd().split("\n").at(-1) as string;
    server = await serve(["--data-dir", dir, "--concurrency", "2"]);
  }, 60_000);
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("keys create prints the secret as its last line", () => {
    expect(secret).toMatch(/^prk_[A-Za-z0-9_-]{43}$/);
  });

  it("prints its URL and a one-time setup link; serves health, the home page and setup", async () => {
    expect(server.output()).toMatch(/Plainrun listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(await server.printed(/setup\?token=/)).toMatch(/\/setup\?token=[A-Za-z0-9_-]+/);
    const health = await fetch(`${server.url}/api/v2/health`);
    expect(await health.json()).toMatchObject({
      status: "ok",
      database: "sqlite",
      roles: ["api", "worker", "scheduler"],
    });
    const home = await fetch(`${server.url}/`);
    // The built web UI when there is one (npm ci builds it), else a page that links the docs.
    const built = existsSync(join(ROOT, "web/dist/index.html"));
    expect(await home.text()).toContain(built ? '<div id="root">' : 'href="/api/docs"');
    expect((await fetch(`${server.url}/`, { method: "HEAD" })).status).toBe(200);
    const token = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(server.output())?.[1];
    expect((await fetch(`${server.url}/setup?token=${token}`)).status).toBe(200);
    // Without the printed token (or with a wrong one), an error page that says so.
    const wrong = await fetch(`${server.url}/setup?token=wrong`);
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toMatch(/setup link is wrong/);
  });

  it("accepts the CLI's key and runs a run on its workers", async () => {
    const h = { "x-api-key": secret, "content-type": "application/json" };
    const p = await fetch(`${server.url}/api/v2/processes`, {
      method: "POST",
      headers: h,
      body: JSON.stringify({ name: "hello", source: 'say "hi"' }),
    });
    expect(p.status).toBe(201);
    const { id } = (await p.json()) as { id: string };
    await fetch(`${server.url}/api/v2/processes/${id}/publish`, {
      method: "POST",
      headers: { "x-api-key": secret },
    });
    const r = await fetch(`${server.url}/api/v2/runs`, {
      method: "POST",
      headers: h,
      body: JSON.stringify({ process: "hello" }),
    });
    expect(r.status).toBe(202);
    const runId = ((await r.json()) as { id: string }).id;
    const final = await until(async () => {
      const got = (await (
        await fetch(`${server.url}/api/v2/runs/${runId}`, { headers: h })
      ).json()) as { status: string; log: string[] };
      return ["Pending", "Running"].includes(got.status) ? undefined : got;
    });
    const { status, log } = final;
    expect(status).toBe("Succeeded");
    expect(log).toEqual(["hi"]);
    const bad = await fetch(`${server.url}/api/v2/runs`, { headers: { "x-api-key": "prk_wrong" } });
    expect(bad.status).toBe(401);
  });

  it("keys revoke works against the same data dir", async () => {
    await cli("keys", "create", "temp", "--data-dir", dir);
    const stdout = await cli("keys", "list", "--json", "--data-dir", dir);
    const keys = JSON.parse(stdout) as Array<{ name: string; revoked_at: string | null }>;
    expect(keys.map((k) => k.name).sort()).toEqual(["ci key", "temp"]);
    expect(stdout).not.toContain(secret);
    const rev = { stdout: await cli("keys", "revoke", "temp", "--data-dir", dir) };
    expect(rev.stdout).toMatch(/Revoked API key "temp"/);
  });

  it("exits 0 on SIGTERM after stopping cleanly", async () => {
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/Plainrun stopped\./);
  }, 30_000);

  it("creates the first admin from environment variables instead of a setup link", async () => {
    const d2 = mkdtempSync(join(tmpdir(), "plainrun-serve-"));
    const s2 = await serve(["--data-dir", d2, "--roles", "api"], {
      PLAINRUN_ADMIN_EMAIL: "ops@example.com",
      PLAINRUN_ADMIN_PASSWORD: "a long password",
    });
    try {
      // serve prints this line and the setup link (if any) together, right after listening.
      expect(await s2.printed(/Created the admin account/)).toMatch(
        /Created the admin account ops@example\.com\./,
      );
      const login = await fetch(`${s2.url}/api/v2/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "ops@example.com", password: "a long password" }),
      });
      expect(login.status).toBe(200);
      expect(s2.output()).not.toMatch(/setup\?token/);
    } finally {
      s2.child.kill("SIGINT");
      expect(await s2.exited).toBe(0);
      rmSync(d2, { recursive: true, force: true });
    }
  }, 60_000);

  it("refuses a bad setting with a clear message", async () => {
    const err = await plainrun(["serve", "--port", "abc"], { cwd: ROOT });
    expect(err.code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toMatch(/--port must be a whole number/);
  });
});
