// Values as text (say, interpolation, `as text`) and the text operations.
import { durationText } from "./dates.ts";
import { RunError } from "./errors.ts";
import { checkListSize, checkTextLength, checkTextSize, grow, limits, spend } from "./limits.ts";
import { sizeOf } from "./measure.ts";
import { formatNumber } from "./numbers.ts";
import type { Json, Value } from "./types.ts";
import { describeValue } from "./values.ts";
import { JSON_TEXT, MEMORY } from "./weights.ts";

/**
 * A value as text. Numbers in shortest exact form (34.00 -> "34"), dates "YYYY-MM-DD",
 * date-times ISO, durations in words ("3 days"), nothing as "" (empty), true/false as
 * "true"/"false", a file as its name, lists as "a, b and c", records as JSON text.
 */
export function formatValue(v: Value): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) {
    const items = itemTexts(v, 2);
    if (items.length <= 1) return items.join("");
    return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
  }
  switch (v.k) {
    case "dec":
      return v.v;
    case "date":
    case "datetime":
      return v.v;
    case "duration":
      return durationText(v);
    case "file":
      return v.name;
    case "record":
      checkTextLength(sizeOf([v], limits.textChars, 0, JSON_TEXT) - 20);
      return checkTextSize(JSON.stringify(recordJsonish(v.f)));
  }
}

function recordJsonish(f: Record<string, Value>): Json {
  const out: Record<string, Json> = {};
  for (const k of Object.keys(f)) {
    const x = f[k] as Value;
    let j: Json;
    if (x === null || typeof x === "string" || typeof x === "boolean" || typeof x === "number")
      j = x;
    else if (Array.isArray(x))
      j = x.map((i) => (typeof i === "object" && i !== null ? formatValue(i) : i)) as Json;
    else if (x.k === "record") j = recordJsonish(x.f);
    else if (x.k === "dec") j = Number(x.v);
    else j = formatValue(x);
    if (k === "__proto__")
      Object.defineProperty(out, k, {
        value: j,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = j;
  }
  return out;
}

function needText(v: Value, what: string): string {
  if (typeof v === "string") return v;
  if (v === null || Array.isArray(v) || (typeof v === "object" && v.k === "record")) {
    throw new RunError(`can't ${what} ${describeValue(v)}: it is not text`);
  }
  return formatValue(v);
}

export function toCase(v: Value, to: "upper" | "lower"): Value {
  if (Array.isArray(v)) {
    spend(v.length);
    return v.map((x) => toCase(x, to));
  }
  const s = needText(v, to === "upper" ? "put in uppercase" : "put in lowercase");
  return to === "upper" ? s.toUpperCase() : s.toLowerCase();
}

export function trimText(v: Value): Value {
  if (Array.isArray(v)) {
    spend(v.length);
    return v.map(trimText);
  }
  return needText(v, "trim").trim();
}

/** How many times `part` (not empty) occurs in `s`, counting no further than `max` + 1. */
function occurrences(s: string, part: string, max: number): number {
  let n = 0;
  for (let i = s.indexOf(part); i >= 0 && n <= max; i = s.indexOf(part, i + part.length)) n++;
  return n;
}

export function splitText(v: Value, sep: Value): Value[] {
  const s = needText(v, "split");
  const by = formatValue(sep);
  // The number of parts is known before they are made.
  checkListSize(by === "" ? s.length : occurrences(s, by, limits.listItems) + 1);
  const parts = by === "" ? Array.from(s) : s.split(by);
  checkListSize(parts.length);
  spend(parts.length);
  grow(s.length + MEMORY.list + (MEMORY.item + MEMORY.text) * parts.length);
  return parts;
}

export function joinList(v: Value, sep: Value): string {
  if (!Array.isArray(v)) return needText(v, "join");
  const by = formatValue(sep);
  const out = itemTexts(v, by.length).join(by);
  grow(out.length);
  return out;
}

/**
 * The items' texts, for joining with a separator of `sepLength` characters: their total
 * is checked against the text bound as they are made, before the joined text is built.
 */
function itemTexts(v: Value[], sepLength: number): string[] {
  spend(v.length);
  const items = new Array<string>(v.length);
  let length = -sepLength;
  for (let i = 0; i < v.length; i++) {
    const t = formatValue(v[i]!);
    items[i] = t;
    length += t.length + sepLength;
    checkTextLength(length);
  }
  return items;
}

export function replaceText(v: Value, from: Value, to: Value): Value {
  if (Array.isArray(v)) {
    spend(v.length);
    return v.map((x) => replaceText(x, from, to));
  }
  const s = needText(v, "replace text in");
  const f = formatValue(from);
  if (f === "") return s;
  const t = formatValue(to);
  if (t.length > f.length) {
    const n = occurrences(s, f, limits.textChars);
    checkTextLength(s.length + n * (t.length - f.length));
  }
  const out = s.split(f).join(t);
  grow(out.length);
  return out;
}

/** How many characters (code points) a text has, without making a list of them. */
export function charCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Loose text equality used by `is`: case and surrounding spaces ignored. */
export function sameText(a: string, b: string): boolean {
  if (a === b) return true;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
