// The interpreter's signals. A RunError ends the run Failed with a plain-English
// message; NeedValue is not an error but a question (a fact that has no value yet).
import type { OutgoingEmail } from "./types.ts";

/** A run-time error: the run ends Failed with this message and the statement's line. */
export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunError";
  }
}

/**
 * A value that is not there where one was expected (a record's field it does not have,
 * `the above` after a procedure with no result). Fails the run, except where a missing
 * value is the question: `is known`, `is empty`, `find` and `get` treat it as nothing.
 */
export class Missing extends RunError {}

/** A fact (or a value) has no value: the statement asks a person instead of failing. */
export class NeedValue extends Error {
  constructor(
    /** The fact's key, or null when the answer is consumed by the statement itself. */
    readonly key: string | null,
    /** The question: "What is the customer name?". */
    readonly question: string,
    /** The allowed answers, or null for any answer. */
    readonly choices: string[] | null = null,
  ) {
    super(question);
    this.name = "NeedValue";
  }
}

/** `answer()` was called when it must not be, or with an answer that is not allowed. */
export class AnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AnswerError";
  }
}

/** `send an email`: the statement waits (status "Sending") until the host delivered it. */
export class SendEmail extends Error {
  constructor(readonly email: OutgoingEmail) {
    super("send an email");
    this.name = "SendEmail";
  }
}
