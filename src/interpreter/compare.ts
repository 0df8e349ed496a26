// Equality (`is`), ordering (greater, before, sorting) and the other tests on values.

import { asDateLike, compareDates, durationMs } from "./dates.ts";
import { notADate } from "./dateText.ts";
import { RunError } from "./errors.ts";
import { spend } from "./limits.ts";
import { compareNumbers, isNumber, isNumeric, numericText, toDecimalOrNull } from "./numbers.ts";
import { formatValue, sameText } from "./text.ts";
import type { Value } from "./types.ts";
import { describeValue, isDate, isDateTime, isDuration, isFile, isRecord } from "./values.ts";

function boolWord(s: string): boolean | null {
  const t = s.trim().toLowerCase();
  if (t === "true" || t === "yes") return true;
  if (t === "false" || t === "no") return false;
  return null;
}

/**
 * `a is b`: text ignores case and surrounding spaces; numbers compare as numbers even
 * when one side is numeric text; dates as dates (ISO text included); lists and
 * records item by item; nothing equals only nothing.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === "string" && tb === "string") return sameText(a as string, b as string);
  if (isNumber(a) || isNumber(b)) {
    const x = toDecimalOrNull(a);
    const y = toDecimalOrNull(b);
    if (x === null || y === null) return false;
    return x.equals(y);
  }
  if (ta === "boolean" || tb === "boolean") {
    const x = ta === "boolean" ? a : typeof a === "string" ? boolWord(a) : null;
    const y = tb === "boolean" ? b : typeof b === "string" ? boolWord(b) : null;
    return x !== null && x === y;
  }
  if (isDate(a) || isDateTime(a) || isDate(b) || isDateTime(b)) {
    const x = asDateLike(a);
    const y = asDateLike(b);
    return x !== null && y !== null && compareDates(x, y) === 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    spend(a.length);
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a.f);
    if (ka.length !== Object.keys(b.f).length) return false;
    spend(ka.length);
    return ka.every((k) => Object.hasOwn(b.f, k) && valuesEqual(a.f[k]!, b.f[k]!));
  }
  if (isDuration(a) && isDuration(b))
    return a.months === b.months && a.days === b.days && a.ms === b.ms;
  if (isFile(a) && isFile(b)) return a.ref === b.ref && a.name === b.name;
  return false;
}

/** Order two values: numbers (numeric text too), dates, durations, text (ignoring case). */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  const an = isNumeric(a);
  const bn = isNumeric(b);
  if (an && bn) return compareNumbers(a, b);
  const ad = asDateLike(a);
  const bd = asDateLike(b);
  if (ad && bd) return compareDates(ad, bd);
  if (isDuration(a) && isDuration(b)) {
    const x = durationMs(a);
    const y = durationMs(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") {
    const x = a.trim().toLowerCase();
    const y = b.trim().toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new RunError(`can't compare ${describeValue(a)} with ${describeValue(b)}`);
}

function notDateReason(v: Value): string {
  return typeof v === "string" ? notADate(v) : `${describeValue(v)} is not a date`;
}

/** `a is before b` / `is after`: dates when both are dates (or ISO text), else ordering. */
export function compareForDates(a: Value, b: Value): number {
  const ad = asDateLike(a);
  const bd = asDateLike(b);
  if (ad && bd) return compareDates(ad, bd);
  if ((ad || bd) && !(isNumeric(a) && isNumeric(b))) {
    throw new RunError(
      `can't tell whether ${describeValue(a)} is before or after ${describeValue(b)}: ${notDateReason(ad ? b : a)}`,
    );
  }
  return compareValues(a, b);
}

/** Ordering for sorting: never throws; nothing sorts last, mixed kinds by text. */
export function sortCompare(a: Value, b: Value): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  try {
    return compareValues(a, b);
  } catch {
    const x = formatValue(a).toLowerCase();
    const y = formatValue(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
}

export function contains(hay: Value, needle: Value): boolean {
  if (hay === null) return false;
  if (Array.isArray(hay)) {
    spend(hay.length);
    return hay.some((x) => valuesEqual(x, needle));
  }
  if (isRecord(hay)) {
    const n = formatValue(needle).trim().toLowerCase();
    return Object.keys(hay.f).some((k) => k.toLowerCase() === n);
  }
  return formatValue(hay).toLowerCase().includes(formatValue(needle).toLowerCase());
}

export function startsWith(hay: Value, needle: Value): boolean {
  if (Array.isArray(hay)) return hay.length > 0 && valuesEqual(hay[0]!, needle);
  return formatValue(hay).toLowerCase().startsWith(formatValue(needle).toLowerCase());
}

export function endsWith(hay: Value, needle: Value): boolean {
  if (Array.isArray(hay)) return hay.length > 0 && valuesEqual(hay[hay.length - 1]!, needle);
  return formatValue(hay).toLowerCase().endsWith(formatValue(needle).toLowerCase());
}

/** nothing, "" (or only spaces), an empty list, a record without fields. */
export function isEmpty(v: Value): boolean {
  if (v === null) return true;
  if (typeof v === "string") return v.trim() === "";
  if (Array.isArray(v)) return v.length === 0;
  if (isRecord(v)) return Object.keys(v.f).length === 0;
  return false;
}

/** A bare value as a condition: true/yes, a non-zero number, non-empty text or list. */
export function truthy(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const b = boolWord(v);
    if (b !== null) return b;
    const n = numericText(v);
    if (n !== null) return !toDecimalOrNull(v)!.isZero();
    return v.trim() !== "";
  }
  if (isNumber(v)) return !toDecimalOrNull(v)!.isZero();
  return !isEmpty(v);
}
