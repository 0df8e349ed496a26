// Both ends of the port between the SMTP thread (smtpThread.ts) and the engine's thread: the
// thread's MailIntake asks over the port, the engine's side answers from its own intake.
// An accepted message's files are moved across, not copied, when they own their memory.
import type { MessagePort, Worker } from "node:worker_threads";
import type { ResolvedRecipient } from "./addresses.ts";
import type { AcceptedMail, IntakeAnswer, MailIntake, SmtpLogger } from "./intake.ts";

/** What the SMTP thread posts to the engine's thread. */
export type FromSmtpThread =
  | { t: "resolve"; id: number; address: string }
  | { t: "start"; id: number; accepted: AcceptedMail }
  | { t: "log"; level: "warn" | "error"; obj: object; msg: string }
  | { t: "listening"; port: number }
  | { t: "failed"; message: string }
  | { t: "closed" };

/** What the engine's thread posts to the SMTP thread. */
export type ToSmtpThread =
  | { t: "answer"; id: number; value?: unknown; error?: string }
  | { t: "close" };

/** The ArrayBuffers of `bytes` that can be moved: those a view covers whole (not a pool's). */
function movable(files: AcceptedMail["mail"]["files"]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const { bytes } of files) {
    const b = bytes.buffer;
    if (b instanceof ArrayBuffer && bytes.byteOffset === 0 && b.byteLength === bytes.byteLength)
      out.push(b);
  }
  return out;
}

/** The SMTP thread's intake: each question is a message to the engine's thread. */
export function portIntake(port: MessagePort, domain: string): MailIntake {
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  port.on("message", (m: ToSmtpThread) => {
    if (m.t !== "answer") return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.value);
  });
  const ask = <T>(build: (id: number) => FromSmtpThread, transfer: ArrayBuffer[] = []) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      port.postMessage(build(id), transfer);
    });
  return {
    domain,
    resolve: (address) =>
      ask<ResolvedRecipient | undefined>((id) => ({ t: "resolve", id, address })),
    start: (accepted) =>
      ask<IntakeAnswer>((id) => ({ t: "start", id, accepted }), movable(accepted.mail.files)),
    close: async () => {},
  };
}

/** The SMTP thread's logger: lines go to the engine's thread's logger. */
export function portLogger(port: MessagePort): SmtpLogger {
  const post = (level: "warn" | "error", obj: object, msg: string) => {
    // An error object keeps its message and stack when cloned; anything else uncloneable is
    // reduced to its text.
    try {
      port.postMessage({ t: "log", level, obj, msg } satisfies FromSmtpThread);
    } catch {
      port.postMessage({ t: "log", level, obj: { detail: String(obj) }, msg });
    }
  };
  return {
    warn: (obj, msg) => post("warn", obj, msg),
    error: (obj, msg) => post("error", obj, msg),
  };
}

/** The engine's side: answers the thread's questions from `intake`, and its log lines. */
export function serveIntake(worker: Worker, intake: MailIntake, logger: SmtpLogger): void {
  const answer = (id: number, work: Promise<unknown>) => {
    work.then(
      (value) => worker.postMessage({ t: "answer", id, value } satisfies ToSmtpThread),
      (err: unknown) =>
        worker.postMessage({
          t: "answer",
          id,
          error: err instanceof Error ? err.message : String(err),
        } satisfies ToSmtpThread),
    );
  };
  worker.on("message", (m: FromSmtpThread) => {
    if (m.t === "resolve") answer(m.id, intake.resolve(m.address));
    else if (m.t === "start") answer(m.id, intake.start(m.accepted));
    else if (m.t === "log") logger[m.level](m.obj, m.msg);
  });
}
