// The store: schema, migrations and queries, the same on SQLite and PostgreSQL.

export type { DialectName, StoreDialect } from "./dialects/dialect.ts";
export {
  dataDirUrl,
  type OpenStoreOptions,
  openStore,
  SQLITE_FILE,
  type Store,
} from "./openStore.ts";
export {
  type ClaimOptions,
  claimByIds,
  claimExpired,
  selectPending,
} from "./queries/claimRuns.ts";
export { countRunsByStatus } from "./queries/countRuns.ts";
export { type Db, isUniqueViolation } from "./queries/db.ts";
export {
  type EmailAddressRow,
  getEmailAddress,
  getProcessByEmailToken,
  insertEmailAddress,
  type TokenProcess,
  updateEmailAddress,
} from "./queries/emailAddresses.ts";
export { type FileMeta, getFileMetas, getFiles, insertFiles } from "./queries/files.ts";
export { type FinishedRun, finishPending, finishRuns } from "./queries/finishRuns.ts";
export { getRun, getRuns } from "./queries/getRuns.ts";
export {
  getIdempotencyKey,
  type IdempotencyKeyRow,
  insertIdempotencyKeys,
} from "./queries/idempotencyKeys.ts";
export { insertRuns, type NewRunFields, newRunRow } from "./queries/insertRuns.ts";
export { runsLeasedBy } from "./queries/leasedRuns.ts";
export { listRuns, type RunFilter } from "./queries/listRuns.ts";
export {
  findProcess,
  findProcessByName,
  insertProcess,
  listProcesses,
  updateProcess,
} from "./queries/processes.ts";
export { type RenewedLease, type RenewOptions, renewLeases } from "./queries/renewLeases.ts";
export {
  countRunsPerHour,
  type HourCount,
  type ProcessActivity,
  processActivity,
  uuidFloor,
} from "./queries/runActivity.ts";
export {
  CLAIMED_COLUMNS,
  type ClaimedRun,
  RUN_COLUMNS,
  type RunColumn,
  type RunSummaryRow,
  SUMMARY_COLUMNS,
  type SummaryColumn,
} from "./queries/runColumns.ts";
export { insertEvents, listEvents, type NewEvent, numberEvents } from "./queries/runEvents.ts";
export { indexRunSearch, pgSearchIndexed, SEARCH_BATCH } from "./queries/runSearch.ts";
export {
  type Advance,
  advanceSchedules,
  countSchedules,
  deleteSchedule,
  dueSchedules,
  earliestDue,
  getSchedule,
  insertSchedule,
  insertSlots,
  listSchedules,
  listSlots,
  skipSlot,
  updateSchedule,
  versionAt,
} from "./queries/schedules.ts";
export {
  getSentEmail,
  insertSentEmail,
  listSentEmails,
  moveSentEmail,
  type SentEmailRow,
  type SentEmailStatus,
} from "./queries/sentEmails.ts";
export { getSource, insertSource } from "./queries/sources.ts";
export {
  casesFromRuns,
  claimSuiteRun,
  countTestCases,
  deleteTestCase,
  getSuiteRun,
  getTestCase,
  insertSuiteResults,
  insertSuiteRun,
  insertTestCase,
  lastResultsByProcess,
  listSuiteResults,
  listSuiteRuns,
  listTestCases,
  type ProcessLastResult,
  releaseSuiteRuns,
  renewSuiteRun,
  runAnswers,
  staleSuiteRuns,
  suiteTestRuns,
  testCaseNames,
  updateSuiteRun,
  updateTestCase,
} from "./queries/testSuite.ts";
export { type RunGuard, updateRun } from "./queries/updateRun.ts";
export { getVersion, insertVersion, listVersions, type VersionRow } from "./queries/versions.ts";
export * from "./schema.ts";
