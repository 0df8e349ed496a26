// The SMTP listener: each process's addresses start runs. Refusals come at the step that
// can know them: an unknown address, a stage with nothing to run, a sender the process does
// not allow, too many recipients (RCPT TO); a message over the size limit, a From the
// process does not allow, a failed DMARC check, a message that cannot be read (end of DATA).
// A message is read whole before anything is stored, so a client that disconnects or stalls
// leaves no run and no file. "250" is sent only once every run it started is durably stored.
// What it asks of the engine goes through a MailIntake (intake.ts), so the same listener runs
// beside the engine or in a thread of its own (smtpThread.ts).
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { DNSResolver } from "mailauth";
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import type { MailIntake, SmtpLogger } from "./intake.ts";
import type { MailInputs } from "./message.ts";
import { PromptSmtpServer } from "./promptServer.ts";
import { MailReaders, ReadError } from "./readers.ts";
import { checkDmarc, describeRule, senderAllowed } from "./senders.ts";

/** The listener's settings (all plain data, so they can be given to a thread). */
export interface SmtpSettings {
  port: number;
  host: string;
  /** Largest message in bytes (announced in EHLO; default 25 MB). */
  maxBytes?: number;
  /** Most recipients of one message (default 50). */
  maxRecipients?: number;
  /** Most connections at once (default 100). */
  maxClients?: number;
  /** Idle time before a silent client is disconnected, mid-DATA included (default 60 s). */
  timeoutMs?: number;
  /** PEM certificate and key: STARTTLS is offered when both are given. */
  tls?: { cert: Buffer; key: Buffer };
  /** Threads that parse large messages (default: the cores but one, 1 to 4; 0: inline). */
  readerThreads?: number;
  /**
   * Messages up to this many bytes are parsed in the listener's own thread (default 8 KB:
   * beside the engine, its thread is the engine's; in a thread of its own, larger).
   */
  inlineMax?: number;
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

/** An SMTP error reply with its code (smtp-server sends `responseCode` and the message). */
function reply(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

function mailFrom(session: SMTPServerSession): string {
  const from = session.envelope.mailFrom;
  return from ? from.address : "";
}

/** The SMTP listener on `intake`; closing it closes the intake too. */
export async function listen(
  opts: SmtpSettings,
  intake: MailIntake,
  logger?: SmtpLogger,
  resolver?: DNSResolver,
): Promise<SmtpListener> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const readers = new MailReaders({
    ...(opts.readerThreads !== undefined ? { threads: opts.readerThreads } : {}),
    ...(opts.inlineMax !== undefined ? { inlineMax: opts.inlineMax } : {}),
  });

  // Sessions with a recipient that wanted DMARC at RCPT TO: their message is kept whole for
  // the check when it is parsed in a reader thread (otherwise its bytes are moved there).
  const wantsDmarc = new WeakSet<SMTPServerSession>();

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession) {
    const r = await intake.resolve(address.address);
    if (!r) throw reply(550, `5.1.1 <${address.address}>: no such address here`);
    if (r.refusal) throw reply(550, `5.1.1 <${address.address}>: ${r.refusal}`);
    if (r.senders.authenticated) wantsDmarc.add(session);
    const sender = mailFrom(session);
    if (!senderAllowed(r.senders, sender)) {
      throw reply(
        550,
        `5.7.1 <${sender || "(empty sender)"}> may not send to process "${r.processName}": it accepts mail from ${describeRule(r.senders)}`,
      );
    }
  }

  /** Reads the whole message, or says why there is none (over the limit, client gone). */
  async function readAll(stream: SMTPServerDataStream): Promise<Buffer | "oversize" | "gone"> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    return new Promise((resolve) => {
      stream.on("data", (c: Buffer) => {
        bytes += c.length;
        if (bytes <= maxBytes) chunks.push(c); // past the limit: drain, keep nothing
      });
      stream.on("end", () => resolve(stream.sizeExceeded ? "oversize" : Buffer.concat(chunks)));
      stream.on("error", () => resolve("gone"));
      stream.on("close", () => resolve("gone"));
    });
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const raw = await readAll(stream);
    if (raw === "oversize")
      throw reply(552, `5.3.4 the message is larger than ${megabytes(maxBytes)}`);
    if (raw === "gone")
      throw reply(451, "4.4.2 the connection closed before the end of the message");
    const sender = mailFrom(session);
    // DMARC needs the message whole: it is kept (not moved to a reader thread) only for a
    // recipient that wanted authenticated senders at RCPT TO.
    const keepRaw = wantsDmarc.has(session);
    let mail: MailInputs;
    try {
      mail = await readers.read(raw, sender, keepRaw);
    } catch (err) {
      if (err instanceof ReadError && err.kind === "unavailable") {
        throw reply(
          451,
          `4.3.0 the message could not be read now (${err.message}); try again later`,
        );
      }
      throw reply(550, `5.6.0 the message could not be read: ${(err as Error).message}`);
    }
    const dmarc = keepRaw
      ? await checkDmarc(raw, {
          ip: session.remoteAddress,
          helo: session.hostNameAppearsAs || "",
          sender,
          mta: intake.domain,
          ...(resolver ? { resolver } : {}),
        })
      : undefined;
    // The intake reads the recipients again (an address rotated since RCPT TO no longer
    // works) and checks the From header and DMARC against their rules as they are now.
    const answer = await intake.start({
      addresses: session.envelope.rcptTo.map((r) => r.address),
      mail,
      sender,
      clientAddress: session.remoteAddress,
      ...(dmarc ? { dmarc } : {}),
    });
    if ("ok" in answer) return answer.ok;
    throw reply(answer.code, answer.message);
  }

  const server = new PromptSmtpServer({
    name: intake.domain,
    banner: "Plainrun",
    size: maxBytes,
    rejectOversized: true,
    maxRecipients: opts.maxRecipients ?? 50,
    maxClients: opts.maxClients ?? 100,
    socketTimeout: opts.timeoutMs ?? 60_000,
    closeTimeout: 5_000,
    authOptional: true,
    disableReverseLookup: true,
    maxAllowedUnauthenticatedCommands: false,
    disabledCommands: opts.tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    logger: false,
    onRcptTo(address, session, callback) {
      onRcptTo(address, session).then(
        () => callback(),
        (err) => callback(err),
      );
    },
    onData(stream, session, callback) {
      onData(stream, session).then(
        (message) => callback(null, message),
        (err: Error & { responseCode?: number }) => {
          if (!err.responseCode) {
            logger?.error({ err }, "email could not be handled");
            callback(reply(451, "4.3.0 the message could not be stored now; try again later"));
          } else callback(err);
        },
      );
    },
  });
  server.on("error", (err) => logger?.warn({ err }, "SMTP connection error"));
  server.listen(opts.port, opts.host);
  try {
    await Promise.race([
      once(server.server, "listening"),
      once(server.server, "error").then(([err]) => {
        throw err;
      }),
    ]);
  } catch (err) {
    await readers.close();
    throw err;
  }
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await readers.close();
      await intake.close();
    },
  };
}
