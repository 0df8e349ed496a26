// Runs a process in this process, without a store: the interpreter entry point that
// workers use (start / drive / answer), with answers supplied by the caller.

import {
  answer,
  drive,
  inputsFromJson,
  MemoryFiles,
  resolveEmail,
  start,
  view,
} from "../interpreter/index.ts";
import type { Json, QuestionInfo } from "../interpreter/types.ts";
import { type Diagnostic, parse } from "../language/index.ts";

export type RunView = ReturnType<typeof view>;

export interface LocalRunOptions {
  inputs: Record<string, Json>;
  /** Gives the answer to an open question, or null to leave it open (the run ends AwaitingAnswer). */
  nextAnswer: (question: QuestionInfo) => Promise<Json | null>;
  timeLimitMs: number;
  signal?: { readonly aborted: boolean };
  /** How numeric dates read when the process does not say. */
  dateOrder?: "day" | "month" | undefined;
}

/** The source does not compile: its error diagnostics. */
export class SourceError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`the source has ${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}`);
  }
}

export async function runLocally(source: string, opts: LocalRunOptions): Promise<RunView> {
  const { program, diagnostics } = parse(source);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new SourceError(errors);
  }
  const files = new MemoryFiles();
  const state = start(program, inputsFromJson(opts.inputs, files));
  const deadline = Date.now() + opts.timeLimitMs;
  for (;;) {
    const status = await drive(program, state, {
      files,
      deadline,
      signal: opts.signal,
      dateOrder: opts.dateOrder,
    });
    if (status === "Sending" && state.outbox) {
      // No relay here: the email is shown in the log, not sent, and the run goes on.
      const { email } = state.outbox;
      state.log.push(
        `(not sent: plainrun run sends no email) email to ${email.to.join(", ")}: ${email.subject}`,
      );
      resolveEmail(state, { ok: true, answer: "not sent by plainrun run" });
      continue;
    }
    const current = view(state);
    if (status !== "AwaitingAnswer" || !current.question) return current;
    const reply = await opts.nextAnswer(current.question);
    if (reply === null) return current;
    answer(program, state, reply);
  }
}
