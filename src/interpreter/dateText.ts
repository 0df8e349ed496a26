// Dates as people write them: `4 May 2026`, `May 4, 2026`, `May 4th` in text, and the
// relative dates `next Monday` and `the end of the month`. A numeric date such as
// `04/05/2026` is refused: it reads as 4 May in most of the world and April 5 in the US.
import { DATE_FORMATS, MONTHS, WEEKDAYS } from "../language/phrasings.ts";
import type { DateValue } from "./types.ts";

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
const NUMERIC = /^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$/;

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
  if (t.length < 5 || t.length > 40 || !/[a-z]/i.test(t)) return null;
  let m = DAY_MONTH.exec(t);
  if (m) return iso(yearOf(m[3]), monthNumber(m[2]!), Number(m[1]));
  m = MONTH_DAY.exec(t);
  if (m) return iso(yearOf(m[3]), monthNumber(m[1]!), Number(m[2]));
  return null;
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
  if (m) {
    const year = m[3]!.length === 2 ? `20${m[3]}` : m[3]!;
    const readings = [
      iso(Number(year), Number(m[2]), Number(m[1])),
      iso(Number(year), Number(m[1]), Number(m[2])),
    ].filter((x, i, all): x is string => x !== null && all.indexOf(x) === i);
    const words = readings.map((r) => `"${inWords(r)}" or "${r}"`);
    if (readings.length === 2) {
      return `"${t}" is ambiguous: it is ${inWords(readings[0]!)} in most countries and ${inWords(readings[1]!)} in the US; write ${words[0]} for the first, ${words[1]} for the second`;
    }
    if (readings.length === 1) {
      return `"${t}" is a numeric date, which Plainrun does not guess: write ${words[0]}`;
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

/** `next monday`, `last friday`, `the start of the week`, `the end of the month`… */
export function dateRefValue(ref: string, unit: string, nowMs: number): DateValue {
  const now = new Date(nowMs);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (ref === "next" || ref === "last") {
    const want = (WEEKDAYS.indexOf(unit) + 1) % 7; // JS: Sunday is 0
    const day = now.getUTCDay();
    const ahead = ref === "next" ? (want - day + 7) % 7 || 7 : -((day - want + 7) % 7 || 7);
    return dateOf(today + ahead * DAY_MS);
  }
  const y = now.getUTCFullYear();
  const mo = now.getUTCMonth();
  if (unit === "week") {
    const fromMonday = (now.getUTCDay() + 6) % 7;
    const monday = today - fromMonday * DAY_MS;
    return dateOf(ref === "start" ? monday : monday + 6 * DAY_MS);
  }
  if (unit === "month")
    return dateOf(ref === "start" ? Date.UTC(y, mo, 1) : Date.UTC(y, mo + 1, 0));
  return dateOf(ref === "start" ? Date.UTC(y, 0, 1) : Date.UTC(y, 11, 31));
}
