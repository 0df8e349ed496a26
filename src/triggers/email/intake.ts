// What the SMTP listener asks of the engine: which process an address names (at RCPT TO),
// and, at the end of DATA, to read the recipients again, check the message's sender against
// their rules and start its runs. The recipients are read again there, in the same call that
// starts the runs, so an address rotated or a rule changed since RCPT TO holds for the
// message at no extra round trip. The listener runs in a thread of its own under
// `plainrun serve` (smtpThread.ts), which asks the engine's thread through a port
// (intakePort.ts); tests and embedders run it beside the engine and ask directly.
import { isEngineError } from "../../engine/errors.ts";
import type { Engine, Run } from "../../engine/index.ts";
import type { EmailAddresses, ResolvedRecipient } from "./addresses.ts";
import { type Durability, durabilityOf } from "./durable.ts";
import type { MailInputs } from "./message.ts";
import { type DmarcVerdict, describeRule, senderAllowed } from "./senders.ts";

export interface AcceptedMail {
  /** RCPT TO, as the client wrote them. */
  addresses: string[];
  mail: MailInputs;
  /** MAIL FROM. */
  sender: string;
  clientAddress: string;
  /**
   * The message's DMARC check, made when a recipient wanted authenticated senders at RCPT
   * TO (it needs the message whole); absent when none did.
   */
  dmarc?: DmarcVerdict;
}

type Refusal = { code: number; message: string };

/** A recipient as the client wrote it, and what it names now. */
type Recipient = { address: string; r: ResolvedRecipient };

/** The reply to the end of DATA: 250's text, or a refusal's code and text. */
export type IntakeAnswer = { ok: string } | Refusal;

export interface MailIntake {
  /** The domain of processes' addresses. */
  readonly domain: string;
  resolve(address: string): Promise<ResolvedRecipient | undefined>;
  /**
   * Starts one run per recipient; answers once every run started is durably stored.
   * Rejects when the store cannot be written (the listener answers 451).
   */
  start(accepted: AcceptedMail): Promise<IntakeAnswer>;
  close(): Promise<void>;
}

/** Where the email trigger's warnings and errors go (the server's logger). */
export type SmtpLogger = {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export async function engineIntake(
  engine: Engine,
  addresses: EmailAddresses,
  logger?: SmtpLogger,
): Promise<MailIntake> {
  const durable: Durability = await durabilityOf(engine.store);

  async function startRuns({
    addresses: written,
    mail,
    sender,
    clientAddress,
    dmarc,
  }: AcceptedMail): Promise<IntakeAnswer> {
    const checked = await checkRecipients(addresses, written, mail.from, dmarc);
    if ("code" in checked) return checked;
    const recipients = checked.recipients;
    const started = await Promise.allSettled(
      recipients.map(({ address, r }) =>
        engine.startRun({
          process: r.processId,
          stage: r.stage,
          inputs: mail.inputs,
          files: mail.files,
          trigger: {
            type: "email",
            details: {
              sender,
              recipient: address,
              message_id: mail.messageId ?? null,
              client_address: clientAddress,
            },
          },
          // A Message-ID already seen for this process and stage starts no second run.
          ...(mail.messageId
            ? {
                idempotencyKey: mail.messageId,
                idempotencyScope: `email:${r.processId}:${r.stage}`,
              }
            : {}),
        }),
      ),
    );
    // A store that cannot be written now is the listener's trouble, not the message's: the
    // sender is to try again (451), not to give up.
    const trouble = started.find((s) => s.status === "rejected" && !isEngineError(s.reason));
    if (trouble?.status === "rejected") throw trouble.reason;
    const runs: Run[] = [];
    const failures: string[] = [];
    started.forEach((s, i) => {
      const name = recipients[i]?.r.processName;
      if (s.status === "fulfilled") runs.push(s.value);
      else if (isEngineError(s.reason) && s.reason.code === "idempotency_mismatch") {
        // The same Message-ID with other content: already handled, nothing new to start.
      } else failures.push(`process "${name}": ${(s.reason as Error)?.message ?? s.reason}`);
    });
    if (runs.length === 0 && failures.length > 0) {
      const tooLarge = started.some(
        (s) => s.status === "rejected" && isEngineError(s.reason) && s.reason.code === "too_large",
      );
      return {
        code: tooLarge ? 552 : 550,
        message: `${tooLarge ? "5.3.4" : "5.7.0"} ${failures.join("; ")}`,
      };
    }
    if (failures.length > 0) {
      logger?.warn({ failures, messageId: mail.messageId }, "email started only some runs");
    }
    await durable.sync();
    return {
      ok: `2.0.0 accepted: ${runs.map((r) => `run ${r.id}`).join(", ") || "already received"}`,
    };
  }

  return {
    domain: addresses.domain,
    resolve: (address) => addresses.resolve(address),
    start: startRuns,
    close: () => durable.close(),
  };
}

/**
 * The message's recipients read again (two spellings of one address are one), or the
 * refusal: an address that no longer works, a From the rule does not allow, a process that
 * wants authenticated senders and a message that did not pass DMARC (or was not checked:
 * the rule changed after RCPT TO, so the client is to send it again).
 */
async function checkRecipients(
  addresses: EmailAddresses,
  written: string[],
  from: string,
  dmarc: DmarcVerdict | undefined,
): Promise<{ recipients: Recipient[] } | Refusal> {
  const resolved = await Promise.all(
    written.map(async (address) => ({ address, r: await addresses.resolve(address) })),
  );
  const recipients: Recipient[] = [];
  const seen = new Set<string>();
  for (const { address, r } of resolved) {
    if (!r) return { code: 550, message: `5.1.1 <${address}>: no such address here` };
    const key = `${r.processId}/${r.stage}`;
    if (seen.has(key)) continue;
    seen.add(key);
    recipients.push({ address, r });
  }
  for (const { r } of recipients) {
    if (!senderAllowed(r.senders, from)) {
      return {
        code: 550,
        message: `5.7.1 From <${from}> may not send to process "${r.processName}": it accepts mail from ${describeRule(r.senders)}`,
      };
    }
  }
  const strict = recipients.find(({ r }) => r.senders.authenticated)?.r;
  if (strict && !dmarc) {
    return {
      code: 451,
      message: "4.7.0 the process's sender rule changed meanwhile; send the message again",
    };
  }
  if (strict && dmarc && !dmarc.pass) {
    return {
      code: 550,
      message: `5.7.1 process "${strict.processName}" accepts only authenticated senders: ${dmarc.why}`,
    };
  }
  return { recipients };
}
