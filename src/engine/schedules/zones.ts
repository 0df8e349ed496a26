// Time zones as offsets that change at known instants. An IANA zone's offset is constant
// between transitions; the transitions of a year are found once (a day's steps, then a
// bisection to the second) and cached, so a fire time costs no Intl call in the steady state.
import { EngineError } from "../errors.ts";

export interface Transition {
  /** The first instant (epoch ms) with the new offset. */
  at: number;
  /** Offsets in ms (local wall time minus UTC) before and after. */
  before: number;
  after: number;
}

interface ZoneYear {
  /** The offset at the year's first instant. */
  start: number;
  transitions: Transition[];
}

const DAY = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();
const years = new Map<string, ZoneYear>();
const MAX_CACHED_YEARS = 5000;

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formats.set(zone, f);
  }
  return f;
}

/** Refuses what is not an IANA time zone name; answers the zone's canonical spelling. */
export function checkTimezone(zone: unknown): string {
  if (typeof zone !== "string" || !zone.trim()) {
    throw new EngineError(
      "invalid",
      'A schedule needs a time zone: an IANA name such as "Europe/Berlin" or "UTC".',
    );
  }
  const z = zone.trim();
  if (z.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(z)) {
    throw new EngineError("invalid", `"${z.slice(0, 64)}" is not an IANA time zone name.`);
  }
  try {
    // The name as given (Intl may answer an older alias, e.g. Asia/Calcutta), its case fixed.
    const canonical = new Intl.DateTimeFormat("en-US", { timeZone: z }).resolvedOptions().timeZone;
    return canonical.toLowerCase() === z.toLowerCase() ? canonical : z;
  } catch {
    throw new EngineError(
      "invalid",
      `"${z}" is not a time zone this server knows: use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC".`,
    );
  }
}

/** The zone's offset at an instant, asking Intl (ms, whole seconds). */
function intlOffset(zone: string, t: number): number {
  const at = Math.floor(t / 1000) * 1000;
  const parts = format(zone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  let year = get("year");
  if (parts.find((p) => p.type === "era")?.value === "BC") year = 1 - year;
  const wall = Date.UTC(
    year,
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return wall - at;
}

function zoneYear(zone: string, year: number): ZoneYear {
  const key = `${zone}|${year}`;
  let y = years.get(key);
  if (y) return y;
  const from = Date.UTC(year, 0, 1);
  const to = Date.UTC(year + 1, 0, 1);
  const start = intlOffset(zone, from);
  const transitions: Transition[] = [];
  let prevT = from;
  let prevOff = start;
  for (let t = Math.min(from + DAY, to); ; t = Math.min(t + DAY, to)) {
    const off = intlOffset(zone, t);
    if (off !== prevOff) {
      // Bisect to the second: the first instant with the new offset.
      let lo = prevT;
      let hi = t;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (intlOffset(zone, mid) === prevOff) lo = mid;
        else hi = mid;
      }
      transitions.push({ at: hi, before: prevOff, after: off });
      prevOff = off;
    }
    prevT = t;
    if (t >= to) break;
  }
  // The last sample is the next year's first instant: its change belongs to the next year.
  const last = transitions.at(-1);
  if (last && last.at >= to) transitions.pop();
  y = { start, transitions };
  if (years.size > MAX_CACHED_YEARS) years.clear();
  years.set(key, y);
  return y;
}

function yearOf(t: number): number {
  return new Date(t).getUTCFullYear();
}

/** The zone's offset (ms) at instant t. */
export function offsetAt(zone: string, t: number): number {
  const y = zoneYear(zone, yearOf(t));
  let off = y.start;
  for (const tr of y.transitions) {
    if (tr.at > t) break;
    off = tr.after;
  }
  return off;
}

/** The last transition at or before t (looking back a year), if any. */
export function transitionAtOrBefore(zone: string, t: number): Transition | undefined {
  const year = yearOf(t);
  for (const yr of [year, year - 1]) {
    const list = zoneYear(zone, yr).transitions;
    for (let i = list.length - 1; i >= 0; i--) {
      const tr = list[i] as Transition;
      if (tr.at <= t) return tr;
    }
  }
  return undefined;
}

/** The first transition after t (looking ahead two years), if any. */
export function transitionAfter(zone: string, t: number): Transition | undefined {
  const year = yearOf(t);
  for (const yr of [year, year + 1, year + 2]) {
    for (const tr of zoneYear(zone, yr).transitions) if (tr.at > t) return tr;
  }
  return undefined;
}
