// `send an email`: the run stops on the statement (status "Sending", see the interpreter),
// and the worker delivers the email through the configured SMTP relay, at most once:
//
// 1. the run's checkpoint (its state, with the email in `outbox`) and the intent (a
//    sent_emails row, unique per run and statement step, status "pending", with a stable
//    Message-ID) are committed in one transaction;
// 2. the row is moved to "sending" in its own commit, then the relay is asked;
// 3. its answer is recorded ("sent" or "refused", with the relay's reply) together with an
//    `email` event on the run, and the statement runs again with that outcome: it ends
//    there, or fails the run with the relay's answer on its line.
//
// A run resumed after a crash finds the row: "pending" is sent now (nothing was sent),
// "sent"/"refused" give their recorded outcome, and "sending" (the crash came while the
// relay was being asked) is never sent again: it becomes "unknown" and the run fails saying
// so. That is the one window left: an email in it may have been sent once or not at all.
import nodemailer from "nodemailer";
import { type ExecState, resolveEmail } from "../../interpreter/index.ts";
import type { EmailOutcome, FileHost, OutgoingEmail } from "../../interpreter/types.ts";
import { getSentEmail, insertSentEmail, moveSentEmail, type Store } from "../../store/index.ts";
import { type GroupCommit, PHASE_WRITE } from "../groupCommit.ts";
import { newId } from "../ids.ts";
import { applyUpdate, type HeldRun, type Progress, segmentWrite } from "./runWrites.ts";

/** Where runs' emails go: `--smtp-relay-url`, the From address, the Message-ID domain. */
export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://… ; undefined: emails are refused with why. */
  relayUrl?: string | undefined;
  from: string;
  domain: string;
}

