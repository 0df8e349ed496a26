// The real CLI as child processes: `plainrun serve` prints its URL, serves the API and UI
// fallback, runs runs on its worker thread, and exits 0 on SIGTERM; `plainrun keys create`
// prints the secret last and that secret works.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT, type Served, serve } from "../helpers/serve.ts";

const run = promisify(execFile);

describe("plainrun serve and plainrun keys", () => {
  let dir: string;
  let server: Served;
  let secret: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plainrun-serve-"));
    const { stdout } = await run(
      process.execPath,
      [BIN, "keys", "create", "ci key", "--data-dir", dir],
      {
        cwd: ROOT,
      },
    );
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
    for (let i = 0; i < 100 && !/setup\?token=/.test(server.output()); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(server.output()).toMatch(/\/setup\?token=[A-Za-z0-9_-]+/);
    const health = await fetch(`${server.url}/api/v2/health`);
    expect(await health.json()).toMatchObject({
      status: "ok",
      database: "sqlite",
      roles: ["api", "worker"],
    });
    const home = await fetch(`${server.url}/`);
    // The built web UI when there is one (npm ci builds it), else a page that links the docs.
    const built = existsSync(join(ROOT, "web/dist/index.html"));
    expect(await home.text()).toContain(built ? '<div id="root">' : 'href="/api/docs"');
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
    let status = "Pending";
    let log: string[] = [];
    for (let i = 0; i < 200 && ["Pending", "Running"].includes(status); i++) {
      await new Promise((res) => setTimeout(res, 50));
      const got = (await (
        await fetch(`${server.url}/api/v2/runs/${runId}`, { headers: h })
      ).json()) as {
        status: string;
        log: string[];
      };
      status = got.status;
      log = got.log;
    }
    expect(status).toBe("Succeeded");
    expect(log).toEqual(["hi"]);
    const bad = await fetch(`${server.url}/api/v2/runs`, { headers: { "x-api-key": "prk_wrong" } });
    expect(bad.status).toBe(401);
  });

  it("keys revoke works against the same data dir", async () => {
    await run(process.execPath, [BIN, "keys", "create", "temp", "--data-dir", dir], { cwd: ROOT });
    const { stdout } = await run(
      process.execPath,
      [BIN, "keys", "list", "--json", "--data-dir", dir],
      { cwd: ROOT },
    );
    const keys = JSON.parse(stdout) as Array<{ name: string; revoked_at: string | null }>;
    expect(keys.map((k) => k.name).sort()).toEqual(["ci key", "temp"]);
    expect(stdout).not.toContain(secret);
    const rev = await run(process.execPath, [BIN, "keys", "revoke", "temp", "--data-dir", dir], {
      cwd: ROOT,
    });
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
      for (let i = 0; i < 200 && !/Created the admin account/.test(s2.output()); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(s2.output()).toMatch(/Created the admin account ops@example\.com\./);
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
    const err = await run(process.execPath, [BIN, "serve", "--port", "abc"], { cwd: ROOT }).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((err as { stderr: string }).stderr).toMatch(/--port must be a whole number/);
  });
});
