// Dates ("YYYY-MM-DD", calendar days in UTC), date-times (ISO instants) and durations.
// A quoted ISO text is a date wherever a date is expected.

import { DateTime } from "luxon";
import type { DurationUnit } from "../language/ast.ts";
import { wordDate } from "./dateText.ts";
import { RunError } from "./errors.ts";
import { toDecimalOrNull } from "./numbers.ts";
import type { DateTimeValue, DateValue, DurationValue, Value } from "./types.ts";
import { describeValue, isDate, isDateTime, isDuration } from "./values.ts";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DAY_MS = 86_400_000;

/** Dates are four-digit years; durations are bounded so that no sum leaves them. */
export const DATE_RANGE = "supported dates are from 0001-01-01 to 9999-12-31";
const MAX_YEARS = 10_000;
const MAX_MONTHS = MAX_YEARS * 12;
const MAX_DAYS = MAX_YEARS * 366;
const MAX_MS = MAX_DAYS * DAY_MS;

function durationBoundError(): RunError {
  return new RunError(
    `a duration can be at most ${MAX_YEARS.toLocaleString("en-US")} years (${DATE_RANGE})`,
  );
}

/** A duration whose parts are whole numbers within the bound (else a clear error). */
function bounded(months: number, days: number, ms: number): DurationValue {
  if (
    !(Math.abs(months) <= MAX_MONTHS) ||
    !(Math.abs(days) <= MAX_DAYS) ||
    !(Math.abs(ms) <= MAX_MS)
  ) {
    throw durationBoundError();
  }
  return { k: "duration", months: months || 0, days: days || 0, ms: ms || 0 };
}

/** A computed date or date-time, refused when it leaves the four-digit years. */
function inRange(dt: DateTime, what: () => string): DateTime {
  if (!dt.isValid || dt.year < 1 || dt.year > 9999) {
    throw new RunError(`${what()} is outside the dates I can use: ${DATE_RANGE}`);
  }
  return dt;
}

export function isIsoDateText(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  return DateTime.fromISO(s, { zone: "utc" }).isValid;
}

export function isIsoDateTimeText(s: string): boolean {
  return ISO_DATETIME.test(s) && !Number.isNaN(Date.parse(s.replace(" ", "T")));
}

/** A date or date-time from a value (ISO text accepted), else null. */
export function asDateLike(v: Value): DateValue | DateTimeValue | null {
  if (isDate(v) || isDateTime(v)) return v;
  if (typeof v === "string") {
    const t = v.trim();
    if (t.length === 10 && isIsoDateText(t)) return { k: "date", v: t };
    if (t.length > 10 && isIsoDateTimeText(t)) return toDateTime(t);
    const words = wordDate(t);
    if (words !== null) return { k: "date", v: words };
  }
  return null;
}

export function isDateLike(v: Value): boolean {
  return asDateLike(v) !== null;
}

function toDateTime(text: string): DateTimeValue {
  return { k: "datetime", v: new Date(Date.parse(text.replace(" ", "T"))).toISOString() };
}

/** Epoch ms of a date (UTC midnight) or date-time. */
export function epochOf(v: DateValue | DateTimeValue): number {
  return v.k === "date" ? Date.parse(`${v.v}T00:00:00Z`) : Date.parse(v.v);
}

