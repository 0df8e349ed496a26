// The step timeline: one entry per executed statement with bounded previews of the
// facts it changed; past the cap only counts are kept.
import { toJson } from "./convert.ts";
import type { Json, Value } from "./types.ts";
import { putOwn } from "./values.ts";

const MAX_TEXT = 200;
const MAX_ITEMS = 10;
const MAX_FIELDS = 20;
const MAX_DEPTH = 3;
/** Characters of previews in one entry (every changed fact's together). */
export const MAX_PREVIEW_CHARS = 2_000;
/** A statement's label in an entry. */
export const MAX_LABEL_CHARS = 300;
/** What one entry can take as JSON, at most (the run's size measure counts entries at it). */
export const MAX_ENTRY_BYTES = 4_096;

/** What is left of one entry's preview characters. */
export interface PreviewBudget {
  left: number;
}

/** A statement's label for the timeline, cut at MAX_LABEL_CHARS. */
export function entryLabel(label: string): string {
  return label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS)}…` : label;
}

/**
 * A value as JSON, bounded: long texts cut, long lists and records shortened, nesting
 * cut at MAX_DEPTH, and everything past the entry's budget shown as "…".
 */
export function preview(
  v: Value,
  budget: PreviewBudget = { left: MAX_PREVIEW_CHARS },
  depth = 0,
): Json {
  if (budget.left <= 0) return "…";
  if (typeof v === "string") {
    const cut = Math.min(MAX_TEXT, budget.left);
    budget.left -= Math.min(v.length, cut) + 3;
    return v.length > cut ? `${v.slice(0, cut)}…` : v;
  }
  if (v === null || typeof v !== "object") {
    budget.left -= 8;
    return toJson(v);
  }
  if (depth >= MAX_DEPTH && (Array.isArray(v) || v.k === "record")) return "…";
  if (Array.isArray(v)) {
    budget.left -= 2;
    const out: Json[] = [];
    const n = Math.min(v.length, MAX_ITEMS);
    for (let i = 0; i < n && budget.left > 0; i++) out.push(preview(v[i]!, budget, depth + 1));
    if (v.length > out.length) out.push(`… ${v.length - out.length} more`);
    return out;
  }
  if (v.k === "record") {
    budget.left -= 2;
    const keys = Object.keys(v.f);
    const out: Record<string, Json> = {};
    let shown = 0;
    for (const k of keys.slice(0, MAX_FIELDS)) {
      if (budget.left <= 0) break;
      const key = k.length > MAX_TEXT ? `${k.slice(0, MAX_TEXT)}…` : k;
      budget.left -= key.length + 4;
      putOwn(out, key, preview(v.f[k] as Value, budget, depth + 1));
      shown++;
    }
    if (keys.length > shown) putOwn(out, "…", `${keys.length - shown} more fields`);
    return out;
  }
  const j = toJson(v);
  budget.left -= typeof j === "string" ? j.length + 3 : 60;
  return j;
}
