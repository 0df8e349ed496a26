// Test cases, suite runs and results as the engine's callers (and the REST API) see them.
import type { Json } from "../../interpreter/types.ts";
import type {
  CaseResult,
  Stage,
  SuiteResultRow,
  SuiteRunRow,
  SuiteStatus,
  TestCaseRow,
} from "../../store/index.ts";
import type { DiffEntry } from "./diff.ts";

export interface TestCase {
  id: string;
  process_id: string;
  name: string;
  /** The inputs as the run was given them (files as {file_id, name, type, size}). */
  inputs: Record<string, Json>;
  file_ids: string[];
  /** The baseline outputs: what a run must give back. */
  expected: Record<string, Json>;
  /** The outputs compared, overriding the process's starred outputs; null: the process decides. */
  compare: string[] | null;
  /** Outputs never compared. */
  ignore: string[];
  /** The answers the run was given, in order, replayed when the process asks. */
  answers: Json[];
  source_run_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface SuiteProcess {
  id: string;
  name: string;
  /** The published version that ran; null for the draft. */
  version: number | null;
  source_hash: string | null;
  cases: number;
}

export interface SuiteCounts {
  total: number;
  passed: number;
  failed: number;
  error: number;
  cancelled: number;
  /** Not ended yet. */
  pending: number;
}

export interface SuiteRun {
  id: string;
  stage: Stage;
  status: SuiteStatus;
  /** "manual", or "publish" for the publish gate's runs. */
  reason: string;
  processes: SuiteProcess[];
  /** Processes asked for that have no test case ("Missing test cases"). */
  missing: Array<{ id: string; name: string }>;
  started_by: string | null;
  counts: SuiteCounts;
  created_at: string;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface CaseResultView {
  case_id: string;
  case_name: string;
  process_id: string;
  status: CaseResult;
  /** The test run (null when none could start, or the case was cancelled before it started). */
  run_id: string | null;
  diff: DiffEntry[];
  /** Why it is Error or Cancelled. */
  reason: string | null;
  finished_at: string;
}

export interface SuiteRunDetail extends SuiteRun {
  results: CaseResultView[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toTestCase(r: TestCaseRow): TestCase {
  return {
    id: r.id,
    process_id: r.process_id,
    name: r.name,
    inputs: JSON.parse(r.inputs),
    file_ids: JSON.parse(r.file_ids),
    expected: JSON.parse(r.expected),
    compare: r.compare === null ? null : JSON.parse(r.compare),
    ignore: JSON.parse(r.ignore),
    answers: JSON.parse(r.answers),
    source_run_id: r.source_run_id,
    created_by: r.created_by,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

export function toSuiteRun(r: SuiteRunRow): SuiteRun {
  const ended = r.passed + r.failed + r.errored + r.cancelled;
  return {
    id: r.id,
    stage: r.stage,
    status: r.status,
    reason: r.reason,
    processes: JSON.parse(r.processes),
    missing: JSON.parse(r.missing),
    started_by: r.started_by,
    counts: {
      total: r.total,
      passed: r.passed,
      failed: r.failed,
      error: r.errored,
      cancelled: r.cancelled,
      pending: Math.max(0, r.total - ended),
    },
    created_at: iso(r.created_at),
    finished_at: r.finished_at === null ? null : iso(r.finished_at),
    duration_ms: r.finished_at === null ? null : r.finished_at - r.created_at,
  };
}

export function toCaseResult(r: SuiteResultRow): CaseResultView {
  return {
    case_id: r.case_id,
    case_name: r.case_name,
    process_id: r.process_id,
    status: r.status,
    run_id: r.run_id,
    diff: JSON.parse(r.diff),
    reason: r.reason,
    finished_at: iso(r.finished_at),
  };
}
