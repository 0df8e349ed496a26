// Rows as the engine's callers see them: parsed JSON, ISO times, booleans. Field names are
// snake_case because these objects are what the REST API returns as they are.
import type { ErrorInfo, Json, QuestionInfo, TimelineEntry } from "../interpreter/types.ts";
import type {
  ProcessRow,
  RunEventRow,
  RunRow,
  RunStatus,
  RunSummaryRow,
  SentEmailRow,
  SentEmailStatus,
  Stage,
  TriggerType,
  VersionRow,
} from "../store/index.ts";
import { placeholders, readJson } from "./storedJson.ts";

export interface ProcessSettings {
  /** The run time limit in milliseconds (default 10 minutes). */
  time_limit_ms: number;
  /** Other settings (`test_gate`: the publish gate, docs/test-suite.md; email senders, schedules…) kept as given, for the triggers that own them. */
  [key: string]: Json;
}

export interface Process {
  id: string;
  name: string;
  description: string;
  draft_source: string;
  draft_hash: string;
  /** The draft's input names, computed from its source. */
  inputs: string[];
  settings: ProcessSettings;
  starred_outputs: string[];
  /** 0 before the first publish. */
  latest_version: number;
  published_hash: string | null;
  created_at: string;
  updated_at: string;
}

export interface Version {
  process_id: string;
  version: number;
  source_hash: string;
  source: string;
  inputs: string[];
  created_at: string;
}

export interface Trigger {
  type: TriggerType;
  /** Who, which key, which message, which schedule slot… */
  details: Record<string, Json>;
}

export interface Timeline {
  entries: TimelineEntry[];
  omitted: number;
  byLine: Record<number, number>;
}

