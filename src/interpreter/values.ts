// Value helpers: kinds, safe record access (no prototype is ever touched), deep copies,
// and how a value is named in an error message.
import { normalizeName } from "../language/names.ts";
import { depthBoundError, grow, limits, spend, stateBoundError } from "./limits.ts";
import type {
  DateTimeValue,
  DateValue,
  DecimalValue,
  DurationValue,
  FileValue,
  RecordValue,
  Value,
} from "./types.ts";
import { MEMORY, plainSize } from "./weights.ts";

const hasOwn = Object.hasOwn;

export function isDec(v: Value): v is DecimalValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v.k === "dec";
}
export function isDate(v: Value): v is DateValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v.k === "date";
}
export function isDateTime(v: Value): v is DateTimeValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v.k === "datetime";
}
export function isDuration(v: Value): v is DurationValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v.k === "duration";
}
export function isFile(v: Value): v is FileValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v.k === "file";
}
export function isRecord(v: Value): v is RecordValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v.k === "record";
}

/** Read an own property only (never the prototype chain). */
export function getOwn<T>(obj: Record<string, T>, key: string): T | undefined {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Write an own property; "__proto__" is an ordinary key here. */
export function putOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}

export function newRecord(): RecordValue {
  return { k: "record", f: {} };
}

/** A record's field: the exact name first, then ignoring case, spaces and a leading "the". */
export function recordField(r: RecordValue, name: string): Value | undefined {
  const f = r.f;
  if (hasOwn(f, name)) return f[name];
  const want = normalizeName(name);
  for (const k of Object.keys(f)) {
    if (normalizeName(k) === want) return f[k];
  }
  return undefined;
}

/** The key under which `name` is stored in the record (existing spelling wins). */
export function recordKeyFor(r: RecordValue, name: string): string {
  if (hasOwn(r.f, name)) return name;
  const want = normalizeName(name);
  for (const k of Object.keys(r.f)) if (normalizeName(k) === want) return k;
  return name;
}

/**
 * A deep copy of lists and records (everything else is immutable and shared). `base` is
 * how deep the copy will sit inside its fact: a copy that would nest lists and records
 * deeper than the depth bound is refused, so no stored value is ever deeper than it.
 */
export function copyValue(v: Value, base = 0): Value {
  if (v === null || typeof v !== "object") return v;
  copied = 0;
  const out = copyAt(v, base + 1);
  grow(copied);
  return out;
}

/** Bytes of the copy being made (as the state measure counts them); bounded by the state bound. */
let copied = 0;

function count(bytes: number): void {
  copied += bytes;
  if (copied > limits.stateBytes) throw stateBoundError();
}

/** The bytes of a value that is not a list or record, as measure.ts counts them (MEMORY). */
export function scalarBytes(x: Value): number {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return plainSize(x);
  // A number, date, duration or file: an object of a few plain fields.
  let bytes = MEMORY.object;
  for (const [k, v] of Object.entries(x)) bytes += MEMORY.field + k.length + plainSize(v);
  return bytes;
}

function copyAt(v: Value, level: number): Value {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    if (level > limits.depth) throw depthBoundError();
    const n = v.length;
    spend(n + 1);
    let bytes = MEMORY.list + MEMORY.item * n;
    const out: Value[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x === null || typeof x !== "object") {
        out[i] = x;
        bytes += scalarBytes(x);
      } else out[i] = copyAt(x, level + 1);
    }
    count(bytes);
    return out;
  }
  if (v.k !== "record") {
    count(scalarBytes(v));
    return v;
  }
  if (level > limits.depth) throw depthBoundError();
  const f: Record<string, Value> = {};
  const keys = Object.keys(v.f);
  spend(keys.length + 1);
  let bytes = MEMORY.record;
  for (const k of keys) {
    const x = v.f[k] as Value;
    bytes += k.length + MEMORY.field;
    if (x === null || typeof x !== "object") {
      putOwn(f, k, x);
      bytes += scalarBytes(x);
    } else putOwn(f, k, copyAt(x, level + 1));
  }
  count(bytes);
  return { k: "record", f };
}

/** How a value is named in an error message: `the text "abc"`, `a list of 3 items`. */
export function describeValue(v: Value): string {
  if (v === null) return "nothing";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "string") {
    const t = v.length > 60 ? `${v.slice(0, 57)}...` : v;
    return `the text "${t}"`;
  }
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? "" : "s"}`;
  switch (v.k) {
    case "dec":
      return `the number ${v.v}`;
    case "date":
      return `the date ${v.v}`;
    case "datetime":
      return `the time ${v.v}`;
    case "duration":
      return "a duration";
    case "file":
      return `the file "${v.name}"`;
    case "record":
      return "a record";
  }
}

/** A short kind name: "text", "number", "list"… */
export function kindOf(v: Value): string {
  if (v === null) return "nothing";
  if (typeof v === "boolean") return "true/false value";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "text";
  if (Array.isArray(v)) return "list";
  switch (v.k) {
    case "dec":
      return "number";
    case "date":
      return "date";
    case "datetime":
      return "date-time";
    case "duration":
      return "duration";
    case "file":
      return "file";
    case "record":
      return "record";
  }
}
