// ScheduleService (`engine.schedules`): schedules of published processes, their preview,
// history of slots, and the publish hook that turns off the schedules a new version's
// inputs leave short. Firing is in fire.ts (the scheduler role calls it).
import { EventEmitter } from "node:events";
import type { Json } from "../../interpreter/types.ts";
import { normalizeName } from "../../language/index.ts";
import {
  countSchedules,
  type Db,
  deleteSchedule,
  earliestDue,
  findProcess,
  getSchedule,
  getSource,
  insertSchedule,
  listProcesses,
  listSchedules,
  listSlots,
  type ProcessRow,
  SCHEDULE_OVERLAPS,
  type ScheduleOverlap,
  type ScheduleRow,
  type Store,
  updateSchedule,
} from "../../store/index.ts";
import type { EngineBus } from "../bus.ts";
import { EngineError } from "../errors.ts";
import type { GroupCommit } from "../groupCommit.ts";
import { newId } from "../ids.ts";
import { checkInputsShape } from "../inputs.ts";
import type { EngineLimits } from "../limits.ts";
import type { RunStarter } from "../startRun.ts";
import { nextAfter } from "./cron.ts";
import { type FireOptions, type FireResult, fireDue } from "./fire.ts";
import type { Preset } from "./presets.ts";
import { type CheckedSpec, checkSpec, type ScheduleSpec, upcoming } from "./spec.ts";
import { type Schedule, type SchedulePreview, type SlotPage, toSchedule, toSlot } from "./views.ts";

export interface ScheduleInput extends ScheduleSpec {
  name?: string;
  inputs?: Record<string, Json>;
  enabled?: boolean;
  overlap?: ScheduleOverlap;
}

export type SchedulePatch = Partial<Omit<ScheduleInput, "name">> & { name?: string | null };

export const MAX_SCHEDULES_PER_PROCESS = 100;
const MAX_NAME = 100;
const NEXT_COUNT = 5;
export const MAX_SLOT_PAGE = 200;

/** "the input 'region'" / "the inputs 'a' and 'b'". */
export function inputsPhrase(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  const joined = q.length > 1 ? `${q.slice(0, -1).join(", ")} and ${q.at(-1)}` : (q[0] ?? "");
  return `the input${names.length === 1 ? "" : "s"} ${joined}`;
}

/** The input names a version needs that the stored inputs lack. */
export function missingInputs(needed: string[], stored: Record<string, unknown>): string[] {
  const have = new Set(Object.keys(stored).map((k) => normalizeName(k)));
  return needed.filter((n) => !have.has(normalizeName(n)));
}

function specOfRow(r: ScheduleRow): CheckedSpec {
  return checkSpec({
    cron: r.preset ? null : r.cron,
    preset: r.preset ? (JSON.parse(r.preset) as Preset) : null,
    timezone: r.timezone,
    starts_at: r.starts_at === null ? null : new Date(Number(r.starts_at)).toISOString(),
    ends_at: r.ends_at === null ? null : new Date(Number(r.ends_at)).toISOString(),
  });
}

/** The first slot after `now` (within the start and end), or null when none is left. */
export function firstDue(spec: CheckedSpec, now: number): number | null {
  return upcoming(spec, now, 1)[0] ?? null;
}

export class ScheduleService {
  /** "change": a schedule was created, changed or removed here (the local scheduler re-plans). */
  readonly events = new EventEmitter();
  private readonly sourceInputs = new Map<string, string[]>();

  constructor(
    private readonly store: Store,
    private readonly starter: RunStarter,
    private readonly limits: EngineLimits,
    private readonly group: GroupCommit,
    private readonly bus: EngineBus,
    /** The clock (tests drive it). */
    readonly now: () => number = Date.now,
  ) {
    this.events.setMaxListeners(0);
  }

  /**
   * Fires the slots due at `now` (the scheduler role's one step; see fire.ts): each slot
   * once across every process sharing the store.
   */
  fireDue(now: number = this.now(), opts: FireOptions = {}): Promise<FireResult> {
    return fireDue(
      {
        store: this.store,
        starter: this.starter,
        group: this.group,
        bus: this.bus,
        inputsOf: (db, hash) => this.inputsOf(db, hash),
      },
      now,
      opts,
    );
  }

