// sum, average, count, maximum, minimum, first, last.
import type { Decimal } from "decimal.js";
import type { AggregateFn } from "../language/ast.ts";
import { compareValues } from "./compare.ts";
import { addDurations } from "./dates.ts";
import { RunError } from "./errors.ts";
import { spend } from "./limits.ts";
import { Dec, fromDecimal, numericText } from "./numbers.ts";
import { charCount } from "./text.ts";
import type { DurationValue, Value } from "./types.ts";
import { describeValue, isDec, isDuration, isRecord } from "./values.ts";

/** The exact sum of numbers (numeric text counts; nothing is skipped). */
export function sumOf(items: Value[]): Value {
  let small = 0;
  let big: Decimal | null = null;
  let dur: DurationValue | null = null;
  for (let i = 0; i < items.length; i++) {
    const x = items[i]!;
    if (typeof x === "number") {
      const r = small + x;
      if (Number.isSafeInteger(r)) small = r;
      else big = (big ?? new Dec(0)).plus(x);
      continue;
    }
    if (x === null) continue;
    if (isDec(x)) {
      big = (big ?? new Dec(0)).plus(x.v);
      continue;
    }
    if (typeof x === "string") {
      const t = numericText(x);
      if (t !== null) {
        big = (big ?? new Dec(0)).plus(t);
        continue;
      }
    }
    if (isDuration(x)) {
      dur = dur ? addDurations(dur, x, 1) : x;
      continue;
    }
    throw new RunError(`can't add ${describeValue(x)} to a sum: it is not a number`);
  }
  if (dur) {
    if (small !== 0 || big !== null)
      throw new RunError("can't add durations and numbers in one sum");
    return dur;
  }
  if (big === null) return small;
  return fromDecimal(big.plus(small));
}

function asList(v: Value, fn: string): Value[] {
  if (Array.isArray(v)) return v;
  if (v === null) return [];
  // `the count of the total` (a number) would silently be 1.
  if (fn === "count") {
    throw new RunError(
      `can't count ${describeValue(v)}: it is not a list (the count of a list is its number of items)`,
    );
  }
  return [v];
}

/**
 * Aggregates over a list. Decisions: the count of a text is its number of characters,
 * of a record its number of fields, of nothing 0; a single value counts as a list of
 * one; the average, maximum, minimum, first and last of an empty list are nothing.
 */
export function aggregate(fn: AggregateFn, v: Value): Value {
  if (fn === "count" && isRecord(v)) return Object.keys(v.f).length;
  if (fn === "count" && typeof v === "string") return charCount(v);
  const items = asList(v, fn);
  spend(items.length);
  switch (fn) {
    case "count":
      return items.length;
    case "sum":
      return sumOf(items);
    case "average": {
      const present = items.filter((x) => x !== null);
      if (present.length === 0) return null;
      const s = sumOf(present);
      if (isDuration(s)) throw new RunError("can't average durations");
      return fromDecimal(
        new Dec(typeof s === "number" ? s : (s as { v: string }).v).dividedBy(present.length),
      );
    }
    case "maximum":
    case "minimum": {
      let best: Value = null;
      for (const x of items) {
        if (x === null) continue;
        if (best === null) best = x;
        else {
          const c = compareValues(x, best);
          if (fn === "maximum" ? c > 0 : c < 0) best = x;
        }
      }
      return best;
    }
    case "first":
      return items.length ? items[0]! : null;
    case "last":
      return items.length ? items[items.length - 1]! : null;
  }
}
