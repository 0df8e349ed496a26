// The tables as Kysely sees them. Times are epoch milliseconds (bigint), JSON is stored as
// text and flags as 0/1 integers, so that both dialects hold exactly the same values.
import type { Insertable, Selectable } from "kysely";

// The lists of statuses, stages and triggers: the one place they are spelled (the API's
// schemas, the CLI and the engine's checks use these).

export const FINAL_STATUSES = ["Succeeded", "Failed", "Cancelled", "TimedOut"] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
/** Run statuses, spelled as in PRODUCT.md. */
export const RUN_STATUSES = ["Pending", "Running", "AwaitingAnswer", ...FINAL_STATUSES] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export function isFinalStatus(s: RunStatus): s is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(s);
}

export const STAGES = ["draft", "published"] as const;
export type Stage = (typeof STAGES)[number];

export const TRIGGER_TYPES = ["manual", "email", "api", "schedule", "rerun", "test"] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export interface ProcessesTable {
  id: string;
  name: string;
  description: string;
  draft_source: string;
  /** sha-256 of draft_source; a row in `sources`. */
  draft_hash: string;
  /** JSON string[]: the draft's input names. */
  draft_inputs: string;
  /** Source hash of the latest published version (null before the first publish). */
  published_hash: string | null;
  /** JSON ProcessSettings. */
  settings: string;
  /** JSON string[]. */
  starred_outputs: string;
  latest_version: number;
  created_at: number;
  updated_at: number;
}

/** Source texts by content hash: never change, shared by drafts, versions and runs. */
export interface SourcesTable {
  hash: string;
  source: string;
  /** JSON string[]: the input names computed from the source. */
  inputs: string;
  created_at: number;
}

export interface VersionsTable {
  process_id: string;
  version: number;
  source_hash: string;
  created_at: number;
}