  /** The earliest slot of any enabled schedule (epoch ms), or null. */
  earliestDue(): Promise<number | null> {
    return earliestDue(this.store.db);
  }

  /** A schedule's summary and next fire times, saving nothing. */
  preview(spec: ScheduleSpec): SchedulePreview {
    const s = checkSpec(spec);
    return {
      summary: s.summary,
      next: upcoming(s, this.now(), NEXT_COUNT).map((t) => new Date(t).toISOString()),
      timezone: s.timezone,
    };
  }

  async list(processRef: string): Promise<Schedule[]> {
    const p = await this.process(processRef);
    return (await listSchedules(this.store.db, p.id)).map((r) => this.view(r, p.name));
  }

  async listAll(): Promise<Schedule[]> {
    const names = new Map((await listProcesses(this.store.db)).map((p) => [p.id, p.name]));
    return (await listSchedules(this.store.db, undefined)).map((r) =>
      this.view(r, names.get(r.process_id) ?? r.process_id),
    );
  }

  async get(id: string): Promise<Schedule> {
    const r = await this.row(id);
    const p = await findProcess(this.store.db, r.process_id);
    return this.view(r, p?.name ?? r.process_id);
  }

  async create(processRef: string, input: ScheduleInput): Promise<Schedule> {
    if (!input || typeof input !== "object") {
      throw new EngineError(
        "invalid",
        "A schedule needs a cron expression or a preset, and a time zone.",
      );
    }
    const p = await this.process(processRef);
    if (p.latest_version === 0 || p.published_hash === null) {
      throw new EngineError(
        "stage",
        `"${p.name}" has no published version; publish it before scheduling it.`,
      );
    }
    const spec = checkSpec(input);
    const name = checkName(input.name, spec.summary);
    const overlap = checkOverlap(input.overlap ?? "allow");
    const enabled = checkEnabled(input.enabled ?? true);
    const inputs = await this.checkInputs(p, input.inputs ?? {});
    if ((await countSchedules(this.store.db, p.id)) >= MAX_SCHEDULES_PER_PROCESS) {
      throw new EngineError(
        "too_large",
        `"${p.name}" has ${MAX_SCHEDULES_PER_PROCESS} schedules already, the most a process may have.`,
      );
    }
    const now = this.now();
    const row: ScheduleRow = {
      id: newId(),
      process_id: p.id,
      name,
      ...timingColumns(spec),
      inputs: JSON.stringify(inputs),
      enabled: enabled ? 1 : 0,
      disabled_reason: null,
      overlap,
      next_due_at: enabled ? firstDue(spec, now) : null,
      last_run_id: null,
      created_at: now,
      updated_at: now,
    };
    await insertSchedule(this.store.db, row);
    this.changed();
    return this.view(row, p.name);
  }