export interface Run {
  id: string;
  process_id: string;
  stage: Stage;
  /** The published version that ran; null for draft runs (see source_hash). */
  version: number | null;
  /** The exact source that ran. */
  source_hash: string;
  trigger: TriggerType;
  trigger_details: Record<string, Json>;
  status: RunStatus;
  inputs: Record<string, Json>;
  file_ids: string[];
  outputs: Record<string, Json> | null;
  log: string[];
  error: ErrorInfo | null;
  question: QuestionInfo | null;
  rerun_of: string | null;
  archived: boolean;
  attempts: number;
  /** How many times another worker took this run over after its worker stopped responding. */
  recoveries: number;
  time_used_ms: number;
  time_limit_ms: number;
  cancel_requested: boolean;
  cancelled_by: string | null;
  /** The seq of the run's latest event (for live views: events after this one are new). */
  last_event_seq: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** An email the run sent (`send an email`), with what the relay answered. */
export interface SentEmail {
  id: string;
  /** The timeline seq of the statement that sent it. */
  step: number;
  message_id: string;
  to: string[];
  cc: string[];
  subject: string;
  /** pending, sending, sent, refused, or unknown (the server stopped while it was being sent). */
  status: SentEmailStatus;
  answer: string | null;
  created_at: string;
  updated_at: string;
}

/** The message that started an email-triggered run, as the run received it. */
export interface TriggerEmail {
  sender: string;
  sender_name: string;
  recipients: string[];
  cc: string[];
  subject: string;
  body: string;
  html: string;
  date: string;
  message_id: string;
  attachments: Array<{ file_id: string; name: string; type: string; size: number }>;
}

export interface RunDetail extends Run {
  timeline: Timeline | null;
  emails_sent: SentEmail[];
  /** The triggering message of a run started by email (else null). */
  trigger_email: TriggerEmail | null;
}

export type RunEventType = "status" | "step" | "log" | "question" | "answer" | "archive" | "email";

export interface RunEvent {
  run_id: string;
  seq: number;
  at: string;
  type: RunEventType;
  data: Json;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
/** Stored JSON, read so that no stored text can fail a read (see storedJson.ts). */
const parseOr = <T>(text: string | null, fallback: T, placeholder: (why: string) => T): T =>
  readJson(text, fallback, placeholder);

export function toProcess(r: ProcessRow): Process {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    draft_source: r.draft_source,
    draft_hash: r.draft_hash,
    inputs: JSON.parse(r.draft_inputs),
    settings: JSON.parse(r.settings),
    starred_outputs: JSON.parse(r.starred_outputs),
    latest_version: r.latest_version,
    published_hash: r.published_hash,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

export function toVersion(r: VersionRow): Version {
  return {
    process_id: r.process_id,
    version: r.version,
    source_hash: r.source_hash,
    source: r.source,
    inputs: JSON.parse(r.inputs),
    created_at: iso(r.created_at),
  };
}

export function toRun(r: RunSummaryRow): Run {
  return {
    id: r.id,
    process_id: r.process_id,
    stage: r.stage,
    version: r.version,
    source_hash: r.source_hash,
    trigger: r.trigger,
    trigger_details: readJson(r.trigger_details, {}, placeholders.object),
    status: r.status,
    inputs: readJson(r.inputs, {}, placeholders.object),
    file_ids: readJson(r.file_ids, [], () => []),
    outputs: parseOr(r.outputs, null, placeholders.outputs),
    log: parseOr(r.log, [], placeholders.log),
    error: parseOr<ErrorInfo | null>(r.error, null, placeholders.error),
    question: parseOr<QuestionInfo | null>(r.question, null, placeholders.question),
    rerun_of: r.rerun_of,
    archived: r.archived === 1,
    attempts: r.attempts,
    recoveries: r.recoveries,
    time_used_ms: r.time_used_ms,
    time_limit_ms: r.time_limit_ms,
    cancel_requested: r.cancel_requested === 1,
    cancelled_by: r.cancelled_by,
    last_event_seq: r.event_seq,
    created_at: iso(r.created_at),
    started_at: isoOrNull(r.started_at),
    finished_at: isoOrNull(r.finished_at),
    updated_at: iso(r.updated_at),
  };
}

export function toSentEmail(r: SentEmailRow): SentEmail {
  const rec = readJson<{ to?: string[]; cc?: string[] }>(r.recipients, {}, () => ({}));
  return {
    id: r.id,
    step: Number(r.step),
    message_id: r.message_id,
    to: Array.isArray(rec.to) ? rec.to : [],
    cc: Array.isArray(rec.cc) ? rec.cc : [],
    subject: r.subject,
    status: r.status as SentEmailStatus,
    answer: r.answer,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

const textOf = (v: Json | undefined): string => (typeof v === "string" ? v : "");
const textsOf = (v: Json | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/** The triggering message, from the inputs an email run was started with (listener's shape). */
function triggerEmailOf(run: Run): TriggerEmail | null {
  if (run.trigger !== "email") return null;
  const email = run.inputs.email;
  if (!email || typeof email !== "object" || Array.isArray(email)) return null;
  const files = Array.isArray(run.inputs.attachments) ? run.inputs.attachments : [];
  const attachments: TriggerEmail["attachments"] = [];
  for (const f of files) {
    if (!f || typeof f !== "object" || Array.isArray(f) || typeof f.file_id !== "string") continue;
    attachments.push({
      file_id: f.file_id,
      name: textOf(f.name),
      type: textOf(f.type),
      size: typeof f.size === "number" ? f.size : 0,
    });
  }
  return {
    sender: textOf(email.sender),
    sender_name: textOf(email["sender name"]),
    recipients: textsOf(email.recipients),
    cc: textsOf(email.cc),
    subject: textOf(email.subject),
    body: textOf(email.body),
    html: textOf(email.html),
    date: textOf(email.date),
    message_id: textOf(email["message id"]),
    attachments,
  };
}

export function toRunDetail(r: RunRow, emails: SentEmailRow[] = []): RunDetail {
  const run = toRun(r);
  return {
    ...run,
    timeline: parseOr<Timeline | null>(r.timeline, null, placeholders.timeline),
    emails_sent: emails.map(toSentEmail),
    trigger_email: triggerEmailOf(run),
  };
}

export function toRunEvent(r: RunEventRow): RunEvent {
  return {
    run_id: r.run_id,
    seq: r.seq,
    at: iso(r.at),
    type: r.type as RunEventType,
    data: readJson(r.data, null, placeholders.json),
  };
}
