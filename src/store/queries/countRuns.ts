// Counts runs by status (health, metrics, benchmarks, tests).
import type { RunStatus } from "../schema.ts";
import type { Db } from "./db.ts";

export async function countRunsByStatus(db: Db): Promise<Partial<Record<RunStatus, number>>> {
  const rows = await db
    .selectFrom("runs")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  const out: Partial<Record<RunStatus, number>> = {};
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}
