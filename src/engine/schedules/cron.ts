// Cron expressions: validation with messages that name the field, and fire times in an IANA
// zone. croner matches patterns against wall-clock time (evaluated at UTC offset 0, which is
// fast); zones.ts maps wall time to instants, segment by segment between offset changes, so
// daylight saving is handled as Vixie cron does: a job at a fixed time (no `*` in its
// seconds, minute or hour field) whose local time is skipped fires once, at the instant the
// clock jumps, and in a repeated hour it fires once, at the first occurrence; a job with a
// `*` there follows real time (each real hour, both occurrences of a repeated one).
// croner lacks `W` (nearest weekday): it is applied here as a filter on the day.
import { Cron } from "croner";
import { EngineError } from "../errors.ts";
import { offsetAt, transitionAfter, transitionAtOrBefore } from "./zones.ts";

export interface CronPlan {
  /** The expression as given (trimmed, single spaces). */
  expr: string;
  /** 6 fields: seconds first. */
  seconds: boolean;
  /** Follows real time across DST changes (a `*` in its seconds, minute or hour field). */
  wild: boolean;
  /** Matcher over wall-clock time (UTC offset 0). */
  cron: Cron;
  /** `nW` or `LW` in the day-of-month field. */
  nearestWeekday?: number | "L";
}

