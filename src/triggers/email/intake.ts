// What the SMTP listener asks of the engine: which process an address names, and to start
// the runs of an accepted message. The listener runs in a thread of its own under
// `plainrun serve` (smtpThread.ts), which asks the engine's thread through a port
// (intakePort.ts); tests and embedders run it beside the engine and ask directly.
import { isEngineError } from "../../engine/errors.ts";
import type { Engine, Run } from "../../engine/index.ts";
import type { Stage } from "../../store/index.ts";
import type { EmailAddresses, ResolvedRecipient } from "./addresses.ts";
import { type Durability, durabilityOf } from "./durable.ts";
import type { MailInputs } from "./message.ts";

/** One process (and stage) an accepted message goes to. */
export interface MailRecipient {
  /** As the client wrote it in RCPT TO. */
  address: string;
  processId: string;
  processName: string;
  stage: Stage;
}

export interface AcceptedMail {
  recipients: MailRecipient[];
  mail: MailInputs;
  /** MAIL FROM. */
  sender: string;
  clientAddress: string;
}

/** The reply to the end of DATA: 250's text, or a refusal's code and text. */
export type IntakeAnswer = { ok: string } | { code: number; message: string };

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
    recipients,
    mail,
    sender,
    clientAddress,
  }: AcceptedMail): Promise<IntakeAnswer> {
    const started = await Promise.allSettled(
      recipients.map((r) =>
        engine.startRun({
          process: r.processId,
          stage: r.stage,
          inputs: mail.inputs,
          files: mail.files,
          trigger: {
            type: "email",
            details: {
              sender,
              recipient: r.address,
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
      const name = recipients[i]?.processName;
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
