// Test cases, suite runs and their results (docs/test-suite.md). Results are written in
// multi-row inserts as cases end; a suite run's counts are updated with them.
import type { Updateable } from "kysely";
import type {
  CaseResult,
  SuiteResultRow,
  SuiteRunRow,
  SuiteRunsTable,
  TestCaseRow,
  TestCasesTable,
} from "../schema.ts";
import { chunks, type Db } from "./db.ts";
import { uuidFloor } from "./runActivity.ts";

/** Inserts one case; false when the process already has a case of that name (a race lost). */
export async function insertTestCase(db: Db, row: TestCaseRow): Promise<boolean> {
  const r = await db
    .insertInto("test_cases")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function getTestCase(db: Db, id: string): Promise<TestCaseRow | undefined> {
  return db.selectFrom("test_cases").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A process's cases (or every case), oldest first. */
export async function listTestCases(
  db: Db,
  processIds?: readonly string[],
): Promise<TestCaseRow[]> {
  let q = db.selectFrom("test_cases").selectAll();
  if (processIds !== undefined) {
    if (processIds.length === 0) return [];
    q = q.where("process_id", "in", processIds);
  }
  return q.orderBy("process_id").orderBy("created_at").orderBy("id").execute();
}

/** The names a process's cases use (to give a new case a name of its own). */
export async function testCaseNames(db: Db, processId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("test_cases")
    .select("name")
    .where("process_id", "=", processId)
    .execute();
  return rows.map((r) => r.name);
}

export async function updateTestCase(
  db: Db,
  id: string,
  patch: Updateable<TestCasesTable>,
): Promise<TestCaseRow | undefined> {
  return db
    .updateTable("test_cases")
    .set(patch)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteTestCase(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom("test_cases").where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** How many cases each process has. */
export async function countTestCases(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("test_cases")
    .select(["process_id", (eb) => eb.fn.countAll<number | string>().as("n")])
    .groupBy("process_id")
    .execute();
  return new Map(rows.map((r) => [r.process_id, Number(r.n)]));
}

export async function insertSuiteRun(db: Db, row: SuiteRunRow): Promise<void> {
  await db.insertInto("suite_runs").values(row).execute();
}

export async function getSuiteRun(db: Db, id: string): Promise<SuiteRunRow | undefined> {
  return db.selectFrom("suite_runs").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function updateSuiteRun(
  db: Db,
  id: string,
  patch: Updateable<SuiteRunsTable>,
  /**
   * Only while it is Running (a final suite run never changes; default true), and, with
   * `owner`, only while that process still executes it (not taken over).
   */
  guard: { onlyRunning?: boolean; owner?: string } = {},
): Promise<boolean> {
  let q = db.updateTable("suite_runs").set(patch).where("id", "=", id);
  if (guard.onlyRunning !== false) q = q.where("status", "=", "Running");
  if (guard.owner !== undefined) q = q.where("owner", "=", guard.owner);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Suite runs, newest first (ids are time-ordered), before an id for the next page. */
export async function listSuiteRuns(
  db: Db,
  opts: { limit: number; beforeId?: string; status?: string },
): Promise<SuiteRunRow[]> {
  let q = db.selectFrom("suite_runs").selectAll();
  if (opts.beforeId !== undefined) q = q.where("id", "<", opts.beforeId);
  if (opts.status !== undefined) q = q.where("status", "=", opts.status as SuiteRunRow["status"]);
  return q.orderBy("id", "desc").limit(opts.limit).execute();
}

export async function insertSuiteResults(db: Db, rows: SuiteResultRow[]): Promise<void> {
  for (const part of chunks(rows, 9)) await db.insertInto("suite_results").values(part).execute();
}

export async function listSuiteResults(db: Db, suiteRunId: string): Promise<SuiteResultRow[]> {
  return db
    .selectFrom("suite_results")
    .selectAll()
    .where("suite_run_id", "=", suiteRunId)
    .orderBy("process_id")
    .orderBy("case_name")
    .execute();
}

export interface ProcessLastResult {
  process_id: string;
  suite_run_id: string;
  counts: Record<CaseResult, number>;
}

/** Each process's latest suite run that ran its cases, with its counts there. */
export async function lastResultsByProcess(db: Db): Promise<ProcessLastResult[]> {
  const latest = await db
    .selectFrom("suite_results")
    .select(["process_id", (eb) => eb.fn.max("suite_run_id").as("suite_run_id")])
    .groupBy("process_id")
    .execute();
  if (latest.length === 0) return [];
  const ids = [...new Set(latest.map((l) => l.suite_run_id as string))];
  const counts = await db
    .selectFrom("suite_results")
    .select([
      "suite_run_id",
      "process_id",
      "status",
      (eb) => eb.fn.countAll<number | string>().as("n"),
    ])
    .where("suite_run_id", "in", ids)
    .groupBy(["suite_run_id", "process_id", "status"])
    .execute();
  return latest.map((l) => {
    const c: Record<CaseResult, number> = { Passed: 0, Failed: 0, Error: 0, Cancelled: 0 };
    for (const r of counts) {
      if (r.suite_run_id === l.suite_run_id && r.process_id === l.process_id)
        c[r.status] = Number(r.n);
    }
    return { process_id: l.process_id, suite_run_id: l.suite_run_id as string, counts: c };
  });
}

/** The answers a run was given, in order. */
export async function runAnswers(db: Db, runId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("run_events")
    .select("data")
    .where("run_id", "=", runId)
    .where("type", "=", "answer")
    .orderBy("seq")
    .execute();
  return rows.map((r) => r.data);
}

/** Cases made from these runs. */
export async function casesFromRuns(db: Db, runIds: readonly string[]): Promise<TestCaseRow[]> {
  if (runIds.length === 0) return [];
  return db.selectFrom("test_cases").selectAll().where("source_run_id", "in", runIds).execute();
}

/**
 * The owner's heartbeat: true while this owner still holds the Running suite run (false:
 * it ended, or another server took it over, so this one must write nothing more).
 */
export async function renewSuiteRun(
  db: Db,
  id: string,
  owner: string,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable("suite_runs")
    .set({ heartbeat_at: now })
    .where("id", "=", id)
    .where("owner", "=", owner)
    .where("status", "=", "Running")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Running suite runs whose owner has not been heard since `before` (or that have none). */
export async function staleSuiteRuns(db: Db, before: number): Promise<SuiteRunRow[]> {
  return db
    .selectFrom("suite_runs")
    .selectAll()
    .where("status", "=", "Running")
    .where((eb) => eb.or([eb("heartbeat_at", "is", null), eb("heartbeat_at", "<", before)]))
    .orderBy("id")
    .limit(100)
    .execute();
}

/**
 * Takes a stale suite run over: guarded by the owner and heartbeat it was seen with, so of
 * two servers that saw it stale only one gets it. Answers the row as taken, or undefined.
 */
export async function claimSuiteRun(
  db: Db,
  seen: Pick<SuiteRunRow, "id" | "owner" | "heartbeat_at" | "recoveries">,
  owner: string,
  now: number,
): Promise<SuiteRunRow | undefined> {
  return db
    .updateTable("suite_runs")
    .set({ owner, heartbeat_at: now, recoveries: seen.recoveries + 1 })
    .where("id", "=", seen.id)
    .where("status", "=", "Running")
    .where("owner", seen.owner === null ? "is" : "=", seen.owner)
    .where("heartbeat_at", seen.heartbeat_at === null ? "is" : "=", seen.heartbeat_at)
    .returningAll()
    .executeTakeFirst();
}

/** Hands back what this owner still runs (a graceful stop): the next sweep resumes them. */
export async function releaseSuiteRuns(db: Db, owner: string, ids: readonly string[]) {
  if (ids.length === 0) return;
  await db
    .updateTable("suite_runs")
    .set({ owner: null, heartbeat_at: null })
    .where("id", "in", ids)
    .where("owner", "=", owner)
    .where("status", "=", "Running")
    .execute();
}

/**
 * The test runs a suite run started (found again when another server resumes it): runs
 * with trigger `test` since it began whose trigger_details name it, newest first.
 */
export async function suiteTestRuns(
  db: Db,
  suiteRunId: string,
  createdAt: number,
): Promise<Array<{ id: string; trigger_details: string }>> {
  return db
    .selectFrom("runs")
    .select(["id", "trigger_details"])
    .where("id", ">=", uuidFloor(createdAt - 60_000))
    .where("trigger", "=", "test")
    .where("trigger_details", "like", `%"suite_run":"${suiteRunId.replace(/[^0-9a-f-]/g, "")}"%`)
    .orderBy("id", "desc")
    .execute();
}