export interface RunsTable {
  id: string;
  process_id: string;
  stage: Stage;
  /** Published version number; null for draft runs (source_hash says what ran). */
  version: number | null;
  source_hash: string;
  trigger: TriggerType;
  trigger_details: string;
  status: RunStatus;
  /** JSON object as shown to people: files appear as {file_id, name, type, size}. */
  inputs: string;
  /** JSON Record<string, Value>: the interpreter's input values (files by ref). */
  input_values: string;
  file_ids: string;
  outputs: string | null;
  log: string | null;
  error: string | null;
  question: string | null;
  /** The suspended or checkpointed interpreter state; null before the first claim and once final. */
  exec_state: string | null;
  timeline: string | null;
  /** Lower-cased inputs and outputs for text search on both dialects. */
  search_text: string;
  rerun_of: string | null;
  archived: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  /** Last lease renewal; with running_since it tells how much time a lost worker used. */
  heartbeat_at: number | null;
  running_since: number | null;
  attempts: number;
  recoveries: number;
  time_used_ms: number;
  time_limit_ms: number;
  cancel_requested: number;
  cancelled_by: string | null;
  /** Last event sequence number given out for this run. */
  event_seq: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface RunEventsTable {
  run_id: string;
  seq: number;
  at: number;
  type: string;
  data: string;
}

export interface FilesTable {
  id: string;
  name: string;
  type: string;
  size: number;
  bytes: Uint8Array;
  created_at: number;
}

export interface IdempotencyKeysTable {
  key: string;
  body_hash: string;
  run_id: string;
  created_at: number;
}

/** A process's email address token (one per process; the stage is in the local part). */
export interface EmailAddressesTable {
  process_id: string;
  token: string;
  /** JSON SenderRule: who may send to the process's addresses. */
  senders: string;
  created_at: number;
  updated_at: number;
}

/** An email a run sends: stored as "sending" before the relay is asked, then "sent" or "refused". */
export interface SentEmailsTable {
  id: string;
  run_id: string;
  /** Which statement (and which time it ran) sent it: unique per run. */
  step: string;
  message_id: string;
  /** JSON { to: string[], cc: string[] }. */
  recipients: string;
  subject: string;
  status: string;
  /** The relay's answer. */
  answer: string | null;
  created_at: number;
  updated_at: number;
}

/** A test case: a Succeeded run kept as a baseline (docs/test-suite.md). */
export interface TestCasesTable {
  id: string;
  process_id: string;
  name: string;
  /** JSON object: the inputs as shown (files as {file_id, name, type, size}). */
  inputs: string;
  /** JSON: the interpreter's input values, as the run stored them. */
  input_values: string;
  /** JSON string[]. */
  file_ids: string;
  /** JSON object: the baseline outputs (edited expected values included). */
  expected: string;
  /** JSON string[] | null: the outputs compared, overriding the process's starred outputs. */
  compare: string | null;
  /** JSON string[]: outputs never compared. */
  ignore: string;
  /** JSON Json[]: the answers the run was given, in order, replayed when a question comes. */
  answers: string;
  source_run_id: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export const SUITE_STATUSES = ["Running", "Passed", "Failed", "Cancelled"] as const;
export type SuiteStatus = (typeof SUITE_STATUSES)[number];
export const CASE_RESULTS = ["Passed", "Failed", "Error", "Cancelled"] as const;
export type CaseResult = (typeof CASE_RESULTS)[number];

/** One execution of the cases of some processes on one stage. */
export interface SuiteRunsTable {
  id: string;
  stage: Stage;
  status: SuiteStatus;
  /** Why it ran: "manual", "publish" (the publish gate)… */
  reason: string;
  /** JSON [{id, name, version, source_hash, cases}]: what ran. */
  processes: string;
  /** JSON [{id, name}]: processes asked for that have no case. */
  missing: string;
  started_by: string | null;
  total: number;
  passed: number;
  failed: number;
  errored: number;
  cancelled: number;
  cancel_requested: number;
  created_at: number;
  finished_at: number | null;
  /** The process executing it (a SuiteService's id); null: none (handed back). */
  owner: string | null;
  /** When the owner last said it is alive (ms); stale or null: another server resumes it. */
  heartbeat_at: number | null;
  /** How many times another server took it over. */
  recoveries: number;
}

/** A case's result in a suite run, written when it ends. */
export interface SuiteResultsTable {
  suite_run_id: string;
  case_id: string;
  process_id: string;
  case_name: string;
  status: CaseResult;
  run_id: string | null;
  /** JSON DiffEntry[] (empty unless Failed). */
  diff: string;
  /** Why it is Error or Cancelled. */
  reason: string | null;
  finished_at: number;
}

export const SCHEDULE_OVERLAPS = ["allow", "skip"] as const;
export type ScheduleOverlap = (typeof SCHEDULE_OVERLAPS)[number];
export const SLOT_STATUSES = ["fired", "skipped"] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

/** A published process run at cron times in a zone (docs/schedules.md). */
export interface SchedulesTable {
  id: string;
  process_id: string;
  name: string;
  /** The effective cron expression (a preset's too). */
  cron: string;
  /** JSON Preset | null. */
  preset: string | null;
  timezone: string;
  starts_at: number | null;
  ends_at: number | null;
  /** JSON object: the inputs each run gets, as POST /runs takes them. */
  inputs: string;
  enabled: number;
  /** Why the schedule was turned off by the system (a version needing new inputs). */
  disabled_reason: string | null;
  overlap: ScheduleOverlap;
  /** The earliest slot not yet handled; null when none is left (ended) or disabled. */
  next_due_at: number | null;
  /** The run of the last fired slot (the overlap policy looks at it). */
  last_run_id: string | null;
  created_at: number;
  updated_at: number;
}

/** A schedule's slot handled once: fired (a run) or skipped (why). */
export interface ScheduleSlotsTable {
  schedule_id: string;
  due_at: number;
  status: SlotStatus;
  reason: string | null;
  run_id: string | null;
  recorded_at: number;
}

export interface Database {
  processes: ProcessesTable;
  sources: SourcesTable;
  versions: VersionsTable;
  runs: RunsTable;
  run_events: RunEventsTable;
  files: FilesTable;
  idempotency_keys: IdempotencyKeysTable;
  email_addresses: EmailAddressesTable;
  sent_emails: SentEmailsTable;
  test_cases: TestCasesTable;
  suite_runs: SuiteRunsTable;
  suite_results: SuiteResultsTable;
  schedules: SchedulesTable;
  schedule_slots: ScheduleSlotsTable;
}

export type ProcessRow = Selectable<ProcessesTable>;
export type RunRow = Selectable<RunsTable>;
export type NewRunRow = Insertable<RunsTable>;
export type RunEventRow = Selectable<RunEventsTable>;
export type FileRow = Selectable<FilesTable>;
export type TestCaseRow = Selectable<TestCasesTable>;
export type SuiteRunRow = Selectable<SuiteRunsTable>;
export type SuiteResultRow = Selectable<SuiteResultsTable>;
export type ScheduleRow = Selectable<SchedulesTable>;
export type ScheduleSlotRow = Selectable<ScheduleSlotsTable>;
