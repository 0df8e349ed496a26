// The bounds that keep one run from exhausting its executor: sizes checked where values
// grow (items, characters, digits, depth), a bounded measure of the whole state, and a
// clock checked inside long loops of a single statement. A run that passes a bound ends
// Failed (or TimedOut / Cancelled) with a sentence naming the bound; the runner adds the
// line. Every bound is configurable through SliceOptions.limits (the engine's workers pass
// theirs); runSlice installs them for the statements it executes (execution is
// synchronous, so one installed set at a time is enough).
import { RunError } from "./errors.ts";

export interface RunLimits {
  /** Items in one list (tables included). */
  listItems: number;
  /** Characters in one text. */
  textChars: number;
  /** Digits of one number: its exponent (how far from the decimal point its digits reach). */
  numberDigits: number;
  /** How deep lists and records may nest inside one value. */
  depth: number;
  /** The run's values together (facts, loops, log, inputs…), measured as their JSON size. */
  stateBytes: number;
}

export const DEFAULT_RUN_LIMITS: Readonly<RunLimits> = Object.freeze({
  listItems: 1_000_000,
  textChars: 10_000_000,
  numberDigits: 1_000,
  depth: 100,
  stateBytes: 64 * 1024 * 1024,
});

export const MAX_LIST_ITEMS = DEFAULT_RUN_LIMITS.listItems;
export const MAX_TEXT_CHARS = DEFAULT_RUN_LIMITS.textChars;
export const MAX_CALL_DEPTH = 200;
export const MAX_LOG_LINES = 10_000;
export const MAX_LOG_LINE_CHARS = 10_000;
export const MAX_TIMELINE_ENTRIES = 1_000;
/** A question's text (longer text is cut) and how many choices it may offer. */
export const MAX_QUESTION_CHARS = 10_000;
export const MAX_CHOICES = 1_000;
export const MAX_CHOICE_CHARS = 1_000;
/** An error message's length (a `fail` with a long text is cut). */
export const MAX_ERROR_CHARS = 10_000;

/** A bound was passed: its message stands as it is (no hint about the statement's values). */
export class BoundError extends RunError {}

/** The bounds in force (set by runSlice for the slice it runs). */
export let limits: Readonly<RunLimits> = DEFAULT_RUN_LIMITS;

/**
 * Why a statement stopped inside a long loop: the run's deadline passed, it was cancelled,
 * or the slice's hard end (SliceOptions.stopBy) passed.
 */
export class Interrupt extends Error {
  constructor(readonly reason: "TimedOut" | "Cancelled" | "Abandoned") {
    super(
      reason === "TimedOut"
        ? "the run passed its time limit"
        : reason === "Cancelled"
          ? "the run was cancelled"
          : "the slice passed its hard end",
    );
    this.name = "Interrupt";
  }
}

interface Clock {
  deadline: number | undefined;
  stopBy: number | undefined;
  signal: { readonly aborted: boolean } | undefined;
  /** Called at each look at the clock (the runner measures the state there). */
  onLook: (() => void) | undefined;
}
let clock: Clock = {
  deadline: undefined,
  stopBy: undefined,
  signal: undefined,
  onLook: undefined,
};
/** Work units left before the next look at the clock. */
let credit = 0;
const CREDIT = 1 << 16;

/**
 * Growth accounting: bytes (as the state measure counts them) that statements may have
 * added to the state since it was last measured. Past `room`, `full` is called, which
 * measures the state (and fails the run past its bound) and gives new room.
 */
let grown = 0;
let room = Number.POSITIVE_INFINITY;
let full: (() => void) | undefined;

/** Counts `bytes` possibly added to the run's state (copies, appends, texts, tables). */
export function grow(bytes: number): void {
  grown += bytes;
  if (grown > room && full !== undefined) full();
}

/** After a measure: growth starts again from zero, with `bytes` of room before the next. */
export function setRoom(bytes: number): void {
  grown = 0;
  room = bytes;
}

/** The growth not yet measured (kept with the state between slices). */
export function growth(): { grown: number; room: number } {
  return { grown, room };
}

/** Installs the bounds and the clock for one slice; returns a function restoring the previous ones. */
export function install(
  l: Partial<RunLimits> | undefined,
  deadline: number | undefined,
  signal: { readonly aborted: boolean } | undefined,
  onLook?: () => void,
  onFull?: () => void,
  grownSoFar?: { grown: number; room: number },
  stopBy?: number,
): () => void {
  const prevLimits = limits;
  const prevClock = clock;
  const prevFull = full;
  const prevGrowth = { grown, room };
  full = onFull;
  grown = grownSoFar?.grown ?? 0;
  room = grownSoFar?.room ?? Number.POSITIVE_INFINITY;
  limits = l === undefined ? DEFAULT_RUN_LIMITS : { ...DEFAULT_RUN_LIMITS, ...l };
  clock = { deadline, stopBy, signal, onLook };
  credit = CREDIT;
  return () => {
    limits = prevLimits;
    clock = prevClock;
    full = prevFull;
    grown = prevGrowth.grown;
    room = prevGrowth.room;
  };
}

/**
 * Counts `units` of work inside one statement (items visited, comparisons, copies); now and
 * then looks at the clock and the cancel signal, so no single statement outlives its run.
 */
export function spend(units: number): void {
  credit -= units;
  if (credit > 0) return;
  credit = CREDIT;
  if (clock.signal?.aborted) throw new Interrupt("Cancelled");
  const now = Date.now();
  if (clock.deadline !== undefined && now >= clock.deadline) throw new Interrupt("TimedOut");
  if (clock.stopBy !== undefined && now >= clock.stopBy) throw new Interrupt("Abandoned");
  clock.onLook?.();
}

const fmt = (n: number) => n.toLocaleString("en-US");

export function listBoundError(): BoundError {
  return new BoundError(`a list can hold at most ${fmt(limits.listItems)} items`);
}
export function textBoundError(): BoundError {
  return new BoundError(`a text can hold at most ${fmt(limits.textChars)} characters`);
}
export function numberBoundError(): BoundError {
  return new BoundError(
    `a number can have at most ${fmt(limits.numberDigits)} digits before or after the decimal point`,
  );
}
export function depthBoundError(): BoundError {
  return new BoundError(`lists and records can be nested at most ${fmt(limits.depth)} levels deep`);
}
export function stateBoundError(): BoundError {
  const b = limits.stateBytes;
  const size =
    b >= 1024 * 1024
      ? `${fmt(Math.round((b / (1024 * 1024)) * 10) / 10)} MB`
      : b >= 1024
        ? `${fmt(Math.round((b / 1024) * 10) / 10)} KB`
        : `${fmt(b)} bytes`;
  return new BoundError(`the run's values passed their ${size} limit`);
}

export function checkListSize(n: number): void {
  if (n > limits.listItems) throw listBoundError();
}

export function checkTextSize(s: string): string {
  if (s.length > limits.textChars) throw textBoundError();
  return s;
}

/** Refuses a text of `n` characters before it is built. */
export function checkTextLength(n: number): void {
  if (n > limits.textChars) throw textBoundError();
}
