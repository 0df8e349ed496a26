// Schemas shared by several route groups: the views the API returns (as the engine shapes
// them) and the problem document. Route-specific request schemas live beside their handlers.
// Named schemas are registered in `apiRegistry` and become components of the OpenAPI document.
import { z } from "zod";
import { RUN_STATUSES, STAGES, TRIGGER_TYPES } from "../store/index.ts";

export const apiRegistry = z.registry<{ id: string; description?: string }>();

function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiRegistry.add(schema, description ? { id, description } : { id });
  return schema;
}

export const JsonObject = z.record(z.string(), z.unknown());

export const FieldError = named(
  "FieldError",
  z.object({
    field: z
      .string()
      .describe("Where: a dotted path into the body, or `query.NAME`, `header.NAME`."),
    message: z.string(),
  }),
);

export const Problem = named(
  "Problem",
  z
    .object({
      type: z.string().describe("A URI naming the kind of problem (see docs/api.md)."),
      title: z.string(),
      status: z.int(),
      detail: z.string().optional(),
      code: z.string().optional().describe("The engine's error code, when the engine refused."),
      errors: z.array(FieldError).optional(),
      diagnostics: z.array(JsonObject).optional(),
      retry_after: z.int().optional(),
      suite_run_id: z
        .string()
        .optional()
        .describe("The publish gate's suite run, when the gate refused a publish."),
      failing_cases: z
        .array(z.object({ id: z.string(), name: z.string(), status: z.string() }))
        .optional()
        .describe("The test cases that did not pass, when the publish gate refused."),
    })
    .describe("An RFC 9457 problem document (`application/problem+json`)."),
);

export const ErrorInfo = z.object({ line: z.int().nullable(), message: z.string() });
export const QuestionInfo = z.object({
  line: z.int(),
  text: z.string(),
  choices: z.array(z.string()).nullable(),
});

const runShape = {
  id: z.string(),
  process_id: z.string(),
  stage: z.enum(STAGES),
  version: z.int().nullable().describe("The published version that ran; null for draft runs."),
  source_hash: z.string(),
  trigger: z.enum(TRIGGER_TYPES),
  trigger_details: JsonObject,
  status: z.enum(RUN_STATUSES),
  inputs: JsonObject,
  file_ids: z.array(z.string()),
  outputs: JsonObject.nullable(),
  log: z.array(z.string()),
  error: ErrorInfo.nullable(),
  question: QuestionInfo.nullable(),
  rerun_of: z.string().nullable(),
  archived: z.boolean(),
  attempts: z.int(),
  recoveries: z.int(),
  time_used_ms: z.number(),
  time_limit_ms: z.number(),
  cancel_requested: z.boolean(),
  cancelled_by: z.string().nullable(),
  last_event_seq: z.int(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  updated_at: z.string(),
};

export const Run = named("Run", z.object(runShape));

export const SentEmail = named(
  "SentEmail",
  z.object({
    id: z.string(),
    step: z.int().describe("The timeline seq of the `send an email` statement that sent it."),
    message_id: z.string().describe("Its Message-ID, the same on every attempt."),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    subject: z.string(),
    status: z
      .enum(["pending", "sending", "sent", "refused", "unknown"])
      .describe(
        "`sent` and `refused` carry the relay's answer; `unknown`: the server stopped while handing it to the relay, and it was not sent again.",
      ),
    answer: z.string().nullable().describe("The relay's reply (or why it could not be sent)."),
    created_at: z.string(),
    updated_at: z.string(),
  }),
);
export const TriggerEmail = named(
  "TriggerEmail",
  z.object({
    sender: z.string().describe("The From address (MAIL FROM when the message has none)."),
    sender_name: z.string(),
    recipients: z.array(z.string()),
    cc: z.array(z.string()),
    subject: z.string(),
    body: z.string().describe("The text body (made from the HTML when there is only HTML)."),
    html: z.string().describe("The HTML body, empty when none."),
    date: z.string(),
    message_id: z.string(),
    attachments: z
      .array(z.object({ file_id: z.string(), name: z.string(), type: z.string(), size: z.int() }))
      .describe("Each attachment's bytes: GET /files/{file_id}/content."),
  }),
);

export const RunDetail = named(
  "RunDetail",
  z.object({
    ...runShape,
    timeline: z
      .object({
        entries: z.array(
          z.object({
            seq: z.int(),
            line: z.int(),
            statement: z.string(),
            changed: JsonObject.describe("The facts the statement changed (values previewed)."),
          }),
        ),
        omitted: z.int().describe("Entries left out (the timeline is bounded)."),
        byLine: z.record(z.string(), z.int()),
      })
      .nullable(),
    emails_sent: z.array(SentEmail).describe("The emails the run sent, in order."),
    trigger_email: TriggerEmail.nullable().describe(
      "The message that started a run triggered by email; null for other triggers.",
    ),
  }),
);

export const RunEvent = named(
  "RunEvent",
  z.object({
    run_id: z.string(),
    seq: z.int(),
    at: z.string(),
    type: z.enum(["status", "step", "log", "question", "answer", "archive", "email"]),
    data: z.unknown(),
  }),
);

export const ProcessSettings = z.object({ time_limit_ms: z.int() }).catchall(z.unknown());

export const Process = named(
  "Process",
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    draft_source: z.string(),
    draft_hash: z.string(),
    inputs: z.array(z.string()),
    settings: ProcessSettings,
    starred_outputs: z.array(z.string()),
    latest_version: z.int(),
    published_hash: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
);

export const Version = named(
  "Version",
  z.object({
    process_id: z.string(),
    version: z.int(),
    source_hash: z.string(),
    source: z.string(),
    inputs: z.array(z.string()),
    created_at: z.string(),
  }),
);

export const Diagnostic = named(
  "Diagnostic",
  z.object({
    severity: z.string(),
    line: z.int(),
    col: z.int(),
    endLine: z.int(),
    endCol: z.int(),
    message: z.string(),
    words: z.string(),
    suggestion: z.string().optional(),
  }),
);

/**
 * The longest id or name a URL path segment carries (the router's bound): process names
 * are refused beyond it at create, and a longer segment names nothing (404).
 */
export const MAX_URL_SEGMENT = 100;

export const IdParams = z.strictObject({ id: z.string().min(1).max(MAX_URL_SEGMENT) });

/** Responses of problems, for routes' `response` maps. */
export const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, Problem])) as Record<number, typeof Problem>;
