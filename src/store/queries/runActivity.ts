// What the web UI shows before rows: runs per hour by status (the chart above the runs
// table) and each process's latest run and recent count (the processes list). Run ids are
// uuid v7, ordered by creation time, so "since T" is an id range on the indexes that exist.
import { sql } from "kysely";
import { RUN_STATUSES, type RunStatus } from "../schema.ts";
import type { Db } from "./db.ts";

/** The smallest uuid v7 created at or after `ms`: ids compare as text in time order. */
export function uuidFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

export interface HourCount {
  /** Start of the hour, epoch ms. */
  hour: number;
  status: RunStatus;
  n: number;
}

const HOUR = 3_600_000;

/**
 * Runs created since `fromMs`, counted per hour and status, archived ones included (the
 * chart shows what happened). Read from the (status, id) index alone: an id's first 8 hex
 * digits are its creation time in units of 65.536 s, so runs are grouped by that prefix
 * and the groups summed per hour here (a group that spans an hour's start counts in the
 * hour it starts in).
 */
export async function countRunsPerHour(
  db: Db,
  opts: { fromMs: number; processId?: string },
): Promise<HourCount[]> {
  const prefix = sql<string>`substr(id, 1, 8)`;
  let q = db
    .selectFrom("runs")
    .select([prefix.as("prefix"), "status", (eb) => eb.fn.countAll<number>().as("n")])
    // Every status named, so the (status, id) index is used.
    .where("status", "in", RUN_STATUSES)
    .where("id", ">=", uuidFloor(opts.fromMs));
  if (opts.processId !== undefined) q = q.where("process_id", "=", opts.processId);
  const rows = await q.groupBy([prefix, "status"]).execute();
  const counts = new Map<string, HourCount>();
  for (const r of rows) {
    const ms = Math.max(Number.parseInt(r.prefix, 16) * 65_536, opts.fromMs);
    const hour = Math.floor(ms / HOUR) * HOUR;
    const key = `${hour}:${r.status}`;
    const c = counts.get(key) ?? { hour, status: r.status, n: 0 };
    c.n += Number(r.n);
    counts.set(key, c);
  }
  return [...counts.values()];
}

export interface ProcessActivity {
  processId: string;
  lastStatus: RunStatus | null;
  lastAt: number | null;
  recent: number;
}

/** Per process: its newest run (status, time) and how many runs it had since `sinceMs`. */
export async function processActivity(
  db: Db,
  processIds: readonly string[],
  sinceMs: number,
): Promise<ProcessActivity[]> {
  const floor = uuidFloor(sinceMs);
  return Promise.all(
    processIds.map(async (processId) => {
      const last = await db
        .selectFrom("runs")
        .select(["status", "created_at"])
        .where("process_id", "=", processId)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      const count = await db
        .selectFrom("runs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("process_id", "=", processId)
        .where("id", ">=", floor)
        .executeTakeFirst();
      return {
        processId,
        lastStatus: last?.status ?? null,
        lastAt: last ? Number(last.created_at) : null,
        recent: Number(count?.n ?? 0),
      };
    }),
  );
}
