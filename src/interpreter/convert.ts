// JSON <-> Value: inputs from JSON (API, forms, tests) and outputs to JSON.
import { normalizeName } from "../language/names.ts";
import { durationIso } from "./dates.ts";
import { numberFromJs } from "./numbers.ts";
import type { FileValue, Json, Value } from "./types.ts";
import { putOwn } from "./values.ts";

/**
 * A decimal as JSON: a JSON number, the nearest double (exact whenever a double holds
 * the value, which covers every number of up to 15 significant digits). A value beyond
 * a double's range, which would become Infinity (written as `null`) or 0, is written as
 * its exact decimal text instead. The log, `{…}` and the run's state keep every digit.
 */
function decimalJson(text: string): Json {
  const n = Number(text);
  if (!Number.isFinite(n) || (n === 0 && /[1-9]/.test(text))) return text;
  return n;
}

/**
 * How deep toJson goes: values are bounded far below it (limits.ts); a state written
 * before that bound existed shows its deeper parts as a sentence instead of overflowing.
 */
const MAX_JSON_DEPTH = 1_000;
const TOO_DEEP = `(not shown: nested more than ${MAX_JSON_DEPTH} levels deep)`;

/** A value as JSON: numbers, "YYYY-MM-DD", ISO date-times and durations, arrays, objects. */
export function toJson(v: Value, depth = 0): Json {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return v;
  if (depth >= MAX_JSON_DEPTH) return TOO_DEEP;
  if (Array.isArray(v)) return v.map((x) => toJson(x, depth + 1));
  switch (v.k) {
    case "dec":
      return decimalJson(v.v);
    case "date":
    case "datetime":
      return v.v;
    case "duration":
      return durationIso(v);
    case "file":
      return { name: v.name, type: v.type, size: v.size };
    case "record": {
      const out: Record<string, Json> = {};
      for (const k of Object.keys(v.f)) putOwn(out, k, toJson(v.f[k] as Value, depth + 1));
      return out;
    }
  }
}

export interface FilePut {
  put(bytes: Uint8Array, name: string, type: string): FileValue;
  /** A file the caller already holds that this object refers to, if it is such a reference. */
  known?(o: Record<string, Json>): FileValue | undefined;
}

const FILE_KEYS = new Set(["name", "type", "text", "base64", "size"]);

function fileShaped(o: Record<string, Json>): boolean {
  if (typeof o.name !== "string") return false;
  if (typeof o.text !== "string" && typeof o.base64 !== "string") return false;
  if (o.type !== undefined && typeof o.type !== "string") return false;
  return Object.keys(o).every((k) => FILE_KEYS.has(k));
}

const TYPES: Record<string, string> = {
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  txt: "text/plain",
  json: "application/json",
  pdf: "application/pdf",
  html: "text/html",
};

function guessType(name: string): string {
  const ext = name.toLowerCase().split(".").pop() ?? "";
  return TYPES[ext] ?? "application/octet-stream";
}

/** A JSON value as a Value (numbers exact; file-shaped objects become files). */
export function fromJson(j: Json, files?: FilePut): Value {
  if (j === null || typeof j === "string" || typeof j === "boolean") return j;
  if (typeof j === "number") return numberFromJs(j);
  if (Array.isArray(j)) return j.map((x) => fromJson(x, files));
  const known = files?.known?.(j);
  if (known) return known;
  if (files && fileShaped(j)) {
    const name = j.name as string;
    const bytes =
      typeof j.text === "string"
        ? new TextEncoder().encode(j.text)
        : new Uint8Array(Buffer.from(j.base64 as string, "base64"));
    return files.put(bytes, name, typeof j.type === "string" ? j.type : guessType(name));
  }
  const f: Record<string, Value> = {};
  for (const k of Object.keys(j)) putOwn(f, k, fromJson(j[k] as Json, files));
  return { k: "record", f };
}

/** Run inputs from JSON: keys normalized ("The Invoice  Total" -> "invoice total"). */
export function inputsFromJson(json: Record<string, Json>, files: FilePut): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const k of Object.keys(json))
    putOwn(out, normalizeName(k), fromJson(json[k] as Json, files));
  return out;
}

/** Make any Value well-formed (JS non-integers become exact decimals). */
export function normalizeValue(v: Value): Value {
  if (typeof v === "number") return numberFromJs(v);
  if (Array.isArray(v)) return v.map(normalizeValue);
  if (v !== null && typeof v === "object" && v.k === "record") {
    const f: Record<string, Value> = {};
    for (const k of Object.keys(v.f)) putOwn(f, k, normalizeValue(v.f[k] as Value));
    return { k: "record", f };
  }
  return v;
}
