// A schedule in words ("Every weekday at 09:00, Europe/Berlin"): presets say exactly what
// they are; cron expressions of the common shapes are read back the same way, and any other
// expression is quoted as written.
import type { Preset } from "./presets.ts";

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const DAY_KEYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function ordinalDay(day: number | "last"): string {
  return day === "last" ? "the last day" : `day ${day}`;
}

function presetWords(p: Preset): string {
  switch (p.kind) {
    case "every_minutes":
      if (p.minutes === 1) return "Every minute";
      if (p.minutes === 1440) return "Every day at 00:00";
      if (p.minutes % 60 === 0)
        return p.minutes === 60 ? "Every hour" : `Every ${p.minutes / 60} hours`;
      return `Every ${p.minutes} minutes`;
    case "hourly":
      return p.minute === 0 ? "Every hour" : `Every hour at ${p.minute} past`;
    case "daily":
      return `Every day at ${p.time}`;
    case "weekdays":
      return `Every weekday at ${p.time}`;
    case "weekly":
      return `Every ${list(p.days.map((d) => DAY_NAMES[DAY_KEYS.indexOf(d)] ?? d))} at ${p.time}`;
    case "monthly":
      return `On ${ordinalDay(p.day)} of every month at ${p.time}`;
  }
}

const num = (s: string | undefined) => (s !== undefined && /^\d{1,2}$/.test(s) ? Number(s) : null);
const MONTHLESS = (dom: string, mon: string) => dom === "*" && mon === "*";

function dayOfWeekWords(dow: string): string | null {
  const d = dow.toLowerCase();
  if (d === "*") return "day";
  if (d === "1-5" || d === "mon-fri") return "weekday";
  if (d === "0,6" || d === "6,0" || d === "sat,sun" || d === "sun,sat")
    return "Saturday and Sunday";
  const parts = d.split(",");
  const idx: number[] = [];
  for (const p of parts) {
    const n = /^[0-7]$/.test(p) ? Number(p) % 7 : DAY_KEYS.indexOf(p);
    if (n < 0) return null;
    idx.push(n);
  }
  idx.sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  return list([...new Set(idx)].map((i) => DAY_NAMES[i] as string));
}

function cronWords(expr: string): string {
  const f = expr.split(" ");
  const [sec = "", min = "", hour = "", dom = "", mon = "", dow = ""] =
    f.length === 6 ? f : ["0", ...f];
  const step = (s: string) => /^\*\/(\d+)$/.exec(s)?.[1];
  if (min === "*" && hour === "*" && MONTHLESS(dom, mon) && dow === "*") {
    if (sec === "*") return "Every second";
    if (step(sec)) return `Every ${step(sec)} seconds`;
    if (sec === "0") return "Every minute";
  }
  if (sec === "0" && hour === "*" && MONTHLESS(dom, mon) && dow === "*") {
    if (step(min)) return `Every ${step(min)} minutes`;
    const m = num(min);
    if (m !== null) return m === 0 ? "Every hour" : `Every hour at ${m} past`;
  }
  if (sec === "0" && min === "0" && step(hour) && MONTHLESS(dom, mon) && dow === "*") {
    return `Every ${step(hour)} hours`;
  }
  const s = num(sec);
  const m = num(min);
  const h = num(hour);
  if (s === null || m === null || h === null) return `On the cron schedule "${expr}"`;
  const time = `${pad(h)}:${pad(m)}${s ? `:${pad(s)}` : ""}`;
  if (MONTHLESS(dom, mon)) {
    const days = dayOfWeekWords(dow);
    if (days) return `Every ${days} at ${time}`;
  }
  if (mon === "*" && dow === "*") {
    if (dom.toUpperCase() === "L") return `On the last day of every month at ${time}`;
    if (dom.toUpperCase() === "LW") return `On the last weekday of every month at ${time}`;
    const w = /^(\d{1,2})W$/i.exec(dom)?.[1];
    if (w) return `On the weekday nearest day ${Number(w)} of every month at ${time}`;
    const d = num(dom);
    if (d !== null) return `On day ${d} of every month at ${time}`;
  }
  return `On the cron schedule "${expr}"`;
}

/** The schedule in words, with its zone. */
export function summarize(cron: string, preset: Preset | null, timezone: string): string {
  return `${preset ? presetWords(preset) : cronWords(cron)}, ${timezone}`;
}
