// Exact decimal numbers. Safe integers are plain JS numbers (the fast path); every
// other number is a DecimalValue computed with a private decimal.js clone. No binary
// floating point is used for any result.
import { Decimal } from "decimal.js";
import { RunError } from "./errors.ts";
import { limits, numberBoundError } from "./limits.ts";
import type { Value } from "./types.ts";
import { describeValue, isDec } from "./values.ts";

export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Dec = Decimal;

const NUMERIC = /^[-+]?\$?(?:\d+(?:\.\d*)?|\.\d+)$/;
const GROUPED = /^[-+]?\$?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/** The decimal text of numeric-looking text ("12.50", "$1,200", " -3 "), or null. */
export function numericText(s: string): string | null {
  if (s.length > 400) return null;
  const t = s.trim();
  if (t === "") return null;
  if (NUMERIC.test(t)) return t.replace("$", "");
  if (GROUPED.test(t)) return t.replace("$", "").replace(/,/g, "");
  return null;
}

/** True for numbers and numeric text. */
export function isNumeric(v: Value): boolean {
  return typeof v === "number" || isDec(v) || (typeof v === "string" && numericText(v) !== null);
}

export function isNumber(v: Value): boolean {
  return typeof v === "number" || isDec(v);
}

/**
 * Refuses a decimal whose text would pass the digits bound: its exponent (how far its
 * digits reach from the point) and its significant digits. Looks at no digit text.
 */
export function checkDigits(d: Decimal): Decimal {
  const max = limits.numberDigits;
  if (d.isFinite() && !d.isZero() && (Math.abs(d.e) >= max || d.sd() > max)) {
    throw numberBoundError();
  }
  return d;
}

/** Normalize a decimal.js result: integral and safe -> JS number, else a DecimalValue. */
export function fromDecimal(d: Decimal): Value {
  if (d.isInteger() && Math.abs(d.e) < 16) {
    const n = d.toNumber();
    if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  }
  if (!d.isFinite()) throw new RunError("that calculation has no finite result");
  checkDigits(d);
  return { k: "dec", v: d.toString() };
}

/** A number from exact decimal text ("120.20" -> 120.2 as a DecimalValue). */
export function numberFromText(text: string): Value {
  if (text.length > 2 * limits.numberDigits + 10) throw numberBoundError();
  return fromDecimal(new Dec(text));
}

/** A JS number as an exact value (non-integers through their shortest text). */
export function numberFromJs(n: number): Value {
  if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  if (!Number.isFinite(n)) throw new RunError(`${n} is not a number I can use`);
  return fromDecimal(new Dec(String(n)));
}

/** The value as a decimal, or null when it is not a number or numeric text. */
export function toDecimalOrNull(v: Value): Decimal | null {
  if (typeof v === "number") return new Dec(v);
  if (isDec(v)) return new Dec(v.v);
  if (typeof v === "string") {
    const t = numericText(v);
    return t === null ? null : new Dec(t);
  }
  return null;
}

/** The value as a number Value (numeric text parsed), or null. */
export function toNumberValue(v: Value): Value | null {
  if (typeof v === "number" || isDec(v)) return v;
  if (typeof v === "string") {
    const t = numericText(v);
    return t === null ? null : numberFromText(t);
  }
  return null;
}

const VERB: Record<string, (a: string, b: string) => string> = {
  "+": (a, b) => `can't add ${b} to ${a}`,
  "-": (a, b) => `can't subtract ${b} from ${a}`,
  "*": (a, b) => `can't multiply ${a} by ${b}`,
  "/": (a, b) => `can't divide ${a} by ${b}`,
};

export function arithError(op: string, a: Value, b: Value): RunError {
  const name = (v: Value) => (isNumeric(v) ? "a number" : describeValue(v));
  const fmt = VERB[op] ?? VERB["+"]!;
  return new RunError(fmt(name(a), name(b)));
}

function dec(op: string, a: Value, b: Value, v: Value): Decimal {
  const d = toDecimalOrNull(v);
  if (d === null) throw arithError(op, a, b);
  return d;
}