export const MAX_CRON_LENGTH = 200;
const FIELDS5 = ["minute", "hour", "day-of-month", "month", "day-of-week"];
const FIELDS6 = ["second", ...FIELDS5];
const ALLOWED = /^[0-9A-Za-z*,\-/#?]+$/;
const YEAR = 366 * 86_400_000;

function invalid(message: string): EngineError {
  return new EngineError("invalid", message);
}

const plans = new Map<string, CronPlan>();

/** Parses and checks a cron expression; throws an "invalid" EngineError naming the problem. */
export function compileCron(input: unknown): CronPlan {
  if (typeof input !== "string" || !input.trim()) {
    throw invalid(
      "A cron expression is needed: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first.",
    );
  }
  if (input.length > MAX_CRON_LENGTH) {
    throw invalid(`A cron expression has at most ${MAX_CRON_LENGTH} characters.`);
  }
  const expr = input.trim().split(/\s+/).join(" ");
  const cached = plans.get(expr);
  if (cached) return cached;
  if (expr.startsWith("@")) {
    throw invalid(
      `"${expr}" is a nickname; write the fields instead (or use a preset: hourly, daily, weekly, monthly).`,
    );
  }
  const fields = expr.split(" ");
  if (fields.length !== 5 && fields.length !== 6) {
    throw invalid(
      `The cron expression has ${fields.length} field${fields.length === 1 ? "" : "s"}; it needs 5 (minute hour day-of-month month day-of-week) or 6 (second minute hour day-of-month month day-of-week).`,
    );
  }
  const names = fields.length === 6 ? FIELDS6 : FIELDS5;
  fields.forEach((f, i) => {
    if (!ALLOWED.test(f)) {
      throw invalid(`The ${names[i]} field "${f}" holds a character a cron field cannot hold.`);
    }
  });
  const domIndex = names.indexOf("day-of-month");
  const dowIndex = names.indexOf("day-of-week");
  // `?` means "no particular value" (as in Quartz), not croner's "the time of creation".
  const given = fields.map((f) => (f === "?" ? "*" : f));
  let nearestWeekday: number | "L" | undefined;
  const dom = given[domIndex] as string;
  if (/W/i.test(dom)) {
    const m = /^(\d{1,2}|L)W$/i.exec(dom);
    const day = m?.[1]?.toUpperCase() === "L" ? "L" : Number(m?.[1]);
    if (!m || (day !== "L" && (day < 1 || day > 31))) {
      throw invalid(
        `The day-of-month field "${dom}" is not valid: W follows one day, as in "15W" (the weekday nearest the 15th) or "LW" (the last weekday).`,
      );
    }
    if (given[dowIndex] !== "*") {
      throw invalid(
        `The day-of-month field "${dom}" uses W, so the day-of-week field must be "*" or "?" (not "${given[dowIndex]}").`,
      );
    }
    nearestWeekday = day;
    given[domIndex] = "*";
  }
  let cron: Cron;
  try {
    cron = new Cron(given.join(" "), { paused: true, utcOffset: 0, legacyMode: true });
  } catch (e) {
    throw invalid(`The cron expression "${expr}" is not valid: ${cronerMessage(e, names)}.`);
  }
  const wild = fields.slice(0, names.indexOf("hour") + 1).some((f) => f.startsWith("*"));
  const plan: CronPlan = {
    expr,
    seconds: fields.length === 6,
    wild,
    cron,
    ...(nearestWeekday !== undefined ? { nearestWeekday } : {}),
  };
  if (nextWall(plan, Date.UTC(2000, 0, 1)) === null) {
    throw invalid(`The cron expression "${expr}" never fires (no date matches all its fields).`);
  }
  if (plans.size > 1000) plans.clear();
  plans.set(expr, plan);
  return plan;
}

/** croner's message, with its field positions turned into field names. */
function cronerMessage(e: unknown, names: string[]): string {
  const raw = (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/, "");
  const entry = /configuration entry (\d+) \(([^)]*)\) contains illegal characters/.exec(raw);
  if (entry) {
    // croner numbers the fields from 0 with seconds always present.
    const i = Number(entry[1]) - (names.length === 5 ? 1 : 0);
    return `the ${names[i] ?? "a"} field "${entry[2]}" holds characters that field cannot hold`;
  }
  return raw.replace(/\.$/, "").replace(/^Invalid/, "invalid");
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The weekday nearest a day of the month (Quartz's `W`), never leaving the month. */
export function nearestWeekdayOf(year: number, month: number, day: number | "L"): number | null {
  const last = daysIn(year, month);
  const d = day === "L" ? last : day;
  if (d > last) return null;
  const dow = new Date(Date.UTC(year, month, d)).getUTCDay();
  if (dow === 6) return d === 1 ? 3 : d - 1;
  if (dow === 0) return d === last ? d - 2 : d + 1;
  return d;
}

/** The first matching wall-clock time after `wall` (both as ms at offset 0), or null. */
export function nextWall(plan: CronPlan, wall: number): number | null {
  let from = wall;
  for (let i = 0; i < 2000; i++) {
    const next = plan.cron.nextRun(new Date(from));
    if (!next) return null;
    const w = next.getTime();
    if (plan.nearestWeekday === undefined) return w;
    const d = new Date(w);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    if (nearestWeekdayOf(y, m, plan.nearestWeekday) === d.getUTCDate()) return w;
    from = Date.UTC(y, m, d.getUTCDate() + 1) - 1;
  }
  return null;
}

/** The first fire time strictly after instant `after` in `zone` (epoch ms), or null. */
export function nextAfter(plan: CronPlan, zone: string, after: number): number | null {
  let t = after;
  for (let guard = 0; guard < 64; guard++) {
    const s = t + 1;
    const off = offsetAt(zone, s);
    const next = transitionAfter(zone, s);
    let wallFrom = t + off;
    if (!plan.wild) {
      // A repeated hour's local times fired at their first occurrence (before the change).
      const prev = transitionAtOrBefore(zone, s);
      if (prev && prev.after < prev.before && s - prev.at < YEAR) {
        wallFrom = Math.max(wallFrom, prev.at + prev.before - 1);
      }
    }
    const w = nextWall(plan, wallFrom);
    if (w === null) return null;
    const segEnd = next ? next.at : s + 2 * YEAR;
    if (w - off < segEnd) return w - off;
    if (next && !plan.wild && next.after > next.before) {
      // Local times the clock skips fire once, when it jumps.
      const g = nextWall(plan, next.at + next.before - 1);
      if (g !== null && g < next.at + next.after) return next.at;
    }
    t = segEnd - 1;
  }
  return null;
}

/** The next `count` fire times after `after`, not past `until` (epoch ms). */
export function nextTimes(
  plan: CronPlan,
  zone: string,
  after: number,
  count: number,
  until: number | null = null,
): number[] {
  const out: number[] = [];
  let t = after;
  while (out.length < count) {
    const n = nextAfter(plan, zone, t);
    if (n === null || (until !== null && n > until)) break;
    out.push(n);
    t = n;
  }
  return out;
}
