// Dates as people write them: `4 May 2026`, `May 4, 2026`, `May 4th` in text, and the
// relative dates `next Monday` and `the end of the month`. A numeric date such as
// `04/05/2026` reads as 4 May in most of the world and April 5 in the US: it is read in
// the order the process (`dates are written day first`) or the server (`--date-order`)
// sets, and refused with both readings when neither does.
import { DATE_FORMATS, MONTHS, WEEKDAYS } from "../language/phrasings.ts";
import type { DateOrder, DateValue } from "./types.ts";

/** The date order in force (runSlice installs it for the slice it runs; synchronous). */
let order: DateOrder | null = null;

/** Sets the order numeric dates read in; returns the function that restores the previous one. */
export function installDateOrder(o: DateOrder | null): () => void {
  const prev = order;
  order = o;
  return () => {
    order = prev;
  };
}

const MONTH_RE = MONTHS.map((m) => `${m}|${m.slice(0, 3)}${m === "september" ? "|sept" : ""}`).join(
  "|",
);
const ORD = "(?:st|nd|rd|th)?";
/** `4 May 2026`, `4th of May 2026`, `4 May`. */
const DAY_MONTH = new RegExp(
  `^(\\d{1,2})${ORD}(?:\\s+of)?\\s+(${MONTH_RE})\\.?,?(?:\\s+(\\d{4}))?$`,
  "i",
);
/** `May 4, 2026`, `May 4th 2026`, `May 4th`. */
const MONTH_DAY = new RegExp(`^(${MONTH_RE})\\.?\\s+(\\d{1,2})${ORD},?(?:\\s+(\\d{4}))?$`, "i");
const NUMERIC = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})$/;

function monthNumber(word: string): number {
  const w = word.toLowerCase().replace(/\.$/, "");
  const i = MONTHS.findIndex(
    (m) => m === w || m.slice(0, 3) === w || (w === "sept" && m === "september"),
  );
  return i + 1;
}

function iso(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * The ISO date of a date written in words (`4 May 2026`, `May 4, 2026`, `May 4th`),
 * or null. A date without a year is in the current year (UTC).
 */
export function wordDate(text: string): string | null {
  const t = text.trim();
  if (order !== null && t.length <= 10) {
    const n = NUMERIC.exec(t);
    if (n) {
      const [a, b] = [Number(n[1]), Number(n[3])];
      return order === "day" ? iso(yearOf4(n[4]!), b, a) : iso(yearOf4(n[4]!), a, b);
    }
  }
  if (t.length < 5 || t.length > 40 || !/[a-z]/i.test(t)) return null;
  let m = DAY_MONTH.exec(t);
  if (m) return iso(yearOf(m[3]), monthNumber(m[2]!), Number(m[1]));
  m = MONTH_DAY.exec(t);
  if (m) return iso(yearOf(m[3]), monthNumber(m[1]!), Number(m[2]));
  return null;
}

/** `26` is 2026; `2026` is 2026. */
function yearOf4(text: string): number {
  return Number(text.length === 2 ? `20${text}` : text);
}

function yearOf(text: string | undefined): number {
  return text ? Number(text) : new Date().getUTCFullYear();
}

/** Why a text is not a date, with the formats that work (for run-time errors). */
export function notADate(text: string): string {
  const t = text.trim();
  const formats = DATE_FORMATS.slice(0, 3)
    .map((f) => `"${f}"`)
    .join(", ");
  const m = NUMERIC.exec(t);
  if (m && order !== null) {
    const shape = order === "day" ? "day/month/year" : "month/day/year";
    return `"${t}" is not a date read as ${shape} (the order this run reads numeric dates in): write dates like ${formats}`;
  }
  if (m) {
    const year = yearOf4(m[4]!);
    const readings = [
      iso(year, Number(m[3]), Number(m[1])),
      iso(year, Number(m[1]), Number(m[3])),
    ].filter((x, i, all): x is string => x !== null && all.indexOf(x) === i);
    const words = readings.map((r) => `"${inWords(r)}" or "${r}"`);
    const setting =
      "; or say how this process writes numeric dates with a line 'dates are written day first' (or 'month first')";
    if (readings.length === 2) {
      return `"${t}" is ambiguous: it is ${inWords(readings[0]!)} in most countries and ${inWords(readings[1]!)} in the US; write ${words[0]} for the first, ${words[1]} for the second${setting}`;
    }
    if (readings.length === 1) {
      return `"${t}" is a numeric date, which Plainrun does not guess: write ${words[0]}${setting}`;
    }
  }
  return `"${t}" is not a date: write dates like ${formats}`;
}

/** "2026-05-04" -> "4 May 2026". */
function inWords(isoDate: string): string {
  const [y, mo, d] = isoDate.split("-").map(Number);
  const month = MONTHS[mo! - 1]!;
  return `${d} ${month[0]!.toUpperCase()}${month.slice(1)} ${y}`;
}

const DAY_MS = 86_400_000;

function dateOf(ms: number): DateValue {
  return { k: "date", v: new Date(ms).toISOString().slice(0, 10) };
}

/**
 * `next monday`, `last friday`, `this friday` (today when it is one), `the start of the
 * week`, `the end of the month`, `the end of next month` (shift 1), `the start of last
 * year` (shift -1)…
 */
export function dateRefValue(ref: string, unit: string, nowMs: number, shift = 0): DateValue {
  const now = new Date(nowMs);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (ref === "next" || ref === "last" || ref === "this") {
    const want = (WEEKDAYS.indexOf(unit) + 1) % 7; // JS: Sunday is 0
    const day = now.getUTCDay();
    const ahead =
      ref === "this"
        ? (want - day + 7) % 7
        : ref === "next"
          ? (want - day + 7) % 7 || 7
          : -((day - want + 7) % 7 || 7);
    return dateOf(today + ahead * DAY_MS);
  }
  const y = now.getUTCFullYear() + (unit === "year" ? shift : 0);
  const mo = now.getUTCMonth() + (unit === "month" ? shift : 0);
  if (unit === "week") {
    const fromMonday = (now.getUTCDay() + 6) % 7;
    const monday = today - fromMonday * DAY_MS + shift * 7 * DAY_MS;
    return dateOf(ref === "start" ? monday : monday + 6 * DAY_MS);
  }
  if (unit === "month")
    return dateOf(ref === "start" ? Date.UTC(y, mo, 1) : Date.UTC(y, mo + 1, 0));
  return dateOf(ref === "start" ? Date.UTC(y, 0, 1) : Date.UTC(y, 11, 31));
}
