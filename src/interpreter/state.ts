// The whole execution state: plain JSON data, so a run can pause on a question, be
// checkpointed and resume on another worker. Frames refer to blocks by number (the
// order in which `compile` meets them), never to tree nodes.
import type {
  EmailOutcome,
  ErrorInfo,
  ExecStatus,
  PendingEmail,
  QuestionInfo,
  TimelineEntry,
  Value,
} from "./types.ts";

/** A scope: facts by normalized name, plus names bound by `use` to another name. */
export interface Scope {
  facts: Record<string, Value>;
  aliases: Record<string, string>;
}

/** A statement list being executed: `b` is the block number, `i` the next statement. */
export interface BlockFrame {
  t: "b";
  b: number;
  i: number;
}
/** A procedure call: its own scope; `line` is the calling statement's line. */
export interface CallFrame {
  t: "c";
  b: number;
  i: number;
  line: number;
  scope: Scope;
}
/** `repeat N times`: `n` is the current iteration (1-based). */
export interface RepeatFrame {
  t: "r";
  b: number;
  i: number;
  n: number;
  times: number;
}
/** `process each X`: a snapshot of the list, the current index and the item's key. */
export interface EachFrame {
  t: "e";
  b: number;
  i: number;
  n: number;
  list: Value[];
  item: string;
}
export type Frame = BlockFrame | CallFrame | RepeatFrame | EachFrame;

/** What an answer binds: a fact in a scope (frame index, -1 top level), or the asking statement. */
export type AnswerBinding = { t: "fact"; key: string; frame: number } | { t: "stmt" };

export interface PendingQuestion extends QuestionInfo {
  bind: AnswerBinding;
}

export interface TimelineState {
  entries: TimelineEntry[];
  /** Executed statements not stored as entries (beyond the cap). */
  omitted: number;
  /** Executed statements per source line (all of them, stored or not). */
  byLine: Record<number, number>;
}

export interface ExecState {
  version: 1;
  status: ExecStatus;
  /** Top-level facts and aliases. */
  top: Scope;
  frames: Frame[];
  /** `the above`; `hasAbove` false until a statement produced a value. */
  above: Value;
  hasAbove: boolean;
  /** Why `the above` has no value (a procedure that set no result), for the error. */
  aboveMissing?: string;
  log: string[];
  logDropped: number;
  /** Top-level fact names the process set, in first-set order. */
  set: Record<string, true>;
  /** Loop item names and `iteration`: never outputs. */
  loopNames: Record<string, true>;
  inputs: Record<string, Value>;
  question: PendingQuestion | null;
  /** An answer waiting for the statement that asked (ask, get, validate). */
  answered: { value: Value } | null;
  error: ErrorInfo | null;
  /** A `send an email` waiting to be delivered (status "Sending"); absent in older states. */
  outbox?: PendingEmail | null;
  /** The delivery's outcome, for the statement that sent it when it runs again. */
  sent?: EmailOutcome | null;
  timeline: TimelineState;
  steps: number;
  /** Procedure calls in progress. */
  depth: number;
}
