// What the parts of a value count for in the bounds on sizes (measure.ts): about their bytes
// in V8's heap (MEMORY, the state bound), or about their JSON text (JSON_TEXT). Imports
// nothing, so values.ts and measure.ts can both use it.

/** What each part of a value counts for, in bytes. */
export interface Weights {
  /** A list, besides its items. */
  list: number;
  /** Each item of a list (its slot). */
  item: number;
  /** A record, besides its fields. */
  record: number;
  /** Another object (a number, date, duration, file), besides its fields. */
  object: number;
  /** Each field of a record or object, besides its name and value. */
  field: number;
  /** A text, besides its characters. */
  text: number;
}

/**
 * About what values take in V8's heap (64-bit): a list 32 bytes and 8 per item, a record
 * (the tagged object and its fields object) 96 and 8 per field, a text 16 plus its
 * characters. The state bound counts these, so it bounds the executor's heap too.
 */
export const MEMORY: Readonly<Weights> = Object.freeze({
  list: 32,
  item: 8,
  record: 96,
  object: 56,
  field: 8,
  text: 16,
});

/** About the length of the JSON text. */
export const JSON_TEXT: Readonly<Weights> = Object.freeze({
  list: 2,
  item: 1,
  record: 16,
  object: 16,
  field: 4,
  text: 3,
});

/** What a value that holds no other value takes (each shared part counted where it appears). */
export function plainSize(x: unknown, w: Weights = MEMORY): number {
  if (x === null) return 4;
  switch (typeof x) {
    case "string":
      return x.length + w.text;
    case "number":
      return 12;
    case "boolean":
      return 6;
    default:
      return 0;
  }
}
