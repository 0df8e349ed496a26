// The runs engine: processes and versions, startRun, run management, files and workers.
//
// Crash recovery: a run whose worker dies (its lease expires) is RESUMED by another worker
// from the last state the store holds: its last checkpoint (saved every checkpointMs with
// the log and steps written so far), or its suspension on a question, or its start. This is
// safe because the interpreter has no side effects outside the run's own record: executing
// the statements after a checkpoint again produces the same record. A run taken over more
// than maxRecoveries times ends Failed with the reason, so one run that kills its worker
// (memory, a bug) cannot take down every worker in turn.
//
// Throughput: everything written per run goes through one group commit per engine
// (groupCommit.ts): the runs startRun stores, the runs workers finish and the claims of new
// runs share one transaction per event-loop turn (on PostgreSQL a few such transactions are
// in flight at once), using statements built once per dialect (store/queries/statements.ts).
// A claim first executes each fresh run for one short slice inside its own transaction; a
// run that ends in it is written final in that same transaction, with the same events (Running, steps,
// log, end) and the same row as a claim followed by a finish. This is safe for the same
// reason as the recovery above: execution has no effect outside the run's record, so a
// transaction that does not commit leaves the run Pending as if it had never been picked.
// A pool never holds more leases than its concurrency (a finished run keeps its slot until
// its write is in a transaction; the claim that refills the slot comes after it).
export type { Diagnostic } from "./compileCache.ts";
export { createEngine, type Engine, type EngineOptions } from "./engine.ts";
export { EngineError, type EngineErrorCode, isEngineError } from "./errors.ts";
export type { ExecutorsHandle, ExecutorsOptions } from "./executor/executors.ts";
export { DEFAULT_EXECUTOR_MEMORY_MB, DEFAULT_WATCHDOG_MS } from "./executor/executors.ts";
export type { StoredFile } from "./files.ts";
export { MAX_JSON_DEPTH, tooDeep } from "./inputs.ts";
export { DEFAULT_LIMITS, DEFAULT_TIME_LIMIT_MS, type EngineLimits } from "./limits.ts";
export type {
  CheckResult,
  CreateProcessOptions,
  UpdateProcessOptions,
} from "./processes.ts";
export type {
  Actor,
  BulkResult,
  ListRunsOptions,
  RerunOptions,
  RunPage,
} from "./runs.ts";
export {
  DEFAULT_GRACE_MS,
  type FireOptions,
  type FireResult,
  MISSED_REASON,
} from "./schedules/fire.ts";
export { PRESET_KINDS, type Preset, WEEKDAYS, type Weekday } from "./schedules/presets.ts";
export {
  MAX_SCHEDULES_PER_PROCESS,
  MAX_SLOT_PAGE,
  type ScheduleInput,
  type SchedulePatch,
  ScheduleService,
} from "./schedules/service.ts";
export type { ScheduleSpec } from "./schedules/spec.ts";
export type { Schedule, SchedulePreview, Slot, SlotPage } from "./schedules/views.ts";
export { type SearchIndexerHandle, startSearchIndexer } from "./searchIndexer.ts";
export {
  openServerEngine,
  type ServerEngine,
  type ServerEngineOptions,
} from "./serverEngine.ts";
export type { StartRunOptions } from "./startRun.ts";
export type {
  AddTestCaseOptions,
  AddTestCaseResult,
  UpdateTestCaseOptions,
} from "./suite/cases.ts";
export { defaultCaseName } from "./suite/cases.ts";
export { type DiffEntry, diffOutputs } from "./suite/diff.ts";
export {
  type CaseChange,
  DEFAULT_SUITE_CONCURRENCY,
  type ProcessSuiteSummary,
  type RunSuiteOptions,
  type SuiteComparison,
  type SuitePage,
} from "./suite/suites.ts";
export type {
  CaseResultView,
  SuiteCounts,
  SuiteProcess,
  SuiteRun,
  SuiteRunDetail,
  TestCase,
} from "./suite/views.ts";
export type {
  Process,
  ProcessSettings,
  Run,
  RunDetail,
  RunEvent,
  RunEventType,
  Timeline,
  Trigger,
  Version,
} from "./views.ts";
export {
  type Mailer,
  type MailMessage,
  type MailSettings,
  relayMailer,
} from "./worker/outbox.ts";
export type { Logger, WorkerOptions, WorkerPoolHandle } from "./worker/pool.ts";