export function compareDates(a: DateValue | DateTimeValue, b: DateValue | DateTimeValue): number {
  if (a.k === "date" && b.k === "date") return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  const x = epochOf(a);
  const y = epochOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function todayValue(nowMs: number): DateValue {
  return { k: "date", v: new Date(nowMs).toISOString().slice(0, 10) };
}

export function nowValue(nowMs: number): DateTimeValue {
  return { k: "datetime", v: new Date(nowMs).toISOString() };
}

/** `3 days`, `1.5 hours`: a duration from an amount and a unit. */
export function makeDuration(amount: Value, unit: DurationUnit): DurationValue {
  const d = toDecimalOrNull(amount);
  if (d === null) throw new RunError(`${describeValue(amount)} is not a number of ${unit}`);
  const whole = (what: string) => {
    if (!d.isInteger())
      throw new RunError(`a number of ${what} must be whole, not ${d.toString()}`);
    return d.toNumber();
  };
  switch (unit) {
    case "years":
      return bounded(whole("years") * 12, 0, 0);
    case "months":
      return bounded(whole("months"), 0, 0);
    case "weeks":
    case "days": {
      const days = unit === "weeks" ? d.times(7) : d;
      if (days.isInteger()) return bounded(0, days.toNumber(), 0);
      return bounded(0, 0, days.times(DAY_MS).round().toNumber());
    }
    case "hours":
      return bounded(0, 0, d.times(3_600_000).round().toNumber());
    case "minutes":
      return bounded(0, 0, d.times(60_000).round().toNumber());
    case "seconds":
      return bounded(0, 0, d.times(1000).round().toNumber());
  }
  throw new RunError(`unknown unit ${unit}`);
}

/** date ± duration. A date plus hours becomes a date-time. */
export function addDuration(
  base: DateValue | DateTimeValue,
  dur: DurationValue,
  sign: 1 | -1,
): DateValue | DateTimeValue {
  const what = () => `${base.v} ${sign === 1 ? "plus" : "minus"} ${durationText(dur)}`;
  if (base.k === "date") {
    const dt = inRange(
      DateTime.fromISO(base.v, { zone: "utc" }).plus({
        months: sign * dur.months,
        days: sign * dur.days,
      }),
      what,
    );
    if (dur.ms === 0) return { k: "date", v: dt.toISODate()! };
    return {
      k: "datetime",
      v: inRange(dt.plus({ milliseconds: sign * dur.ms }), what)
        .toUTC()
        .toISO()!,
    };
  }
  const dt = inRange(
    DateTime.fromISO(base.v, { zone: "utc" }).plus({
      months: sign * dur.months,
      days: sign * dur.days,
      milliseconds: sign * dur.ms,
    }),
    what,
  );
  return { k: "datetime", v: dt.toUTC().toISO()! };
}

/** date - date: the days between them (a duration); date-times give exact time. */
export function dateDifference(
  a: DateValue | DateTimeValue,
  b: DateValue | DateTimeValue,
): DurationValue {
  if (a.k === "date" && b.k === "date") {
    return {
      k: "duration",
      months: 0,
      days: Math.round((epochOf(a) - epochOf(b)) / DAY_MS),
      ms: 0,
    };
  }
  return { k: "duration", months: 0, days: 0, ms: epochOf(a) - epochOf(b) };
}

export function addDurations(a: DurationValue, b: DurationValue, sign: 1 | -1): DurationValue {
  return bounded(a.months + sign * b.months, a.days + sign * b.days, a.ms + sign * b.ms);
}

export function scaleDuration(a: DurationValue, factor: number): DurationValue {
  return bounded(
    Math.round(a.months * factor),
    Math.round(a.days * factor),
    Math.round(a.ms * factor),
  );
}

/** Rough length in ms, for ordering durations (a month counts 30 days). */
export function durationMs(d: DurationValue): number {
  return (d.months * 30 + d.days) * DAY_MS + d.ms;
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `the date's weekday`, year, month, day…; undefined when not a property of dates. */
export function dateProperty(v: DateValue | DateTimeValue, prop: string): Value | undefined {
  const d = new Date(epochOf(v));
  switch (prop) {
    case "year":
      return d.getUTCFullYear();
    case "month":
      return d.getUTCMonth() + 1;
    case "month name":
      return MONTHS[d.getUTCMonth()]!;
    case "day":
    case "day of month":
      return d.getUTCDate();
    case "weekday":
    case "day of week":
    case "day name":
      return WEEKDAYS[d.getUTCDay()]!;
    case "date":
      return { k: "date", v: d.toISOString().slice(0, 10) };
  }
  if (v.k === "datetime") {
    switch (prop) {
      case "hour":
        return d.getUTCHours();
      case "minute":
        return d.getUTCMinutes();
      case "second":
        return d.getUTCSeconds();
    }
  }
  return undefined;
}

export function durationProperty(d: DurationValue, prop: string): Value | undefined {
  const total = d.days * DAY_MS + d.ms;
  switch (prop) {
    case "months":
      return d.months;
    case "days":
      return d.months === 0 ? Math.trunc(total / DAY_MS) : undefined;
    case "hours":
      return d.months === 0 ? Math.trunc(total / 3_600_000) : undefined;
    case "minutes":
      return d.months === 0 ? Math.trunc(total / 60_000) : undefined;
    case "seconds":
      return d.months === 0 ? Math.trunc(total / 1000) : undefined;
  }
  return undefined;
}

/**
 * ISO 8601 duration text: "P3D", "PT2H30M", "P1M2D". A negative duration has one
 * leading sign ("-P9D"); only a duration mixing signs signs its parts ("P1M-2D").
 */
export function durationIso(d: DurationValue): string {
  if (d.months <= 0 && d.days <= 0 && d.ms <= 0 && (d.months || d.days || d.ms)) {
    return `-${durationIso({ k: "duration", months: -d.months, days: -d.days, ms: -d.ms })}`;
  }
  let out = "P";
  const y = Math.trunc(d.months / 12);
  const m = d.months % 12;
  if (y) out += `${y}Y`;
  if (m) out += `${m}M`;
  if (d.days) out += `${d.days}D`;
  if (d.ms) {
    const neg = d.ms < 0;
    let ms = Math.abs(d.ms);
    const h = Math.floor(ms / 3_600_000);
    ms -= h * 3_600_000;
    const mi = Math.floor(ms / 60_000);
    ms -= mi * 60_000;
    const s = ms / 1000;
    const sg = neg ? "-" : "";
    out += "T";
    if (h) out += `${sg}${h}H`;
    if (mi) out += `${sg}${mi}M`;
    if (s) out += `${sg}${s}S`;
  }
  return out === "P" ? "P0D" : out;
}

/** Words for a duration: "3 days", "1 month and 2 days", "2 hours 30 minutes". */
export function durationText(d: DurationValue): string {
  const parts: string[] = [];
  const unit = (n: number, w: string) => parts.push(`${n} ${w}${Math.abs(n) === 1 ? "" : "s"}`);
  const y = Math.trunc(d.months / 12);
  const m = d.months % 12;
  if (y) unit(y, "year");
  if (m) unit(m, "month");
  if (d.days) unit(d.days, "day");
  if (d.ms) {
    let ms = Math.abs(d.ms);
    const sg = d.ms < 0 ? -1 : 1;
    const h = Math.floor(ms / 3_600_000);
    ms -= h * 3_600_000;
    const mi = Math.floor(ms / 60_000);
    ms -= mi * 60_000;
    if (h) unit(sg * h, "hour");
    if (mi) unit(sg * mi, "minute");
    if (ms) unit(sg * (ms / 1000), "second");
  }
  if (parts.length === 0) return "0 days";
  if (parts.length === 1) return parts[0]!;
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

export { isDuration };
