// Public types of the interpreter. Every runtime value and the whole execution state
// are plain JSON data: JSON.parse(JSON.stringify(state)) is the same state, which is
// how a run pauses for a question, is checkpointed, and resumes on another worker.
import type { RunLimits } from "./limits.ts";

/** An exact decimal that is not a safe integer ("0.5", "120.2"). Safe integers are plain numbers. */
export interface DecimalValue {
  k: "dec";
  v: string;
}
/** A calendar date, "YYYY-MM-DD". */
export interface DateValue {
  k: "date";
  v: string;
}
/** An instant, ISO 8601 with offset ("2026-03-01T09:30:00.000Z"). */
export interface DateTimeValue {
  k: "datetime";
  v: string;
}
/** A length of time; calendar parts kept apart so "1 month" after Jan 31 is Feb 28/29. */
export interface DurationValue {
  k: "duration";
  months: number;
  days: number;
  ms: number;
}
/** A file (upload, attachment). Its bytes live outside the state, found by `ref` (sha-256 hex). */
export interface FileValue {
  k: "file";
  name: string;
  type: string;
  size: number;
  ref: string;
}
/** A record (also a table row): fields by name, in insertion order. */
export interface RecordValue {
  k: "record";
  f: Record<string, Value>;
}

export type Value =
  | null
  | boolean
  | number
  | string
  | DecimalValue
  | DateValue
  | DateTimeValue
  | DurationValue
  | FileValue
  | RecordValue
  | Value[];

/** What JSON can hold: how values appear in inputs, outputs, the API and tests. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Final and non-final outcomes, spelled as in PRODUCT.md. */
export type ExecStatus =
  | "Running" // the slice ended (time slice, not the deadline): call runSlice again
  | "AwaitingAnswer"
  | "Sending" // a `send an email` waits in state.outbox: deliver it, then resolveEmail() and runSlice again
  | "Succeeded"
  | "Failed"
  | "Cancelled"
  | "TimedOut";

export interface QuestionInfo {
  line: number;
  text: string;
  /** null: any answer; otherwise the answer must be one of these (compared ignoring case). */
  choices: string[] | null;
}

/** What `send an email` asks the host to send (its files by ref, read from the FileHost). */
export interface OutgoingEmail {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  attachments: FileValue[];
}

/** An email waiting to be sent: `step` (the statement's timeline seq) is unique in the run. */
export interface PendingEmail {
  step: number;
  line: number;
  email: OutgoingEmail;
}

/** What became of it: ok, or not with the relay's answer. */
export interface EmailOutcome {
  ok: boolean;
  answer: string;
}

export interface ErrorInfo {
  line: number | null;
  message: string;
}

/** One executed statement and the facts it changed (values previewed, bounded). */
export interface TimelineEntry {
  seq: number;
  line: number;
  statement: string;
  changed: Record<string, Json>;
}

/** Gives a file's bytes by its ref, or undefined when the host does not have it. */
export interface FileHost {
  read(ref: string): Uint8Array | undefined;
}

/** The order of a numeric date's first two numbers: `day` (04/05 is 4 May) or `month`. */
export type DateOrder = "day" | "month";

export interface SliceOptions {
  files: FileHost;
  /** Epoch ms after which the run ends TimedOut. */
  deadline?: number;
  /** Checked between statements; when true the run ends Cancelled. */
  signal?: { readonly aborted: boolean };
  /** Return "Running" after about this long so the caller can yield to its event loop (default 20). */
  sliceMs?: number;
  /** false where no person can answer (test suite): a question fails the run instead. Default true. */
  canAsk?: boolean;
  /** The clock for `today` / `now` (default Date.now). */
  now?: () => number;
  /** Bounds on the run's values (default DEFAULT_RUN_LIMITS in limits.ts). */
  limits?: Partial<RunLimits>;
  /**
   * How numeric dates (`04/05/2026`) read when the process does not say (`dates are
   * written day first`): `day` or `month` first. Unset: they are refused with a hint.
   */
  dateOrder?: DateOrder | undefined;
  /**
   * A hard end for this slice (epoch ms): a statement still executing then is abandoned
   * half-way and runSlice throws an Interrupt with reason "Abandoned". The state is then
   * half-changed: the caller must throw it away (the engine's inline slices, which begin
   * from a fresh state, do).
   */
  stopBy?: number;
}
