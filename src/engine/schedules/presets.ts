// Presets: the common schedules people pick from a list, each written as the cron
// expression it stands for (stored beside it, so the UI can show the picker again).
import { EngineError } from "../errors.ts";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Preset =
  | { kind: "every_minutes"; minutes: number }
  | { kind: "hourly"; minute: number }
  | { kind: "daily"; time: string }
  | { kind: "weekdays"; time: string }
  | { kind: "weekly"; days: Weekday[]; time: string }
  | { kind: "monthly"; day: number | "last"; time: string };

export const PRESET_KINDS = ["every_minutes", "hourly", "daily", "weekdays", "weekly", "monthly"];

function invalid(message: string): EngineError {
  return new EngineError("invalid", message);
}

/** "HH:MM" (24-hour) → [hour, minute]. */
export function parseTime(time: unknown, what: string): [number, number] {
  const m = typeof time === "string" ? /^(\d{1,2}):(\d{2})$/.exec(time.trim()) : null;
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  if (!m || h > 23 || min > 59) {
    throw invalid(
      `The ${what} preset's time is "HH:MM" on a 24-hour clock, from 00:00 to 23:59 (got ${JSON.stringify(time)}).`,
    );
  }
  return [h, min];
}

function wholeIn(v: unknown, lo: number, hi: number, message: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) throw invalid(message);
  return v;
}

// Every N minutes is exact in cron only when N divides an hour, or N is whole hours dividing a day.
const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12, 24];

/** Checks a preset and answers it (normalized) with its cron expression. */
export function presetCron(input: unknown): { preset: Preset; cron: string } {
  if (!input || typeof input !== "object" || Array.isArray(input)) {
    throw invalid(`A preset is an object with a kind: one of ${PRESET_KINDS.join(", ")}.`);
  }
  const p = input as Record<string, unknown>;
  switch (p.kind) {
    case "every_minutes": {
      const n = wholeIn(
        p.minutes,
        1,
        1440,
        `Every N minutes needs N, a whole number from 1 to 1440 (got ${JSON.stringify(p.minutes)}).`,
      );
      if (MINUTE_STEPS.includes(n)) {
        return {
          preset: { kind: "every_minutes", minutes: n },
          cron: n === 1 ? "* * * * *" : `*/${n} * * * *`,
        };
      }
      if (n % 60 === 0 && HOUR_STEPS.includes(n / 60)) {
        const h = n / 60;
        return {
          preset: { kind: "every_minutes", minutes: n },
          cron: h === 24 ? "0 0 * * *" : h === 1 ? "0 * * * *" : `0 */${h} * * *`,
        };
      }
      throw invalid(
        `Every ${n} minutes does not divide the day evenly: choose a number of minutes that divides an hour (${MINUTE_STEPS.join(", ")}) or whole hours that divide a day (${HOUR_STEPS.map((h) => h * 60).join(", ")} minutes), or write a cron expression.`,
      );
    }
    case "hourly": {
      const m = wholeIn(
        p.minute,
        0,
        59,
        `The hourly preset needs the minute past the hour, 0 to 59 (got ${JSON.stringify(p.minute)}).`,
      );
      return { preset: { kind: "hourly", minute: m }, cron: `${m} * * * *` };
    }
    case "daily":
    case "weekdays": {
      const [h, m] = parseTime(p.time, p.kind);
      const time = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
      return {
        preset: { kind: p.kind, time },
        cron: `${m} ${h} * * ${p.kind === "weekdays" ? "1-5" : "*"}`,
      };
    }
    case "weekly": {
      const [h, m] = parseTime(p.time, "weekly");
      const time = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
      if (!Array.isArray(p.days) || p.days.length === 0) {
        throw invalid(`The weekly preset needs at least one day: ${WEEKDAYS.join(", ")}.`);
      }
      const days = new Set<number>();
      for (const d of p.days) {
        const i = WEEKDAYS.indexOf(String(d).toLowerCase() as Weekday);
        if (i < 0) {
          throw invalid(
            `The weekly preset's days are ${WEEKDAYS.join(", ")} (got ${JSON.stringify(d)}).`,
          );
        }
        days.add(i);
      }
      // Monday first, as people list a week.
      const order = [...days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
      return {
        preset: { kind: "weekly", days: order.map((i) => WEEKDAYS[i] as Weekday), time },
        cron: `${m} ${h} * * ${[...days].sort((a, b) => a - b).join(",")}`,
      };
    }
    case "monthly": {
      const [h, m] = parseTime(p.time, "monthly");
      const time = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
      const day =
        p.day === "last"
          ? "last"
          : wholeIn(
              p.day,
              1,
              31,
              `The monthly preset's day is 1 to 31, or "last" (got ${JSON.stringify(p.day)}).`,
            );
      return {
        preset: { kind: "monthly", day, time },
        cron: `${m} ${h} ${day === "last" ? "L" : day} * *`,
      };
    }
    default:
      throw invalid(
        `A preset's kind is one of ${PRESET_KINDS.join(", ")} (got ${JSON.stringify(p.kind)}).`,
      );
  }
}