export interface MailMessage {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

/** Hands one message to the relay: ok with its reply, or not with why. Never throws. */
export interface Mailer {
  send(message: MailMessage): Promise<EmailOutcome>;
  close(): void;
}

/** The relay's reply or the connection's error, as one line. */
function answerOf(err: unknown): string {
  const e = err as { response?: string; message?: string; code?: string };
  if (e?.response) return e.response;
  return `${e?.message ?? String(err)}${e?.code && !e.message?.includes(e.code) ? ` (${e.code})` : ""}`;
}

/** A Mailer over nodemailer's SMTP transport to the relay. */
export function relayMailer(url: string): Mailer {
  let transport: ReturnType<typeof nodemailer.createTransport>;
  try {
    transport = nodemailer.createTransport(url);
  } catch (err) {
    throw new Error(`--smtp-relay-url is not a usable SMTP URL: ${(err as Error).message}`);
  }
  return {
    async send(m) {
      try {
        const info = await transport.sendMail({
          messageId: m.messageId,
          from: m.from,
          to: m.to,
          ...(m.cc.length > 0 ? { cc: m.cc } : {}),
          subject: m.subject,
          text: m.text,
          attachments: m.attachments,
        });
        const rejected = (info.rejected ?? []).map(String);
        if (rejected.length > 0 && info.accepted.length === 0) {
          return { ok: false, answer: info.response || `refused ${rejected.join(", ")}` };
        }
        return { ok: true, answer: info.response || "accepted" };
      } catch (err) {
        return { ok: false, answer: answerOf(err) };
      }
    },
    close: () => transport.close(),
  };
}

/** The outcome of a run whose email has no relay to go to. */
const NO_RELAY: EmailOutcome = {
  ok: false,
  answer: "no SMTP relay is configured (start the server with --smtp-relay-url)",
};

const UNKNOWN_ANSWER =
  "the server stopped while this email was being handed to the relay; whether it was sent is not known, and it is not sent again so that it is never sent twice";

export interface OutboxContext {
  store: Store;
  group: GroupCommit;
  settings: MailSettings | undefined;
  mailer: Mailer | undefined;
}

function messageIdOf(runId: string, step: number, domain: string): string {
  return `<${runId}.${step}@${domain}>`;
}

function attachmentsOf(email: OutgoingEmail, files: FileHost): MailMessage["attachments"] {
  return email.attachments.map((f) => {
    const bytes = files.read(f.ref);
    if (!bytes) throw new Error(`the file "${f.name}" is not stored with this run`);
    return {
      filename: f.name,
      contentType: f.type,
      content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    };
  });
}

/**
 * Delivers the email the run waits on (state.outbox) and resolves the state with the
 * outcome; false when the run's lease was lost (another worker has it: write nothing more).
 */
export async function deliverEmail(
  ctx: OutboxContext,
  held: HeldRun,
  state: ExecState,
  progress: Progress,
  files: FileHost,
): Promise<boolean> {
  const out = state.outbox;
  if (!out) throw new Error("deliverEmail: the run has no email waiting");
  const step = String(out.step);
  const domain = ctx.settings?.domain ?? "plainrun.invalid";
  const now = Date.now();
  const w = segmentWrite(held, state, progress, { kind: "checkpoint" }, now);
  if (w.kind !== "update") throw new Error("a checkpoint is an update");
  // 1. The checkpoint and the intent, in one transaction.
  const row = await ctx.group.submit(PHASE_WRITE, async (trx, wctx) => {
    if ((await applyUpdate(trx, wctx, held, w, now)) === undefined) return undefined;
    await insertSentEmail(trx, {
      id: newId(),
      run_id: held.id,
      step,
      message_id: messageIdOf(held.id, out.step, domain),
      recipients: JSON.stringify({ to: out.email.to, cc: out.email.cc }),
      subject: out.email.subject,
      status: "pending",
      answer: null,
      created_at: now,
      updated_at: now,
    });
    return getSentEmail(trx, held.id, step);
  });
  if (!row) return false;
  let outcome: EmailOutcome;
  let record: { from: "pending" | "sending"; to: "sent" | "refused" | "unknown" } | undefined;
  if (row.status === "pending") {
    // 2. The attempt is recorded before the relay is asked.
    const mine = await ctx.group.submit(PHASE_WRITE, (trx) =>
      moveSentEmail(trx, row.id, "pending", "sending", null, Date.now()),
    );
    if (!mine) return false;
    if (!ctx.mailer) outcome = NO_RELAY;
    else {
      let message: MailMessage | undefined;
      try {
        message = {
          messageId: row.message_id,
          from: ctx.settings?.from ?? `plainrun@${domain}`,
          to: out.email.to,
          cc: out.email.cc,
          subject: out.email.subject,
          text: out.email.text,
          attachments: attachmentsOf(out.email, files),
        };
      } catch (err) {
        outcome = { ok: false, answer: (err as Error).message };
      }
      outcome = message ? await ctx.mailer.send(message) : outcome!;
    }
    record = { from: "sending", to: outcome.ok ? "sent" : "refused" };
  } else if (row.status === "sending") {
    outcome = { ok: false, answer: UNKNOWN_ANSWER };
    record = { from: "sending", to: "unknown" };
  } else {
    outcome = { ok: row.status === "sent", answer: row.answer ?? row.status };
  }
  // 3. The outcome on the row and as an event of the run.
  if (record) {
    const at = Date.now();
    const rec = record;
    const event = {
      type: "email",
      data: {
        message_id: row.message_id,
        to: out.email.to,
        cc: out.email.cc,
        subject: out.email.subject,
        status: rec.to,
        answer: outcome.answer,
        line: out.line,
      },
    };
    const seq = await ctx.group.submit(PHASE_WRITE, async (trx, wctx) => {
      if (!(await moveSentEmail(trx, row.id, rec.from, rec.to, outcome.answer, at)))
        return undefined;
      return applyUpdate(
        trx,
        wctx,
        held,
        { kind: "update", set: { updated_at: at }, events: [event] },
        at,
      );
    });
    if (seq === undefined) return false;
  }
  resolveEmail(state, outcome);
  return true;
}
