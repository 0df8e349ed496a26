// Where a suite run stands, for the server that resumes it after the one executing it
// stopped (its heartbeat went stale; docs/test-suite.md, "When a server stops"). The cases
// with a result keep it; a case whose test run had started is followed on that run (the
// workers resume the run itself like any run whose worker died); the other cases start.
import {
  type CaseResult,
  type Db,
  listSuiteResults,
  listTestCases,
  runAnswers,
  type SuiteRunRow,
  suiteTestRuns,
  type TestCaseRow,
} from "../../store/index.ts";
import { readJson } from "../storedJson.ts";
import type { SuiteProcess } from "./views.ts";

/** A case whose test run is executing; `answered`: the stored answers it was given so far. */
export interface InFlight {
  c: TestCaseRow;
  runId: string;
  answered: number;
}

/** The suite_runs column that counts each result. */
export const RESULT_COLUMN = {
  Passed: "passed",
  Failed: "failed",
  Error: "errored",
  Cancelled: "cancelled",
} as const;

export type SuiteCountColumns = Record<(typeof RESULT_COLUMN)[CaseResult], number>;

export interface SuiteProgress {
  /** Cases not started. */
  queue: TestCaseRow[];
  inflight: InFlight[];
  /** The results stored so far. */
  counts: SuiteCountColumns;
  /** Cases in the suite run: those with a result and those left. */
  total: number;
  /** End it at once, every case left Error with this reason (taken over too often). */
  endWith?: string;
}

/** The cases of a suite run that has just started: every one is to run. */
export function freshProgress(cases: TestCaseRow[]): SuiteProgress {
  return {
    queue: [...cases],
    inflight: [],
    counts: { passed: 0, failed: 0, errored: 0, cancelled: 0 },
    total: cases.length,
  };
}

export async function resumeProgress(db: Db, suite: SuiteRunRow): Promise<SuiteProgress> {
  const processes = JSON.parse(suite.processes) as SuiteProcess[];
  const [results, cases, runs] = await Promise.all([
    listSuiteResults(db, suite.id),
    listTestCases(
      db,
      processes.map((p) => p.id),
    ),
    suiteTestRuns(db, suite.id, suite.created_at),
  ]);
  const progress = freshProgress([]);
  for (const r of results) progress.counts[RESULT_COLUMN[r.status]]++;
  const done = new Set(results.map((r) => r.case_id));
  // The cases it began with: a case added since waits for the next suite run, and one
  // deleted since is no longer run (total says how many are left).
  const left = cases.filter((c) => c.created_at <= suite.created_at && !done.has(c.id));
  const runOf = new Map<string, string>();
  for (const r of runs) {
    const d = readJson<{ test_case?: unknown }>(r.trigger_details, {}, () => ({}));
    // Newest first: a case's latest run is the one to follow.
    if (typeof d.test_case === "string" && !runOf.has(d.test_case)) runOf.set(d.test_case, r.id);
  }
  for (const c of left) {
    const runId = runOf.get(c.id);
    if (runId === undefined) progress.queue.push(c);
    else progress.inflight.push({ c, runId, answered: (await runAnswers(db, runId)).length });
  }
  progress.total = results.length + left.length;
  return progress;
}