  async update(id: string, patch: SchedulePatch): Promise<Schedule> {
    if (!patch || typeof patch !== "object") {
      throw new EngineError("invalid", "A schedule change is an object of the fields to change.");
    }
    const r = await this.row(id);
    const p = await this.processById(r.process_id);
    const timing = ["cron", "preset", "timezone", "starts_at", "ends_at"].some(
      (k) => (patch as Record<string, unknown>)[k] !== undefined,
    );
    const current = specOfRow(r);
    const givesCron = patch.cron !== undefined && patch.cron !== null;
    const givesPreset = patch.preset !== undefined && patch.preset !== null;
    const spec = timing
      ? checkSpec({
          cron: givesCron ? patch.cron : givesPreset ? null : current.preset ? null : current.cron,
          preset: givesPreset ? patch.preset : givesCron ? null : current.preset,
          timezone: patch.timezone ?? current.timezone,
          starts_at: patch.starts_at !== undefined ? patch.starts_at : isoOrNull(current.startsAt),
          ends_at: patch.ends_at !== undefined ? patch.ends_at : isoOrNull(current.endsAt),
        })
      : current;
    const name = patch.name === undefined ? r.name : checkName(patch.name, spec.summary);
    const overlap = patch.overlap === undefined ? r.overlap : checkOverlap(patch.overlap);
    const enabled = patch.enabled === undefined ? r.enabled === 1 : checkEnabled(patch.enabled);
    const inputs =
      patch.inputs === undefined
        ? (JSON.parse(r.inputs) as Record<string, Json>)
        : await this.checkInputs(p, patch.inputs, !enabled);
    if (enabled && patch.inputs === undefined && r.enabled === 0) {
      await this.checkInputs(p, inputs);
    }
    const now = this.now();
    const restart = timing || (enabled && r.enabled === 0);
    const next = !enabled ? null : restart ? firstDue(spec, now) : r.next_due_at;
    const changes: Partial<ScheduleRow> = {
      name,
      ...timingColumns(spec),
      inputs: JSON.stringify(inputs),
      enabled: enabled ? 1 : 0,
      disabled_reason: enabled ? null : r.disabled_reason,
      overlap,
      next_due_at: next,
      updated_at: now,
    };
    await updateSchedule(this.store.db, r.id, changes);
    this.changed();
    return this.get(r.id);
  }

  pause(id: string): Promise<Schedule> {
    return this.update(id, { enabled: false });
  }

  resume(id: string): Promise<Schedule> {
    return this.update(id, { enabled: true });
  }

  async remove(id: string): Promise<void> {
    const r = await this.row(id);
    await this.store.dialect.writeTransaction((trx) => deleteSchedule(trx, r.id));
    this.changed();
  }

  /** The schedule's slots, newest first; `cursor` is the last page's next_cursor. */
  async slots(
    id: string,
    opts: { limit?: number; cursor?: string | null } = {},
  ): Promise<SlotPage> {
    const r = await this.row(id);
    const limit = opts.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SLOT_PAGE) {
      throw new EngineError("invalid", `limit is a whole number from 1 to ${MAX_SLOT_PAGE}.`);
    }
    let before: number | undefined;
    if (opts.cursor !== undefined && opts.cursor !== null && opts.cursor !== "") {
      if (!/^\d{1,16}$/.test(opts.cursor)) {
        throw new EngineError("invalid", "cursor is the next_cursor of the previous page.");
      }
      before = Number(opts.cursor);
    }
    const rows = await listSlots(this.store.db, r.id, {
      limit: limit + 1,
      ...(before !== undefined ? { before } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toSlot),
      next_cursor: rows.length > limit && last ? String(last.due_at) : null,
    };
  }

  /**
   * The publish hook (in the publish transaction): schedules of the process whose stored
   * inputs lack one the new version needs are turned off, saying why.
   */
  async onPublished(
    trx: Db,
    processId: string,
    version: number,
    sourceHash: string,
  ): Promise<void> {
    const needed = await this.inputsOf(trx, sourceHash);
    if (needed.length === 0) return;
    const now = this.now();
    let changed = false;
    for (const s of await listSchedules(trx, processId, { enabledOnly: true })) {
      const missing = missingInputs(needed, JSON.parse(s.inputs) as Record<string, unknown>);
      if (missing.length === 0) continue;
      await updateSchedule(trx, s.id, {
        enabled: 0,
        next_due_at: null,
        disabled_reason: `Version ${version} needs ${inputsPhrase(missing)}, which this schedule does not store.`,
        updated_at: now,
      });
      changed = true;
    }
    if (changed) this.changed();
  }

  /** A source's input names (immutable by hash, so cached). */
  async inputsOf(db: Db, sourceHash: string): Promise<string[]> {
    let names = this.sourceInputs.get(sourceHash);
    if (!names) {
      const src = await getSource(db, sourceHash);
      names = src ? (JSON.parse(src.inputs) as string[]) : [];
      if (this.sourceInputs.size > 1000) this.sourceInputs.clear();
      this.sourceInputs.set(sourceHash, names);
    }
    return names;
  }

