// Firing due slots. One pass reads the enabled schedules that are due, works out each one's
// slots up to now, and in ONE group-commit transaction: moves each schedule past its slots
// with a guarded update (only the writer that read the same next_due_at wins), records the
// slots (primary key schedule_id, due_at: a slot is recorded once, whoever tries), and
// stores the runs of the fired ones on the published version current at their due time.
// So any number of scheduler processes on one database fire each slot exactly once.
//
// Lateness and downtime: when every slot due is at most `graceMs` late, all fire (a busy
// moment loses none); when one is older (the server was down), only the most recent fires
// and the rest are recorded skipped (at most MAX_SKIPPED_ROWS rows, the oldest saying how
// it stands for earlier ones too).
import type { Json } from "../../interpreter/types.ts";
import {
  advanceSchedules,
  type Db,
  dueSchedules,
  findProcess,
  getRuns,
  insertSlots,
  isFinalStatus,
  type ProcessRow,
  type ScheduleRow,
  type ScheduleSlotRow,
  type Store,
  skipSlot,
  versionAt,
} from "../../store/index.ts";
import type { EngineBus } from "../bus.ts";
import { type GroupCommit, PHASE_INSERT } from "../groupCommit.ts";
import type { PreparedRun, RunStarter } from "../startRun.ts";
import { type CronPlan, compileCron, nextAfter } from "./cron.ts";
import { inputsPhrase, missingInputs } from "./service.ts";

export interface FireDeps {
  store: Store;
  starter: RunStarter;
  group: GroupCommit;
  bus: EngineBus;
  inputsOf(db: Db, sourceHash: string): Promise<string[]>;
}

export interface FireOptions {
  /** A backlog whose oldest slot is at most this late all fires (default 30 s); older is an outage. */
  graceMs?: number;
  /** Schedules handled per pass (default 500; the caller loops while `more`). */
  batch?: number;
}

export interface FireResult {
  fired: number;
  skipped: number;
  /** Run ids started, with their slot. */
  runs: Array<{ scheduleId: string; dueAt: number; runId: string }>;
  /** A full batch was handled: call again. */
  more: boolean;
}

export const DEFAULT_GRACE_MS = 30_000;
export const MISSED_REASON = "missed while the server was down";
const MAX_SLOTS_SCANNED = 1000;
const MAX_FIRED_PER_PASS = 100;
const MAX_SKIPPED_ROWS = 100;

interface Decision {
  row: ScheduleRow;
  next: number | null;
  fire: number[];
  skip: Array<{ dueAt: number; reason: string }>;
}

/** The slots of a due schedule up to now, and its next slot after them. */
function slotsUpTo(
  row: ScheduleRow,
  plan: CronPlan,
  now: number,
): { due: number[]; next: number | null; unlisted: number } {
  const ends = row.ends_at === null ? null : Number(row.ends_at);
  const due: number[] = [];
  let t: number | null = Number(row.next_due_at);
  let unlisted = 0;
  while (t !== null && t <= now && (ends === null || t <= ends)) {
    due.push(t);
    if (due.length > MAX_SLOTS_SCANNED) {
      // A long outage of a frequent schedule: keep the latest ones only.
      due.splice(0, due.length - MAX_SKIPPED_ROWS);
      unlisted += MAX_SLOTS_SCANNED - MAX_SKIPPED_ROWS + 1;
      // Jump ahead: the slots of the last stretch before now.
      const jumpFrom = Math.max(t, now - 3_600_000);
      if (jumpFrom > t) {
        t = nextAfter(plan, row.timezone, jumpFrom);
        continue;
      }
    }
    t = nextAfter(plan, row.timezone, t);
  }
  if (t !== null && ends !== null && t > ends) t = null;
  return { due, next: t, unlisted };
}

function decide(row: ScheduleRow, now: number, graceMs: number): Decision {
  const plan = compileCron(row.cron);
  const { due, next, unlisted } = slotsUpTo(row, plan, now);
  // A backlog within the grace is a busy moment: all of it fires. One older is an outage.
  const first = due[0];
  const fire = first !== undefined && now - first <= graceMs ? due : due.slice(-1);
  const fireSet = new Set(fire);
  const missed = due.filter((d) => !fireSet.has(d));
  const kept = missed.slice(-MAX_SKIPPED_ROWS);
  const dropped = missed.length - kept.length + unlisted;
  const skip = kept.map((dueAt, i) => ({
    dueAt,
    reason:
      i === 0 && dropped > 0
        ? `${MISSED_REASON} (earlier missed slots are not listed)`
        : MISSED_REASON,
  }));
  const fired = fire.slice(-MAX_FIRED_PER_PASS);
  for (const d of fire.slice(0, fire.length - fired.length))
    skip.push({ dueAt: d, reason: "too many slots were due at once" });
  return { row, next, fire: fired, skip };
}

