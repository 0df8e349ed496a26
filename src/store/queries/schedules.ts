// Schedules and their slots. The scheduler reads the due ones (an index on enabled,
// next_due_at), advances each with a guarded update (only the writer that read the same
// next_due_at moves it), and records each slot once (primary key schedule_id, due_at).
import { sql } from "kysely";
import type { ScheduleRow, ScheduleSlotRow } from "../schema.ts";
import type { Db } from "./db.ts";

export async function insertSchedule(db: Db, row: ScheduleRow): Promise<void> {
  await db.insertInto("schedules").values(row).execute();
}

export async function getSchedule(db: Db, id: string): Promise<ScheduleRow | undefined> {
  return db.selectFrom("schedules").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A process's schedules, oldest first (all of them, or only the enabled ones). */
export async function listSchedules(
  db: Db,
  processId: string | undefined,
  opts: { enabledOnly?: boolean; limit?: number } = {},
): Promise<ScheduleRow[]> {
  let q = db.selectFrom("schedules").selectAll();
  if (processId !== undefined) q = q.where("process_id", "=", processId);
  if (opts.enabledOnly) q = q.where("enabled", "=", 1);
  return q
    .orderBy("created_at")
    .orderBy("id")
    .limit(opts.limit ?? 10_000)
    .execute();
}

export async function countSchedules(db: Db, processId: string): Promise<number> {
  const r = await db
    .selectFrom("schedules")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("process_id", "=", processId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function updateSchedule(
  db: Db,
  id: string,
  patch: Partial<Omit<ScheduleRow, "id" | "process_id" | "created_at">>,
): Promise<void> {
  await db.updateTable("schedules").set(patch).where("id", "=", id).execute();
}

export async function deleteSchedule(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom("schedule_slots").where("schedule_id", "=", id).execute();
  const r = await db.deleteFrom("schedules").where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Enabled schedules with a slot due at or before `now`, the most overdue first. */
export async function dueSchedules(db: Db, now: number, limit: number): Promise<ScheduleRow[]> {
  return db
    .selectFrom("schedules")
    .selectAll()
    .where("enabled", "=", 1)
    .where("next_due_at", "<=", now)
    .orderBy("next_due_at")
    .limit(limit)
    .execute();
}

/** The earliest slot of any enabled schedule (the scheduler sleeps until then). */
export async function earliestDue(db: Db): Promise<number | null> {
  const r = await db
    .selectFrom("schedules")
    .select((eb) => eb.fn.min<number | string | null>("next_due_at").as("t"))
    .where("enabled", "=", 1)
    .executeTakeFirst();
  return r?.t === null || r?.t === undefined ? null : Number(r.t);
}

export interface Advance {
  id: string;
  /** The next_due_at this writer read. */
  expected: number;
  next: number | null;
  /** The run of the last slot fired now (null: keep the one stored). */
  lastRunId: string | null;
}

/**
 * Moves schedules past the slots just handled, each only if it still stands where this
 * writer read it (next_due_at and enabled unchanged), in two statements: the rows are locked first, skipping
 * those another writer holds (PostgreSQL; `lockRows` is the dialect's clause), so two
 * schedulers never wait on each other; answers the ids this writer moved.
 */
export async function advanceSchedules(
  db: Db,
  lockRows: string,
  rows: readonly Advance[],
): Promise<Set<string>> {
  const won = new Set<string>();
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const locked = await sql<{ id: string }>`select id from schedules where id in (${sql.join(
      part.map((r) => r.id),
    )}) order by id${sql.raw(lockRows)}`.execute(db);
    const ids = new Set(locked.rows.map((r) => r.id));
    const take = part.filter((r) => ids.has(r.id));
    if (take.length === 0) continue;
    const values = sql.join(
      take.map(
        (r) =>
          sql`(cast(${r.id} as text), cast(${r.expected} as bigint), cast(${r.next} as bigint), cast(${r.lastRunId} as text))`,
      ),
    );
    const moved = await sql<{ id: string }>`update schedules set next_due_at = v.column3,
      last_run_id = coalesce(v.column4, schedules.last_run_id)
      from (values ${values}) as v
      where schedules.id = v.column1 and schedules.next_due_at = v.column2 and schedules.enabled = 1
      returning schedules.id`.execute(db);
    for (const m of moved.rows) won.add(m.id);
  }
  return won;
}

/** Records slots; answers the keys that were new (a slot recorded before is left as it is). */
export async function insertSlots(db: Db, rows: ScheduleSlotRow[]): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (let i = 0; i < rows.length; i += 500) {
    const got = await db
      .insertInto("schedule_slots")
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(["schedule_id", "due_at"]).doNothing())
      .returning(["schedule_id", "due_at"])
      .execute();
    for (const g of got) fresh.add(`${g.schedule_id}|${Number(g.due_at)}`);
  }
  return fresh;
}

/** A schedule's slots, newest first, before the due time `before` when given. */
export async function listSlots(
  db: Db,
  scheduleId: string,
  opts: { before?: number; limit: number },
): Promise<Array<ScheduleSlotRow & { run_status: string | null }>> {
  let q = db
    .selectFrom("schedule_slots as s")
    .leftJoin("runs as r", "r.id", "s.run_id")
    .selectAll("s")
    .select("r.status as run_status")
    .where("s.schedule_id", "=", scheduleId);
  if (opts.before !== undefined) q = q.where("s.due_at", "<", opts.before);
  const rows = await q.orderBy("s.due_at", "desc").limit(opts.limit).execute();
  return rows.map((r) => ({ ...r, due_at: Number(r.due_at), recorded_at: Number(r.recorded_at) }));
}

/**
 * The published version current at `at`: the latest created at or before it, or the first
 * version when `at` precedes them all (a clock set back).
 */
export async function versionAt(
  db: Db,
  processId: string,
  at: number,
): Promise<{ version: number; source_hash: string } | undefined> {
  const q = db
    .selectFrom("versions")
    .select(["version", "source_hash"])
    .where("process_id", "=", processId);
  return (
    (await q
      .where("created_at", "<=", at)
      .orderBy("version", "desc")
      .limit(1)
      .executeTakeFirst()) ?? (await q.orderBy("version").limit(1).executeTakeFirst())
  );
}

/** Turns a slot recorded as fired into a skipped one (its run was refused). */
export async function skipSlot(
  db: Db,
  scheduleId: string,
  dueAt: number,
  reason: string,
): Promise<void> {
  await db
    .updateTable("schedule_slots")
    .set({ status: "skipped", reason, run_id: null })
    .where("schedule_id", "=", scheduleId)
    .where("due_at", "=", dueAt)
    .execute();
}
