// Comparing a test run's outputs with a case's expected values: structural, so a table whose
// one cell changed shows that cell. Lists are compared element by element and records field
// by field; numbers by value (10 and 10.00 are equal, and a number too large for JSON, which
// outputs carry as its decimal text, equals the same number); text exactly.
import { Decimal } from "decimal.js";
import type { Json } from "../../interpreter/types.ts";

export type DiffChange =
  /** Both have a value here, and they differ. */
  | "changed"
  /** Expected here, absent from the run's outputs. */
  | "missing"
  /** In the run's outputs, not expected. */
  | "unexpected";

export interface DiffEntry {
  /** The output's name. */
  output: string;
  /** Where inside it: list positions (from 0) and field names. Empty for the whole output. */
  path: Array<string | number>;
  /** null when missing... see `change`. */
  expected: Json;
  actual: Json;
  change: DiffChange;
}

/** Entries kept per case: a diff beyond it ends with the count of the rest. */
export const MAX_DIFF_ENTRIES = 100;

const DECIMAL_TEXT = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function asDecimal(v: Json): Decimal | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? new Decimal(v) : undefined;
  if (typeof v === "string" && DECIMAL_TEXT.test(v)) return new Decimal(v);
  return undefined;
}

/** Numbers by value; a number and the decimal text of the same number are equal. */
function sameScalar(e: Json, a: Json): boolean {
  if (e === a) return true;
  if (typeof e === "number" || typeof a === "number") {
    const de = asDecimal(e);
    const da = asDecimal(a);
    return de !== undefined && da !== undefined && de.eq(da);
  }
  return false;
}

const isRecord = (v: Json): v is { [k: string]: Json } =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function diffValue(
  e: Json,
  a: Json,
  output: string,
  path: Array<string | number>,
  out: DiffEntry[],
): void {
  if (out.length > MAX_DIFF_ENTRIES) return;
  if (Array.isArray(e) && Array.isArray(a)) {
    const n = Math.max(e.length, a.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length)
        out.push({
          output,
          path: [...path, i],
          expected: e[i] as Json,
          actual: null,
          change: "missing",
        });
      else if (i >= e.length)
        out.push({
          output,
          path: [...path, i],
          expected: null,
          actual: a[i] as Json,
          change: "unexpected",
        });
      else diffValue(e[i] as Json, a[i] as Json, output, [...path, i], out);
    }
    return;
  }
  if (isRecord(e) && isRecord(a)) {
    for (const k of Object.keys(e)) {
      if (!Object.hasOwn(a, k))
        out.push({
          output,
          path: [...path, k],
          expected: e[k] as Json,
          actual: null,
          change: "missing",
        });
      else diffValue(e[k] as Json, a[k] as Json, output, [...path, k], out);
    }
    for (const k of Object.keys(a)) {
      if (!Object.hasOwn(e, k))
        out.push({
          output,
          path: [...path, k],
          expected: null,
          actual: a[k] as Json,
          change: "unexpected",
        });
    }
    return;
  }
  if (!sameScalar(e, a)) out.push({ output, path, expected: e, actual: a, change: "changed" });
}

/**
 * The differences between expected and actual outputs, over the outputs compared: `compared`
 * (null: every output either side has), less `ignored`. Empty when the case passes.
 */
export function diffOutputs(
  expected: Record<string, Json>,
  actual: Record<string, Json>,
  compared: readonly string[] | null,
  ignored: readonly string[] = [],
): DiffEntry[] {
  const names = compared ?? [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const skip = new Set(ignored);
  const out: DiffEntry[] = [];
  for (const name of names) {
    if (skip.has(name)) continue;
    const hasE = Object.hasOwn(expected, name);
    const hasA = Object.hasOwn(actual, name);
    if (!hasE && !hasA) continue;
    if (!hasA)
      out.push({
        output: name,
        path: [],
        expected: expected[name] as Json,
        actual: null,
        change: "missing",
      });
    else if (!hasE)
      out.push({
        output: name,
        path: [],
        expected: null,
        actual: actual[name] as Json,
        change: "unexpected",
      });
    else diffValue(expected[name] as Json, actual[name] as Json, name, [], out);
  }
  return out.slice(0, MAX_DIFF_ENTRIES);
}