export async function fireDue(
  deps: FireDeps,
  now: number,
  opts: FireOptions = {},
): Promise<FireResult> {
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const batch = opts.batch ?? 500;
  const rows = await dueSchedules(deps.store.db, now, batch);
  const result: FireResult = { fired: 0, skipped: 0, runs: [], more: rows.length >= batch };
  if (rows.length === 0) return result;
  const decisions: Decision[] = [];
  for (const row of rows) {
    try {
      decisions.push(decide(row, now, graceMs));
    } catch {
      // A row whose rules no longer read (cannot happen for rows this version wrote): park it.
      decisions.push({ row, next: null, fire: [], skip: [] });
    }
  }
  // Overlap "skip": the last run of each such schedule, read once for the pass.
  const lastIds = decisions
    .filter((d) => d.row.overlap === "skip" && d.row.last_run_id && d.fire.length > 0)
    .map((d) => d.row.last_run_id as string);
  const lastStatus = new Map(
    (lastIds.length ? await getRuns(deps.store.db, lastIds) : []).map((r) => [r.id, r.status]),
  );
  const prepared = new Map<string, PreparedRun>();
  for (const d of decisions) {
    const keep: number[] = [];
    let busy: { id: string; status: string } | undefined;
    if (d.row.overlap === "skip" && d.row.last_run_id) {
      const st = lastStatus.get(d.row.last_run_id);
      if (st && !isFinalStatus(st)) busy = { id: d.row.last_run_id, status: st };
    }
    for (const dueAt of d.fire) {
      if (busy) {
        d.skip.push({ dueAt, reason: `the previous run ${busy.id} was still ${busy.status}` });
        continue;
      }
      try {
        const run = await deps.starter.prepare({
          process: d.row.process_id,
          inputs: JSON.parse(d.row.inputs) as Record<string, Json>,
          trigger: {
            type: "schedule",
            details: {
              schedule_id: d.row.id,
              schedule_name: d.row.name,
              slot: new Date(dueAt).toISOString(),
            },
          },
        });
        prepared.set(`${d.row.id}|${dueAt}`, run);
        keep.push(dueAt);
        if (d.row.overlap === "skip") busy = { id: run.id, status: "Pending" };
      } catch (err) {
        d.skip.push({ dueAt, reason: reasonOf(err) });
      }
    }
    d.fire = keep;
  }
  // In id order (the rows are locked in that order).
  decisions.sort((a, b) => (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));
  const out = await deps.group.submit(PHASE_INSERT, async (trx, ctx) => {
    const r: FireResult = { fired: 0, skipped: 0, runs: [], more: result.more };
    const processes = new Map<string, ProcessRow | undefined>();
    const slots: ScheduleSlotRow[] = [];
    const toStart: Array<{ d: Decision; dueAt: number; run: PreparedRun }> = [];
    const recordedAt = Date.now();
    const won = await advanceSchedules(
      trx,
      deps.store.dialect.lockRows,
      decisions.map((d) => {
        const lastFire = d.fire.at(-1);
        const lastRun =
          lastFire === undefined ? undefined : prepared.get(`${d.row.id}|${lastFire}`);
        return {
          id: d.row.id,
          expected: Number(d.row.next_due_at),
          next: d.next,
          lastRunId: lastRun?.id ?? null,
        };
      }),
    );
    for (const d of decisions) {
      if (!won.has(d.row.id)) continue;
      for (const s of d.skip) {
        slots.push({
          schedule_id: d.row.id,
          due_at: s.dueAt,
          status: "skipped",
          reason: s.reason,
          run_id: null,
          recorded_at: recordedAt,
        });
      }
      for (const dueAt of d.fire) {
        const base = prepared.get(`${d.row.id}|${dueAt}`) as PreparedRun;
        let p = processes.get(d.row.process_id);
        if (!processes.has(d.row.process_id)) {
          p = await findProcess(trx, d.row.process_id);
          processes.set(d.row.process_id, p);
        }
        const source = p ? await versionCurrentAt(trx, p, dueAt) : undefined;
        const missing = source
          ? missingInputs(
              await deps.inputsOf(trx, source.sourceHash),
              JSON.parse(d.row.inputs) as Record<string, unknown>,
            )
          : [];
        if (!source || missing.length > 0) {
          const reason = !p
            ? "the process no longer exists"
            : !source
              ? "the process had no published version at the due time"
              : `version ${source.version} needs ${inputsPhrase(missing)}, which this schedule does not store`;
          slots.push({
            schedule_id: d.row.id,
            due_at: dueAt,
            status: "skipped",
            reason,
            run_id: null,
            recorded_at: recordedAt,
          });
          continue;
        }
        const run: PreparedRun = {
          ...base,
          exactSource: { version: source.version, sourceHash: source.sourceHash },
        };
        slots.push({
          schedule_id: d.row.id,
          due_at: dueAt,
          status: "fired",
          reason: null,
          run_id: run.id,
          recorded_at: recordedAt,
        });
        toStart.push({ d, dueAt, run });
      }
    }
    const fresh = await insertSlots(trx, slots);
    const starting = toStart.filter((s) => fresh.has(`${s.d.row.id}|${s.dueAt}`));
    const { stored, refused } = await deps.starter.commitPrepared(
      trx,
      ctx,
      starting.map((s) => s.run),
    );
    for (const s of starting) {
      if (stored.has(s.run.id)) {
        r.runs.push({ scheduleId: s.d.row.id, dueAt: s.dueAt, runId: s.run.id });
        continue;
      }
      await skipSlot(trx, s.d.row.id, s.dueAt, reasonOf(refused.get(s.run.id)));
    }
    r.fired = r.runs.length;
    r.skipped = slots.filter((s) => fresh.has(`${s.schedule_id}|${s.due_at}`)).length - r.fired;
    return r;
  });
  if (out.fired > 0) deps.bus.wake();
  return out;
}

async function versionCurrentAt(
  trx: Db,
  p: ProcessRow,
  at: number,
): Promise<{ version: number; sourceHash: string } | undefined> {
  if (p.latest_version === 0 || p.published_hash === null) return undefined;
  // Usually the latest: published before the due time.
  if (Number(p.updated_at) <= at)
    return { version: p.latest_version, sourceHash: p.published_hash };
  const v = await versionAt(trx, p.id, at);
  return v ? { version: v.version, sourceHash: v.source_hash } : undefined;
}

function reasonOf(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err ?? "the run was refused");
  return `the run was refused: ${m}`.slice(0, 500);
}
