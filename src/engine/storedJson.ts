// What a run stores (outputs, log, timeline, question, error, events) is bounded when it
// is written, and read back defensively: text that does not parse, that is larger than
// the bound, or that nests deeper than the bound (data written before these bounds
// existed) reads back as a clear placeholder instead of failing the read.
import { DEFAULT_RUN_LIMITS } from "../interpreter/limits.ts";
import type { Json } from "../interpreter/types.ts";

/** The largest JSON text stored for one column of a run (the run's values are bounded below it). */
export const MAX_STORED_CHARS = DEFAULT_RUN_LIMITS.stateBytes + 16 * 1024 * 1024;
/** How deep stored JSON may nest; deeper parts read back as a placeholder. */
export const MAX_STORED_DEPTH = DEFAULT_RUN_LIMITS.depth + 10;

const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

/** The text that stands for a part nested deeper than MAX_STORED_DEPTH. */
export const TOO_DEEP = `(not shown: nested more than ${MAX_STORED_DEPTH} levels deep)`;

/**
 * Replaces, in place, every list or object nested deeper than `max` by the TOO_DEEP text
 * (iterative: the value may be far deeper than the stack). Returns the value.
 */
export function pruneDeep<T>(value: T, max = MAX_STORED_DEPTH): T {
  if (value === null || typeof value !== "object") return value;
  const stack: Array<[Record<string, unknown> | unknown[], number]> = [
    [value as Record<string, unknown>, 1],
  ];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    const keys: Array<string | number> = Array.isArray(node)
      ? node.map((_, i) => i)
      : Object.keys(node);
    for (const k of keys) {
      const c = (node as Record<string | number, unknown>)[k];
      if (c === null || typeof c !== "object") continue;
      if (depth >= max) (node as Record<string | number, unknown>)[k] = TOO_DEEP;
      else stack.push([c as Record<string, unknown>, depth + 1]);
    }
  }
  return value;
}

/**
 * JSON text of a value to store: a value nested too deep is stored with its deep parts
 * replaced by TOO_DEEP; one whose text passes MAX_STORED_CHARS is stored as `tooLarge`.
 * Never throws.
 */
export function storeJson(value: unknown, tooLarge: (chars: string) => unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? "null";
  } catch {
    // Too deep for the stack, or too long for a string: prune (in place: the caller's
    // value is made for this write), then try once more.
    try {
      text = JSON.stringify(pruneDeep(value)) ?? "null";
    } catch {
      return JSON.stringify(tooLarge("more than 512 MB"));
    }
  }
  if (text.length > MAX_STORED_CHARS) return JSON.stringify(tooLarge(mb(text.length)));
  return text;
}

/**
 * The state's JSON text, to store for resuming it (a checkpoint, a question, a hand-back), or
 * why it cannot be stored: it is never a placeholder (the run could not resume from one), and
 * serializing it never throws out of here. The interpreter's bounds keep it far below
 * MAX_STORED_CHARS; a state that passes them anyway (one read back from before a bound)
 * ends the run instead (worker/runWrites.ts), or refuses the answer that would store it.
 */
export function stateJson(state: unknown): { json: string } | { error: string } {
  let json: string;
  try {
    json = JSON.stringify(state);
  } catch (e) {
    const why =
      e instanceof RangeError && /call stack/i.test(e.message)
        ? "it nests too deep"
        : "it is too large";
    return { error: `The run's state could not be saved: ${why}.` };
  }
  if (json.length > MAX_STORED_CHARS) {
    return {
      error: `The run's state could not be saved: it is ${mb(json.length)} of JSON, more than ${mb(MAX_STORED_CHARS)}.`,
    };
  }
  return { json };
}

/**
 * Parses stored JSON text; text that does not parse or passes MAX_STORED_CHARS reads as
 * `placeholder(reason)`, and parts nested too deep read as TOO_DEEP. Never throws.
 */
export function readJson<T>(text: string | null, fallback: T, placeholder: (why: string) => T): T {
  if (text === null) return fallback;
  if (text.length > MAX_STORED_CHARS) {
    return placeholder(`it is ${mb(text.length)} of JSON, more than ${mb(MAX_STORED_CHARS)}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return placeholder("it is not valid JSON");
  }
  return pruneDeep(v) as T;
}

/** Placeholders in each stored column's own shape. */
export const placeholders = {
  outputs: (why: string): Record<string, Json> => ({
    "(outputs not shown)": `the stored outputs cannot be shown: ${why}`,
  }),
  log: (why: string): string[] => [`(the stored log cannot be shown: ${why})`],
  error: (why: string) => ({ line: null, message: `(the stored error cannot be shown: ${why})` }),
  question: (why: string) => ({
    line: 0,
    text: `(the stored question cannot be shown: ${why})`,
    choices: null,
  }),
  timeline: (_why: string) => ({ entries: [], omitted: 0, byLine: {} }),
  json: (why: string): Json => `(not shown: ${why})`,
  object: (why: string): Record<string, Json> => ({ "(not shown)": why }),
  list: (why: string): string[] => [`(not shown: ${why})`],
};
