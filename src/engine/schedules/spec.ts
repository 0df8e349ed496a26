// A schedule's timing (cron or preset, zone, start and end) checked as one: what the
// preview answers and what a saved schedule stores.
import { EngineError } from "../errors.ts";
import { type CronPlan, compileCron, nextTimes } from "./cron.ts";
import { type Preset, presetCron } from "./presets.ts";
import { summarize } from "./summary.ts";
import { checkTimezone } from "./zones.ts";

export interface ScheduleSpec {
  cron?: string | null;
  preset?: Preset | null;
  timezone: string;
  starts_at?: string | null;
  ends_at?: string | null;
}

export interface CheckedSpec {
  cron: string;
  preset: Preset | null;
  timezone: string;
  startsAt: number | null;
  endsAt: number | null;
  plan: CronPlan;
  summary: string;
}

// Dates people write: years 1970 to 9999.
const MAX_DATE = Date.UTC(10000, 0, 1) - 1;

function checkDate(v: unknown, field: string): number | null {
  if (v === undefined || v === null || v === "") return null;
  const t = typeof v === "string" && v.length <= 40 ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(t) || t < 0 || t > MAX_DATE) {
    throw new EngineError(
      "invalid",
      `${field} is a date and time in ISO 8601, e.g. "2026-12-01T09:00:00Z" (got ${JSON.stringify(v)?.slice(0, 60)}).`,
    );
  }
  return t;
}

export function checkSpec(spec: unknown): CheckedSpec {
  if (!spec || typeof spec !== "object") {
    throw new EngineError(
      "invalid",
      "A schedule needs a cron expression or a preset, and a time zone.",
    );
  }
  const s = spec as Record<string, unknown>;
  const hasCron = s.cron !== undefined && s.cron !== null;
  const hasPreset = s.preset !== undefined && s.preset !== null;
  if (hasCron === hasPreset) {
    throw new EngineError(
      "invalid",
      hasCron
        ? "Give either a cron expression or a preset, not both."
        : "A schedule needs a cron expression or a preset.",
    );
  }
  let cron: string;
  let preset: Preset | null = null;
  if (hasPreset) {
    const p = presetCron(s.preset);
    preset = p.preset;
    cron = p.cron;
  } else {
    cron = String(s.cron);
  }
  const plan = compileCron(hasPreset ? cron : s.cron);
  const timezone = checkTimezone(s.timezone);
  const startsAt = checkDate(s.starts_at, "starts_at");
  const endsAt = checkDate(s.ends_at, "ends_at");
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) {
    throw new EngineError(
      "invalid",
      `ends_at (${new Date(endsAt).toISOString()}) must be after starts_at (${new Date(startsAt).toISOString()}).`,
    );
  }
  return {
    cron: plan.expr,
    preset,
    timezone,
    startsAt,
    endsAt,
    plan,
    summary: summarize(plan.expr, preset, timezone),
  };
}

/** The fire times after `now` within the spec's start and end. */
export function upcoming(spec: CheckedSpec, now: number, count: number): number[] {
  const after = spec.startsAt !== null && spec.startsAt - 1 > now ? spec.startsAt - 1 : now;
  return nextTimes(spec.plan, spec.timezone, after, count, spec.endsAt);
}