  /** Tells the local scheduler to look again. */
  changed(): void {
    this.events.emit("change");
  }

  /** The view, with the summary and the next fire times (none while paused or ended). */
  view(r: ScheduleRow, processName: string): Schedule {
    let summary: string;
    let next: number[] = [];
    try {
      const spec = specOfRow(r);
      summary = spec.summary;
      if (r.enabled === 1 && r.next_due_at !== null) {
        const now = this.now();
        const from = Math.max(now, Number(r.next_due_at) - 1);
        next = [];
        let t: number | null = from;
        while (next.length < NEXT_COUNT && t !== null) {
          t = nextAfter(spec.plan, spec.timezone, t);
          if (t === null || (spec.endsAt !== null && t > spec.endsAt)) break;
          if (spec.startsAt === null || t >= spec.startsAt) next.push(t);
        }
      }
    } catch (e) {
      // A row written by another version of the rules still reads.
      summary = `On the cron schedule "${r.cron}", ${r.timezone}`;
      void e;
    }
    return toSchedule(r, processName, summary, next);
  }

  private async row(id: string): Promise<ScheduleRow> {
    const r = typeof id === "string" && id ? await getSchedule(this.store.db, id) : undefined;
    if (!r) throw new EngineError("not_found", `No schedule with id "${id}".`);
    return r;
  }

  private async process(ref: string): Promise<ProcessRow> {
    const p = await findProcess(this.store.db, String(ref));
    if (!p) throw new EngineError("not_found", `No process named or with id "${ref}".`);
    return p;
  }

  private async processById(id: string): Promise<ProcessRow> {
    return this.process(id);
  }

  /**
   * Inputs as a run takes them, checked as startRun checks them (shape, files), and holding
   * every input the published version needs (unless the schedule stays off).
   */
  private async checkInputs(
    p: ProcessRow,
    raw: unknown,
    skipNeeded = false,
  ): Promise<Record<string, Json>> {
    const inputs = checkInputsShape(raw, this.limits);
    await this.starter.prepare({
      process: p.id,
      inputs,
      trigger: { type: "schedule" },
    });
    if (!skipNeeded && p.published_hash) {
      const missing = missingInputs(await this.inputsOf(this.store.db, p.published_hash), inputs);
      if (missing.length > 0) {
        throw new EngineError(
          "invalid",
          `Version ${p.latest_version} of "${p.name}" needs ${inputsPhrase(missing)}, which this schedule does not store: add ${missing.length === 1 ? "it" : "them"} to the schedule's inputs.`,
          { missing_inputs: missing },
        );
      }
    }
    return inputs;
  }
}

/** The stored columns of a checked spec. */
function timingColumns(spec: CheckedSpec) {
  return {
    cron: spec.cron,
    preset: spec.preset ? JSON.stringify(spec.preset) : null,
    timezone: spec.timezone,
    starts_at: spec.startsAt,
    ends_at: spec.endsAt,
  };
}

function isoOrNull(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}

function checkName(v: unknown, fallback: string): string {
  if (v === undefined || v === null) return fallback.slice(0, MAX_NAME);
  if (typeof v !== "string" || !v.trim()) {
    throw new EngineError(
      "invalid",
      "A schedule's name is text (leave it out to use the summary).",
    );
  }
  if (v.trim().length > MAX_NAME) {
    throw new EngineError("invalid", `A schedule's name has at most ${MAX_NAME} characters.`);
  }
  return v.trim();
}

function checkOverlap(v: unknown): ScheduleOverlap {
  if (!SCHEDULE_OVERLAPS.includes(v as ScheduleOverlap)) {
    throw new EngineError(
      "invalid",
      `overlap is "allow" (start each slot's run) or "skip" (skip a slot while the previous run is not final), not ${JSON.stringify(v)}.`,
    );
  }
  return v as ScheduleOverlap;
}

function checkEnabled(v: unknown): boolean {
  if (typeof v !== "boolean") throw new EngineError("invalid", "enabled is true or false.");
  return v;
}
