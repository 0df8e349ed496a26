// The SMTP listener: each process's addresses start runs. Refusals come at the step that
// can know them: an unknown address, a stage with nothing to run, a sender the process does
// not allow, too many recipients (RCPT TO); a message over the size limit, a From the
// process does not allow, a failed DMARC check, a message that cannot be read (end of DATA).
// A message is read whole before anything is stored, so a client that disconnects or stalls
// leaves no run and no file. "250" is sent only once every run it started is durably stored.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { DNSResolver } from "mailauth";
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import { type Engine, isEngineError, type Run } from "../../engine/index.ts";
import type { EmailAddresses, ResolvedRecipient } from "./addresses.ts";
import { type Durability, durabilityOf } from "./durable.ts";
import type { MailInputs } from "./message.ts";
import { PromptSmtpServer } from "./promptServer.ts";
import { MailReaders, ReadError } from "./readers.ts";
import { checkDmarc, describeRule, senderAllowed } from "./senders.ts";

export interface SmtpListenerOptions {
  engine: Engine;
  addresses: EmailAddresses;
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
  /** DNS for DMARC checks (tests give their own). */
  resolver?: DNSResolver;
  /** Threads that parse large messages (default: the cores but one, 1 to 4; 0: inline). */
  readerThreads?: number;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
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

/** Why a process cannot take mail at this stage, or undefined when it can. */
function stageRefusal(r: ResolvedRecipient): string | undefined {
  if (r.stage === "published" && (r.process.latest_version === 0 || !r.process.published_hash)) {
    return `process "${r.process.name}" has never been published: mail its draft address instead`;
  }
  if (r.stage === "draft" && !r.process.draft_source.trim()) {
    return `process "${r.process.name}" has no draft to run`;
  }
  return undefined;
}

function mailFrom(session: SMTPServerSession): string {
  const from = session.envelope.mailFrom;
  return from ? from.address : "";
}

export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const { engine, addresses } = opts;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const durable: Durability = await durabilityOf(engine.store);
  const readers = new MailReaders(
    opts.readerThreads !== undefined ? { threads: opts.readerThreads } : {},
  );

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession) {
    const r = await addresses.resolve(address.address);
    if (!r) throw reply(550, `5.1.1 <${address.address}>: no such address here`);
    const stage = stageRefusal(r);
    if (stage) throw reply(550, `5.1.1 <${address.address}>: ${stage}`);
    const sender = mailFrom(session);
    if (!senderAllowed(r.senders, sender)) {
      throw reply(
        550,
        `5.7.1 <${sender || "(empty sender)"}> may not send to process "${r.process.name}": it accepts mail from ${describeRule(r.senders)}`,
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
    // Re-read the recipients: an address rotated since RCPT TO no longer works.
    const recipients: Array<{ address: string; r: ResolvedRecipient }> = [];
    const seen = new Set<string>();
    for (const rcpt of session.envelope.rcptTo) {
      const r = await addresses.resolve(rcpt.address);
      if (!r) throw reply(550, `5.1.1 <${rcpt.address}>: no such address here`);
      const key = `${r.process.id}/${r.stage}`;
      if (seen.has(key)) continue; // two spellings of one address: one run
      seen.add(key);
      recipients.push({ address: rcpt.address, r });
    }
    const dmarc = recipients.some(({ r }) => r.senders.authenticated);
    let mail: MailInputs;
    try {
      // The DMARC check reads the raw message afterwards: then it is copied, not moved.
      mail = await readers.read(raw, sender, dmarc);
    } catch (err) {
      if (err instanceof ReadError && err.kind === "unavailable") {
        throw reply(
          451,
          `4.3.0 the message could not be read now (${err.message}); try again later`,
        );
      }
      throw reply(550, `5.6.0 the message could not be read: ${(err as Error).message}`);
    }
    for (const { r } of recipients) {
      if (!senderAllowed(r.senders, mail.from)) {
        throw reply(
          550,
          `5.7.1 From <${mail.from}> may not send to process "${r.process.name}": it accepts mail from ${describeRule(r.senders)}`,
        );
      }
    }
    if (dmarc) {
      const auth = await checkDmarc(raw, {
        ip: session.remoteAddress,
        helo: session.hostNameAppearsAs || "",
        sender,
        mta: addresses.domain,
        ...(opts.resolver ? { resolver: opts.resolver } : {}),
      });
      if (!auth.pass) {
        const names = recipients.filter(({ r }) => r.senders.authenticated);
        throw reply(
          550,
          `5.7.1 process "${names[0]?.r.process.name}" accepts only authenticated senders: ${auth.why}`,
        );
      }
    }
    const started = await Promise.allSettled(
      recipients.map(({ address, r }) =>
        engine.startRun({
          process: r.process.id,
          stage: r.stage,
          inputs: mail.inputs,
          files: mail.files,
          trigger: {
            type: "email",
            details: {
              sender,
              recipient: address,
              message_id: mail.messageId ?? null,
              client_address: session.remoteAddress,
            },
          },
          // A Message-ID already seen for this process and stage starts no second run.
          ...(mail.messageId
            ? {
                idempotencyKey: mail.messageId,
                idempotencyScope: `email:${r.process.id}:${r.stage}`,
              }
            : {}),
        }),
      ),
    );
    const runs: Run[] = [];
    const failures: string[] = [];
    started.forEach((s, i) => {
      const name = recipients[i]?.r.process.name;
      if (s.status === "fulfilled") runs.push(s.value);
      else if (isEngineError(s.reason) && s.reason.code === "idempotency_mismatch") {
        // The same Message-ID with other content: already handled, nothing new to start.
      } else failures.push(`process "${name}": ${(s.reason as Error)?.message ?? s.reason}`);
    });
    if (runs.length === 0 && failures.length > 0) {
      const tooLarge = started.some(
        (s) => s.status === "rejected" && isEngineError(s.reason) && s.reason.code === "too_large",
      );
      throw reply(tooLarge ? 552 : 550, `${tooLarge ? "5.3.4" : "5.7.0"} ${failures.join("; ")}`);
    }
    if (failures.length > 0) {
      opts.logger?.warn({ failures, messageId: mail.messageId }, "email started only some runs");
    }
    await durable.sync();
    return `2.0.0 accepted: ${runs.map((r) => `run ${r.id}`).join(", ") || "already received"}`;
  }

  const server = new PromptSmtpServer({
    name: addresses.domain,
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
            opts.logger?.error({ err }, "email could not be handled");
            callback(reply(451, "4.3.0 the message could not be stored now; try again later"));
          } else callback(err);
        },
      );
    },
  });
  server.on("error", (err) => opts.logger?.warn({ err }, "SMTP connection error"));
  server.listen(opts.port, opts.host);
  await Promise.race([
    once(server.server, "listening"),
    once(server.server, "error").then(([err]) => {
      throw err;
    }),
  ]);
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await readers.close();
      await durable.close();
    },
  };
}
