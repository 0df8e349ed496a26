// `plainrun serve` with the smtp role: the listener announces its size limit, 8BITMIME and
// SMTPUTF8 (STARTTLS only with a certificate), and mail to a process's address becomes a
// run executed by the server's worker thread.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/server/config.ts";
import { type RunningServer, registerRole, startServer } from "../../src/server/serve.ts";
import { EmailAddresses } from "../../src/triggers/email/addresses.ts";
import { startSmtpListener } from "../../src/triggers/email/besideEngine.ts";
import { type SmtpRoleHandle, startSmtpRole } from "../../src/triggers/email/role.ts";
import { publishedProcess } from "../helpers/engines.ts";

/** The EHLO reply's lines after the greeting. */
async function ehlo(port: number): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  let seen = "";
  await new Promise<void>((resolve, reject) => {
    socket.on("data", (d: string) => {
      seen += d;
      if (/^220 /m.test(seen) && !seen.includes("EHLO-SENT")) {
        seen += "EHLO-SENT\n";
        socket.write("EHLO client.example.com\r\n");
      }
      if (/^250 /m.test(seen)) resolve();
    });
    socket.on("error", reject);
  });
  socket.end("QUIT\r\n");
  return seen;
}

describe("plainrun serve --roles api,worker,smtp", () => {
  let dir: string;
  let server: RunningServer;
  let smtpPort = 0;
  let role: SmtpRoleHandle | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plainrun-smtp-"));
    // As plainrun serve does, keeping the role's handle to reach its thread.
    registerRole("smtp", async (ctx) => {
      role = await startSmtpRole(ctx);
      return role;
    });
    const config = resolveConfig(
      {
        dataDir: dir,
        port: "0",
        smtpPort: "0",
        roles: "api,worker,smtp",
        mailDomain: "Mail.Example.Test",
      },
      {},
    );
    const lines: string[] = [];
    server = await startServer(config, (l) => lines.push(l));
    const m = lines
      .map((l) => /SMTP listening on 127\.0\.0\.1:(\d+) for @mail\.example\.test/.exec(l))
      .find(Boolean);
    smtpPort = Number(m?.[1]);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("announces SIZE (25 MB), 8BITMIME and SMTPUTF8, and no STARTTLS without a certificate", async () => {
    expect(smtpPort).toBeGreaterThan(0);
    const reply = await ehlo(smtpPort);
    expect(reply).toMatch(/^250[- ]SIZE 26214400\r?$/m);
    expect(reply).toMatch(/^250[- ]8BITMIME\r?$/m);
    expect(reply).toMatch(/^250[- ]SMTPUTF8\r?$/m);
    expect(reply).not.toMatch(/STARTTLS/);
  });

  /** Sends a message to the process's published address; answers the run it started. */
  async function mail(process: string, subject: string) {
    const engine = server.engine;
    const { published } = await new EmailAddresses(engine, "mail.example.test").get(process);
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: smtpPort,
      ignoreTLS: true,
    });
    try {
      const info = await transport.sendMail({
        from: "a@example.com",
        to: published,
        subject,
        text: "x",
      });
      const id = /run ([0-9a-f-]{36})/.exec(info.response)?.[1] as string;
      return await engine.runs.waitFor(id);
    } finally {
      transport.close();
    }
  }

  it("runs a message to a process's address on the server's workers", async () => {
    await publishedProcess(server.engine, "hello mail", 'say "got {the email\'s subject}"\n');
    const run = await mail("hello mail", "hi");
    expect(run).toMatchObject({ status: "Succeeded", trigger: "email", log: ["got hi"] });
  });

  it("refuses an unknown address at RCPT TO from its own thread, asking the engine", async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: smtpPort,
      ignoreTLS: true,
    });
    const err = (await transport
      .sendMail({ from: "a@example.com", to: "nobody.abcdefghij@mail.example.test", text: "x" })
      .catch((e: unknown) => e)) as { responseCode?: number; response?: string };
    transport.close();
    expect(err.responseCode).toBe(550);
    expect(err.response).toMatch(/no such address here/);
  });

  it("starts its SMTP thread again on the same port when it dies", async () => {
    await publishedProcess(server.engine, "again", 'say "again {the email\'s subject}"\n');
    const first = role?.thread();
    expect(first).toBeDefined();
    await first?.terminate();
    // Polled: the thread is started again after a pause.
    await expect
      .poll(() => role?.thread() !== undefined && role?.thread() !== first, { timeout: 30_000 })
      .toBe(true);
    const run = await mail("again", "back");
    expect(run).toMatchObject({ status: "Succeeded", log: ["again back"] });
  });
});

describe("STARTTLS", () => {
  it("is offered with a certificate and key, and mail goes through it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plainrun-tls-"));
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=mail.example.test",
      ],
      { stdio: "ignore" },
    );
    const { createTestEngine } = await import("../helpers/engines.ts");
    const { readFileSync } = await import("node:fs");
    const te = await createTestEngine("sqlite");
    const addresses = new EmailAddresses(te.engine, "mail.example.test");
    const listener = await startSmtpListener({
      engine: te.engine,
      addresses,
      port: 0,
      host: "127.0.0.1",
      tls: { key: readFileSync(key), cert: readFileSync(cert) },
    });
    try {
      expect(await ehlo(listener.port)).toMatch(/^250[- ]STARTTLS\r?$/m);
      await publishedProcess(te.engine, "secure", 'say "ok"\n');
      const { published } = await addresses.get("secure");
      const transport = nodemailer.createTransport({
        host: "127.0.0.1",
        port: listener.port,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
      });
      const info = await transport.sendMail({ from: "a@example.com", to: published, text: "x" });
      transport.close();
      expect(info.response).toMatch(/^250 /);
    } finally {
      await listener.close();
      await te.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
