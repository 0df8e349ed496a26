// Starting a run, answering its question, and viewing what it recorded.
import type { Program } from "../language/ast.ts";
import { normalizeName } from "../language/names.ts";
import { compiled } from "./compile.ts";
import { fromJson, normalizeValue, toJson } from "./convert.ts";
import { AnswerError } from "./errors.ts";
import type { ExecState } from "./state.ts";
import type {
  EmailOutcome,
  ErrorInfo,
  ExecStatus,
  Json,
  QuestionInfo,
  TimelineEntry,
  Value,
} from "./types.ts";
import { putOwn } from "./values.ts";

/** A fresh state: the inputs as top-level facts, positioned at the first statement. */
export function start(program: Program, inputs: Record<string, Value>): ExecState {
  compiled(program);
  const facts: Record<string, Value> = {};
  const given: Record<string, Value> = {};
  for (const k of Object.keys(inputs)) {
    const key = normalizeName(k);
    putOwn(facts, key, normalizeValue(inputs[k] as Value));
    putOwn(given, key, normalizeValue(inputs[k] as Value));
  }
  return newState({ facts, aliases: {} }, given, "Running");
}

/** The state of a run that never started: nothing executed, so it can only end Failed. */
export function notStarted(): ExecState {
  return newState({ facts: {}, aliases: {} }, {}, "Failed");
}

function newState(
  top: ExecState["top"],
  inputs: Record<string, Value>,
  status: ExecState["status"],
): ExecState {
  return {
    version: 1,
    status,
    top,
    frames: status === "Running" ? [{ t: "b", b: 0, i: 0 }] : [],
    above: null,
    hasAbove: false,
    log: [],
    logDropped: 0,
    set: {},
    loopNames: {},
    inputs,
    question: null,
    answered: null,
    error: null,
    timeline: { entries: [], omitted: 0, byLine: {} },
    steps: 0,
    depth: 0,
  };
}

function answerText(a: Json): string {
  if (a === null) return "";
  if (typeof a === "object") return JSON.stringify(a);
  return String(a);
}

/**
 * Answer the question the run waits on. The next runSlice resumes at the statement
 * that asked, with the answer bound.
 */
export function answer(_program: Program, state: ExecState, ans: Json): void {
  const q = state.question;
  if (state.status !== "AwaitingAnswer" || q === null) {
    throw new AnswerError(`this run is not waiting for an answer (it is ${state.status})`);
  }
  let value: Value = fromJson(ans);
  if (q.choices !== null) {
    const t = answerText(ans).trim().toLowerCase();
    const hit = q.choices.find((c) => c.trim().toLowerCase() === t);
    if (hit === undefined) {
      throw new AnswerError(
        `the answer must be one of: ${q.choices.map((c) => `"${c}"`).join(", ")}`,
      );
    }
    value = hit;
  }
  if (q.bind.t === "fact") {
    const frame = q.bind.frame >= 0 ? state.frames[q.bind.frame] : undefined;
    const scope = frame && frame.t === "c" ? frame.scope : state.top;
    putOwn(scope.facts, q.bind.key, value);
  } else {
    state.answered = { value };
  }
  state.question = null;
  state.status = "Running";
}

/**
 * What became of the email the run waits on (status "Sending"): the next runSlice runs the
 * `send an email` statement again, which ends there (ok) or fails the run with the answer.
 */
export function resolveEmail(state: ExecState, outcome: EmailOutcome): void {
  if (state.status !== "Sending" || !state.outbox) {
    throw new AnswerError(`this run is not sending an email (it is ${state.status})`);
  }
  state.outbox = null;
  state.sent = { ok: outcome.ok, answer: outcome.answer };
  state.status = "Running";
}

function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (
    typeof a !== typeof b ||
    a === null ||
    b === null ||
    typeof a !== "object" ||
    typeof b !== "object"
  ) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]!));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k]!, b[k]!));
}

/**
 * The outputs: top-level facts the process set, with final values (and `the result`),
 * except loop item names, `the iteration`, `the above`, and facts whose final value
 * still equals the input given for them.
 */
export function outputsOf(state: ExecState): Record<string, Json> {
  const out: Record<string, Json> = {};
  const { facts, aliases } = state.top;
  for (const key of Object.keys(state.set)) {
    if (Object.hasOwn(state.loopNames, key) || key === "above") continue;
    const k = Object.hasOwn(aliases, key) ? aliases[key]! : key;
    if (!Object.hasOwn(facts, k)) continue;
    const v = toJson(facts[k] as Value);
    if (Object.hasOwn(state.inputs, key) && sameJson(v, toJson(state.inputs[key] as Value)))
      continue;
    putOwn(out, key, v);
  }
  return out;
}

export interface RunView {
  status: ExecStatus;
  outputs: Record<string, Json>;
  log: string[];
  error: ErrorInfo | null;
  question: QuestionInfo | null;
  timeline: { entries: TimelineEntry[]; omitted: number; byLine: Record<number, number> };
}

export function view(state: ExecState): RunView {
  const q = state.question;
  return {
    status: state.status,
    outputs: outputsOf(state),
    log: state.log.slice(),
    error: state.error ? { ...state.error } : null,
    question: q
      ? { line: q.line, text: q.text, choices: q.choices ? q.choices.slice() : null }
      : null,
    timeline: {
      entries: state.timeline.entries,
      omitted: state.timeline.omitted,
      byLine: { ...state.timeline.byLine },
    },
  };
}
