// Schedules and slots as the API, the CLI and the UI see them (ISO times, parsed JSON).
import type { Json } from "../../interpreter/types.ts";
import type {
  ScheduleOverlap,
  ScheduleRow,
  ScheduleSlotRow,
  SlotStatus,
} from "../../store/index.ts";
import type { Preset } from "./presets.ts";

export interface Schedule {
  id: string;
  process_id: string;
  process_name: string;
  name: string;
  cron: string;
  preset: Preset | null;
  timezone: string;
  starts_at: string | null;
  ends_at: string | null;
  inputs: Record<string, Json>;
  enabled: boolean;
  disabled_reason: string | null;
  overlap: ScheduleOverlap;
  summary: string;
  /** The next 5 fire times (ISO UTC); empty when paused or ended. */
  next: string[];
  created_at: string;
  updated_at: string;
}

export interface Slot {
  due_at: string;
  status: SlotStatus;
  reason: string | null;
  run_id: string | null;
  run_status: string | null;
  recorded_at: string;
}

export interface SlotPage {
  items: Slot[];
  next_cursor: string | null;
}

export interface SchedulePreview {
  summary: string;
  next: string[];
  timezone: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toSchedule(
  r: ScheduleRow,
  processName: string,
  summary: string,
  next: number[],
): Schedule {
  return {
    id: r.id,
    process_id: r.process_id,
    process_name: processName,
    name: r.name,
    cron: r.cron,
    preset: r.preset === null ? null : (JSON.parse(r.preset) as Preset),
    timezone: r.timezone,
    starts_at: isoOrNull(r.starts_at === null ? null : Number(r.starts_at)),
    ends_at: isoOrNull(r.ends_at === null ? null : Number(r.ends_at)),
    inputs: JSON.parse(r.inputs) as Record<string, Json>,
    enabled: r.enabled === 1,
    disabled_reason: r.disabled_reason,
    overlap: r.overlap,
    summary,
    next: next.map(iso),
    created_at: iso(Number(r.created_at)),
    updated_at: iso(Number(r.updated_at)),
  };
}

export function toSlot(r: ScheduleSlotRow & { run_status: string | null }): Slot {
  return {
    due_at: iso(Number(r.due_at)),
    status: r.status,
    reason: r.reason,
    run_id: r.run_id,
    run_status: r.run_status,
    recorded_at: iso(Number(r.recorded_at)),
  };
}