/** a op b for numbers and numeric text. */
export function arith(op: "+" | "-" | "*" | "/", a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    if (op === "+") {
      const r = a + b;
      if (Number.isSafeInteger(r)) return r;
    } else if (op === "-") {
      const r = a - b;
      if (Number.isSafeInteger(r)) return r;
    } else if (op === "*") {
      const r = a * b;
      if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
    } else {
      if (b === 0) throw new RunError(divZero(a));
      if (a % b === 0) return a / b === 0 ? 0 : a / b;
    }
  }
  const x = dec(op, a, b, a);
  const y = dec(op, a, b, b);
  // The result's exponent is known from the operands': refuse before computing past it.
  if (!x.isZero() && !y.isZero() && x.isFinite() && y.isFinite()) {
    const e = op === "*" ? x.e + y.e + 1 : op === "/" ? x.e - y.e - 1 : Math.max(x.e, y.e) + 1;
    if (Math.abs(e) > limits.numberDigits) throw numberBoundError();
  }
  switch (op) {
    case "+":
      return fromDecimal(x.plus(y));
    case "-":
      return fromDecimal(x.minus(y));
    case "*":
      return fromDecimal(x.times(y));
    case "/":
      if (y.isZero()) throw new RunError(divZero(a));
      return fromDecimal(x.dividedBy(y));
  }
}

function divZero(a: Value): string {
  return `can't divide ${typeof a === "number" || isDec(a) ? formatNumber(a) : "a number"} by zero`;
}

/** Compare two numeric values (-1, 0, 1). */
export function compareNumbers(a: Value, b: Value): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  const x = toDecimalOrNull(a);
  const y = toDecimalOrNull(b);
  if (x === null || y === null)
    throw new RunError(`can't compare ${describeValue(a)} with ${describeValue(b)}`);
  return x.comparedTo(y);
}

const ROUNDING = { up: Dec.ROUND_CEIL, down: Dec.ROUND_FLOOR } as const;

/**
 * Round to `places` decimals: half away from zero, or up (the ceiling: never smaller) or
 * down (the floor: never larger).
 */
export function roundNumber(v: Value, places: number, mode?: "up" | "down"): Value {
  if (typeof v === "number" && places >= 0) return v;
  const d = toDecimalOrNull(v);
  if (d === null) throw new RunError(`can't round ${describeValue(v)}: it is not a number`);
  return fromDecimal(d.toDecimalPlaces(places, mode ? ROUNDING[mode] : Dec.ROUND_HALF_UP));
}

/** Round to the nearest multiple of `step` (`to the nearest 0.05`), as roundNumber rounds. */
export function roundToStep(v: Value, step: Value, mode?: "up" | "down"): Value {
  const s = toDecimalOrNull(step);
  if (s === null || !s.isPositive() || s.isZero()) {
    throw new RunError(
      `the step to round to must be a number above 0, not ${describeValue(step)} (as in 'rounded to the nearest 0.05')`,
    );
  }
  const d = toDecimalOrNull(v);
  if (d === null) throw new RunError(`can't round ${describeValue(v)}: it is not a number`);
  const times = d.dividedBy(s).toDecimalPlaces(0, mode ? ROUNDING[mode] : Dec.ROUND_HALF_UP);
  return fromDecimal(times.times(s));
}

/** Text of a number with exactly `places` decimals ("34.00"). */
export function fixedText(v: Value, places: number): string {
  const d = toDecimalOrNull(v);
  if (d === null)
    throw new RunError(`can't format ${describeValue(v)} with decimals: it is not a number`);
  return d.toFixed(places, Dec.ROUND_HALF_UP);
}

/** The shortest exact decimal text of a number value. */
export function formatNumber(v: Value): string {
  if (typeof v === "number") {
    if (Number.isSafeInteger(v)) return String(v);
    return new Dec(String(v)).toString();
  }
  if (isDec(v)) return v.v;
  return String(v);
}

/** A whole number from a value (for counts, decimals, repeat), or a clear error. */
export function wholeNumber(v: Value, what: string): number {
  const n = toNumberValue(v);
  if (typeof n === "number" && Number.isSafeInteger(n)) return n;
  throw new RunError(`${what} must be a whole number, not ${describeValue(v)}`);
}
