// The step timeline: one entry per executed statement with bounded previews of the
// facts it changed; past the cap only counts are kept.
import { toJson } from "./convert.ts";
import type { Json, Value } from "./types.ts";
import { putOwn } from "./values.ts";

const MAX_TEXT = 200;
const MAX_ITEMS = 10;
const MAX_FIELDS = 20;
const MAX_DEPTH = 3;

/** A value as JSON, bounded: long texts cut, long lists and records shortened. */
export function preview(v: Value, depth = 0): Json {
  if (typeof v === "string") return v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}…` : v;
  if (v === null || typeof v !== "object") return toJson(v);
  if (depth >= MAX_DEPTH && (Array.isArray(v) || v.k === "record")) return "…";
  if (Array.isArray(v)) {
    const out: Json[] = v.slice(0, MAX_ITEMS).map((x) => preview(x, depth + 1));
    if (v.length > MAX_ITEMS) out.push(`… ${v.length - MAX_ITEMS} more`);
    return out;
  }
  if (v.k === "record") {
    const keys = Object.keys(v.f);
    const out: Record<string, Json> = {};
    for (const k of keys.slice(0, MAX_FIELDS)) putOwn(out, k, preview(v.f[k] as Value, depth + 1));
    if (keys.length > MAX_FIELDS) putOwn(out, "…", `${keys.length - MAX_FIELDS} more fields`);
    return out;
  }
  return toJson(v);
}
