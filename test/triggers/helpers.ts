// An engine with workers and the SMTP listener on a free loopback port, and a nodemailer
// client that sends to it: real SMTP over sockets, as a mail server would.
import { connect } from "node:net";
import nodemailer, { type SendMailOptions } from "nodemailer";
import type { MailSettings, WorkerPoolHandle } from "../../src/engine/index.ts";
import { EmailAddresses } from "../../src/triggers/email/addresses.ts";
import {
  type SmtpListenerOptions,
  startSmtpListener,
} from "../../src/triggers/email/besideEngine.ts";
import type { SmtpListener } from "../../src/triggers/email/listener.ts";
import { createTestEngine, type TestEngine } from "../helpers/engines.ts";
import type { TestDialect } from "../helpers/stores.ts";

export const DOMAIN = "mail.plainrun.test";

export interface MailRig {
  te: TestEngine;
  addresses: EmailAddresses;
  listener: SmtpListener;
  pool: WorkerPoolHandle;
  /** Sends a message over SMTP; resolves with the server's final reply. */
  send(mail: SendMailOptions): Promise<{ response: string; rejected: unknown[] }>;
  close(): Promise<void>;
}

export async function mailRig(
  dialect: TestDialect,
  opts: Partial<Omit<SmtpListenerOptions, "engine" | "addresses">> = {},
  mail?: MailSettings,
): Promise<MailRig> {
  const te = await createTestEngine(dialect);
  const addresses = new EmailAddresses(te.engine, DOMAIN);
  const listener = await startSmtpListener({
    engine: te.engine,
    addresses,
    port: 0,
    host: "127.0.0.1",
    ...opts,
  });
  const pool = await te.engine.startWorkers({
    concurrency: 2,
    leaseMs: 5000,
    pollMs: 100,
    ...(mail ? { mail } : {}),
  });
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: listener.port,
    secure: false,
    ignoreTLS: true,
    name: "client.example.com",
  });
  return {
    te,
    addresses,
    listener,
    pool,
    async send(mail) {
      const info = await transport.sendMail({ from: "ap@example.com", ...mail });
      return { response: info.response, rejected: info.rejected };
    },
    async close() {
      transport.close();
      await listener.close();
      await pool.stop({ graceMs: 0 });
      await te.cleanup();
    },
  };
}

/** The SMTP error of a refused send: its code, the command it answered and its text. */
export async function refusal(
  p: Promise<unknown>,
): Promise<{ code: number; command: string; response: string }> {
  const err = (await p.then(
    () => {
      throw new Error("the message was accepted");
    },
    (e: unknown) => e,
  )) as { responseCode?: number; command?: string; response?: string; message: string };
  if (err.message === "the message was accepted") throw err;
  return {
    code: err.responseCode ?? 0,
    command: err.command ?? "",
    response: err.response ?? err.message,
  };
}

/** Run ids named in a 250 reply ("accepted: run ID, run ID"). */
export function runIdsOf(response: string): string[] {
  return [...response.matchAll(/run ([0-9a-f-]{36})/g)].map((m) => m[1] as string);
}

/** A hand-driven SMTP conversation over a socket: write lines, wait for what the server says. */
export function smtpDialog(port: number) {
  const socket = connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  let seen = "";
  let closed = false;
  socket.on("data", (d: string) => {
    seen += d;
  });
  const ended = new Promise<void>((resolve) =>
    socket.on("close", () => {
      closed = true;
      resolve();
    }),
  );
  return {
    socket,
    ended,
    /** Resolves once what the server said so far matches; rejects if it closes first. */
    waitFor(re: RegExp): Promise<string> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(seen)) done(() => resolve(seen));
          else if (closed) done(() => reject(new Error(`closed; saw ${seen}`)));
        };
        const done = (settle: () => void) => {
          socket.off("data", check);
          socket.off("close", check);
          settle();
        };
        socket.on("data", check);
        socket.on("close", check);
        check();
      });
    },
    write(text: string): void {
      socket.write(text);
    },
  };
}
