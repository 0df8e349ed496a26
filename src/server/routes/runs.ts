// Runs: start (with Idempotency-Key), read, list with filters and a cursor, cancel, answer,
// events (JSON and server-sent events), and bulk actions that answer per run.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Engine, ListRunsOptions, RunEvent } from "../../engine/index.ts";
import type { Json } from "../../interpreter/types.ts";
import {
  isFinalStatus,
  RUN_STATUSES,
  type RunStatus,
  STAGES,
  type Stage,
  TRIGGER_TYPES,
  type TriggerType,
} from "../../store/index.ts";
import { actorOf, type Principal } from "../auth/hook.ts";
import { detectFileType } from "../fileType.ts";
import { readMultipart } from "../multipart.ts";
import { HttpProblem, parseJsonBody } from "../problems.ts";
import {
  IdParams,
  JsonObject,
  problems,
  Run,
  RunDetail,
  RunEvent as RunEventSchema,
} from "../schemas.ts";

const StartRun = z.strictObject({
  process_id: z.string().min(1).max(200).optional().describe("The process's id (or name)."),
  process: z.string().min(1).max(200).optional().describe("The process's name (or id)."),
  stage: z.enum(STAGES).optional().describe('Default "published".'),
  inputs: JsonObject.optional().describe(
    'Input names to values; a file is {"name", "type", "text"|"base64"} or {"file_id"}.',
  ),
  file_ids: z.array(z.string().min(1).max(200)).max(1000).optional(),
});

/**
 * A comma-separated list of these values, any case (as the CLI takes them), answered in
 * their canonical spelling; the message names them.
 */
const listParam = (values: readonly string[], what: string) => {
  const canonical = new Map(values.map((v) => [v.toLowerCase(), v]));
  const one = values.map((v) =>
    v.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`),
  );
  return z
    .string()
    .regex(new RegExp(`^(${one.join("|")})(,(${one.join("|")}))*$`), {
      error: `must be one or more ${what}, comma-separated, from: ${values.join(", ")} (any case)`,
    })
    .transform((list) =>
      list
        .split(",")
        .map((v) => canonical.get(v.toLowerCase()) as string)
        .join(","),
    );
};

/** A day (YYYY-MM-DD, midnight UTC) or a full ISO date-time with its offset. */
const dateParam = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: "must be a date (2026-11-30) or an ISO date-time (2026-11-30T14:00:00Z)",
  })
  .transform((v) => (v.length === 10 ? `${v}T00:00:00.000Z` : v));

/** A whole number from the query string, with one message for every way it can be wrong. */
const queryInt = (min: number, max?: number) => {
  const error = `must be a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`;
  const n = z.coerce.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? n : n.max(max, { error });
};

const ListQuery = z.strictObject({
  process: z.string().min(1).max(200).optional().describe("Process id or name."),
  status: listParam(RUN_STATUSES, "statuses").optional().describe("Comma-separated statuses."),
  stage: z.enum(STAGES).optional(),
  trigger: listParam(TRIGGER_TYPES, "triggers").optional().describe("Comma-separated triggers."),
  archived: z
    .enum(["false", "true", "all"])
    .optional()
    .describe('"false" (default): hide archived runs; "true": only archived; "all": both.'),
  created_from: dateParam.optional().describe("Created at or after (a day: from its start, UTC)."),
  created_to: dateParam.optional().describe("Created before (a day: before its start, UTC)."),
  text: z.string().min(1).max(200).optional().describe("Text in the inputs or outputs."),
  rerun_of: z.string().min(1).max(200).optional(),
  limit: queryInt(1, 500).optional().describe("Default 50."),
  cursor: z.string().min(1).max(200).optional().describe("next_cursor of the previous page."),
});

const EventsQuery = z.strictObject({
  after: queryInt(0).optional().describe("Events after this seq (default 0)."),
  limit: queryInt(1, 500).optional(),
});

const BulkResult = z.object({
  id: z.string(),
  ok: z.boolean(),
  run: Run.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/** How many times a header occurs (Node joins repeated ones with ", "). */
function headerCount(rawHeaders: string[], name: string): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === name) n++;
  return n;
}

function triggerOf(p: Principal | null): { type: TriggerType; details: Record<string, Json> } {
  if (p?.kind === "key") return { type: "api", details: { key: p.name, key_id: p.id } };
  // `who` as the CLI records it (docs/api.md: trigger_details).
  if (p?.kind === "session") return { type: "manual", details: { who: p.email, via: "web" } };
  return { type: "api", details: {} };
}

/** Idempotency keys belong to who sent them: one API key, or one user's sessions. */
function idempotencyScope(p: Principal | null): string {
  if (p?.kind === "key") return `key:${p.id}`;
  if (p?.kind === "session") return `user:${p.userId}`;
  return "anonymous";
}

/** Most file parts in one multipart run start. */
const MAX_RUN_FILES = 10;

/**
 * A run start sent as multipart: the fields as in JSON (`inputs` as JSON text), and each
 * file part stored (as POST /files does) and given as the input of its part's name.
 */
async function multipartRun(
  request: FastifyRequest,
  engine: Engine,
  uploadLimit: number,
): Promise<Record<string, unknown>> {
  const form = await readMultipart(request, {
    files: { any: MAX_RUN_FILES },
    fields: ["process", "process_id", "stage", "inputs"],
    fileSize: uploadLimit,
  });
  let inputs: Record<string, unknown> = {};
  const text = form.fields.get("inputs");
  if (text !== undefined) {
    const parsed = (() => {
      try {
        return parseJsonBody(text);
      } catch {
        return undefined;
      }
    })();
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      const message = "must be a JSON object of input names to values";
      throw new HttpProblem(422, "validation", "The request is not valid", `inputs: ${message}`, {
        errors: [{ field: "inputs", message }],
      });
    }
    inputs = parsed as Record<string, unknown>;
  }
  for (const [name, f] of form.files) {
    const fileName = f.filename || name;
    const stored = await engine.files.put(new Uint8Array(f.bytes), {
      name: fileName,
      type: detectFileType(fileName, f.mimetype, f.bytes),
    });
    inputs[name] = { file_id: stored.id };
  }
  const body: Record<string, unknown> = { inputs };
  for (const k of ["process", "process_id", "stage"]) {
    const v = form.fields.get(k);
    if (v !== undefined) body[k] = v;
  }
  return body;
}

export interface RunRouteDeps {
  engine: Engine;
  /** Largest file part of a multipart run start (--upload-limit). */
  uploadLimit: number;
  heartbeatMs: number;
  /** Live streams' fallback re-read (--sse-poll): events are pushed, this covers the rest. */
  pollMs: number;
  /** Open event streams, ended when the server closes. */
  streams: Set<() => void>;
}

export const runRoutes: FastifyPluginAsyncZod<RunRouteDeps> = async (
  app,
  { engine, heartbeatMs, pollMs, streams, uploadLimit },
) => {
  const tags = ["runs"];

  app.post(
    "/runs",
    {
      schema: {
        tags,
        operationId: "startRun",
        summary: "Start a run (stored Pending; workers execute it)",
        answers: "The run, stored Pending (or the first run of this Idempotency-Key).",
        description:
          "With an `Idempotency-Key` header, a retry with the same body returns the first run; the same key with another body is 422. Keys belong to the API key (or the user) that sent them.",
        headers: z.looseObject({
          "idempotency-key": z.string().min(1).max(255).optional(),
        }),
        body: StartRun,
        bodies: {
          "multipart/form-data": {
            type: "object",
            description:
              "Each file part is a file input named by the part's name (stored as by POST /files); the other inputs go in `inputs` as a JSON object.",
            properties: {
              process: { type: "string", minLength: 1, maxLength: 200 },
              process_id: { type: "string", minLength: 1, maxLength: 200 },
              stage: { type: "string", enum: [...STAGES] },
              inputs: { type: "string", description: "A JSON object: input names to values." },
            },
            additionalProperties: { type: "string", format: "binary" },
          },
        },
        response: { 202: Run, ...problems(401, 403, 404, 409, 413, 422) },
      },
      preValidation: async (request) => {
        if (request.isMultipart()) request.body = await multipartRun(request, engine, uploadLimit);
      },
    },
    async (request, reply) => {
      const b = request.body;
      const processRef = b.process_id ?? b.process;
      if (!processRef) {
        throw new HttpProblem(
          422,
          "validation",
          "The request is not valid",
          "Say which process to run.",
          {
            errors: [{ field: "process_id", message: "give process_id or process" }],
          },
        );
      }
      const key = request.headers["idempotency-key"];
      if (typeof key === "string" && headerCount(request.raw.rawHeaders, "idempotency-key") > 1) {
        const message = "send one Idempotency-Key header, not several";
        throw new HttpProblem(
          422,
          "validation",
          "The request is not valid",
          `header.idempotency-key: ${message}`,
          { errors: [{ field: "header.idempotency-key", message }] },
        );
      }
      const run = await engine.startRun({
        process: processRef,
        ...(b.stage ? { stage: b.stage } : {}),
        ...(b.inputs ? { inputs: b.inputs as Record<string, Json> } : {}),
        ...(b.file_ids ? { fileIds: b.file_ids } : {}),
        trigger: triggerOf(request.principal),
        ...(typeof key === "string"
          ? { idempotencyKey: key, idempotencyScope: idempotencyScope(request.principal) }
          : {}),
      });
      return reply.code(202).header("location", `/api/v2/runs/${run.id}`).send(run);
    },
  );

  app.get(
    "/runs",
    {
      schema: {
        tags,
        operationId: "listRuns",
        summary: "List runs, newest first",
        answers: "A page of runs, newest first, and the cursor of the next page.",
        querystring: ListQuery,
        response: {
          200: z.object({ items: z.array(Run), next_cursor: z.string().nullable() }),
          ...problems(401, 404, 422),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const opts: ListRunsOptions = {};
      if (q.process) opts.process = q.process;
      if (q.status) opts.status = q.status.split(",") as RunStatus[];
      if (q.stage) opts.stage = q.stage as Stage;
      if (q.trigger) opts.trigger = q.trigger.split(",") as TriggerType[];
      if (q.archived) opts.archived = q.archived === "all" ? "all" : q.archived === "true";
      if (q.created_from) opts.createdFrom = q.created_from;
      if (q.created_to) opts.createdTo = q.created_to;
      if (q.text) opts.text = q.text;
      if (q.rerun_of) opts.rerunOf = q.rerun_of;
      if (q.limit) opts.limit = q.limit;
      if (q.cursor) opts.cursor = q.cursor;
      return engine.runs.list(opts);
    },
  );

  app.get(
    "/runs/:id",
    {
      schema: {
        tags,
        operationId: "getRun",
        summary: "Read a run, with its step timeline",
        answers: "The run with its step timeline.",
        params: IdParams,
        response: { 200: RunDetail, ...problems(401, 404) },
      },
    },
    async (request) => engine.runs.get(request.params.id),
  );

  app.post(
    "/runs/:id/cancel",
    {
      schema: {
        tags,
        operationId: "cancelRun",
        summary: "Cancel a run that is not final",
        answers: "The run, Cancelled or asked to stop.",
        description:
          "A Running run is asked to stop (cancel_requested) and ends Cancelled within a second.",
        params: IdParams,
        response: { 200: Run, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => engine.runs.cancel(request.params.id, { by: actorOf(request.principal) }),
  );

  app.post(
    "/runs/:id/answer",
    {
      schema: {
        tags,
        operationId: "answerRun",
        summary: "Answer the question an AwaitingAnswer run waits on",
        answers: "The run, Pending again to go on with the answer.",
        params: IdParams,
        body: z.strictObject({
          answer: z.unknown().describe("Text, number, yes/no… as the question asks."),
        }),
        response: { 200: Run, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { answer } = request.body;
      if (answer === undefined) {
        throw new HttpProblem(
          422,
          "validation",
          "The request is not valid",
          "answer: is required",
          {
            errors: [{ field: "answer", message: "is required" }],
          },
        );
      }
      return engine.runs.answer(request.params.id, answer as Json, {
        by: actorOf(request.principal),
      });
    },
  );

  app.get(
    "/runs/:id/events",
    {
      schema: {
        tags,
        operationId: "listRunEvents",
        summary: "The run's events (status changes, steps, log lines, questions…), oldest first",
        answers: "The events after `after`, oldest first.",
        params: IdParams,
        querystring: EventsQuery,
        response: {
          200: z.object({ items: z.array(RunEventSchema), last_seq: z.int() }),
          ...problems(401, 404, 422),
        },
      },
    },
    async (request) => {
      const after = request.query.after ?? 0;
      const items = await engine.runs.events(request.params.id, after, request.query.limit ?? 500);
      return { items, last_seq: items[items.length - 1]?.seq ?? after };
    },
  );

  app.get(
    "/runs/:id/events/stream",
    {
      schema: {
        tags,
        operationId: "streamRunEvents",
        summary: "Live events as server-sent events (text/event-stream)",
        answers:
          "A stream of server-sent events, one per run event, ending after the final status.",
        description:
          "Replays the events after `Last-Event-ID` (or `after`, or from the start), then sends new ones as they happen; each SSE message has `id` = seq, `event` = type and `data` = the event as JSON. The stream ends after the run's final status event; a comment line is sent on idle streams as a heartbeat.",
        params: IdParams,
        querystring: z.strictObject({ after: queryInt(0).optional() }),
        headers: z.looseObject({
          "last-event-id": z
            .string()
            .regex(/^\s*\d{1,15}\s*$/, {
              error: "must be an event seq (a whole number) from this stream",
            })
            .optional(),
        }),
        produces: ["text/event-stream"],
        response: {
          200: z
            .string()
            .describe(
              "Server-sent events: `id: SEQ`, `event: TYPE`, `data: {the event as JSON}` (a RunEvent), a blank line after each.",
            ),
          ...problems(401, 404),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const run = await engine.runs.get(id);
      const header = request.headers["last-event-id"];
      const fromHeader = typeof header === "string" ? Number(header.trim()) : undefined;
      const after = fromHeader ?? request.query.after ?? 0;
      // A run final now ends its stream at its last event; otherwise at its final status event.
      const endAt = isFinalStatus(run.status) ? run.last_event_seq : Number.POSITIVE_INFINITY;
      const sse = openEventStream(request, reply, streams, heartbeatMs);
      if (after >= endAt) return sse.end();
      const send = (events: RunEvent[]) => {
        if (sse.ended) return;
        let last = false;
        let chunk = "";
        for (const e of events) {
          chunk += `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
          const status = (e.data as { status?: string } | null)?.status;
          if (
            e.seq >= endAt ||
            (e.type === "status" && status && isFinalStatus(status as RunStatus))
          ) {
            last = true;
            break;
          }
        }
        sse.write(chunk);
        if (last) sse.end();
      };
      sse.onEnd(engine.runs.watch(id, after, send, { onError: sse.end, pollMs }));
    },
  );

  app.get(
    "/runs/events/stream",
    {
      schema: {
        tags,
        operationId: "streamRunChanges",
        summary: "Live status changes of every run as server-sent events (text/event-stream)",
        answers: "A stream of server-sent events, one per run whose status changed.",
        description:
          'Sends `event: status` with `data: {"id", "status", "seq"}` each time a run is stored or its status changes (Pending, Running, AwaitingAnswer, a final status, a cancel request), as it happens, to keep a list of runs current: re-read the list (or the run) when one arrives. `event: resync` says changes may have been missed (the server\'s notification connection was lost and is back): re-read the list. Nothing is replayed: read the list after the stream opens. A comment line is sent on idle streams as a heartbeat.',
        produces: ["text/event-stream"],
        response: {
          200: z
            .string()
            .describe(
              'Server-sent events: `event: status`, `data: {"id": RUN_ID, "status": STATUS, "seq": LAST_EVENT_SEQ}`, a blank line after each; `event: resync`, `data: {}`.',
            ),
          ...problems(401),
        },
      },
    },
    async (request, reply) => {
      const sse = openEventStream(request, reply, streams, heartbeatMs);
      let chunk = "";
      const flush = () => {
        const c = chunk;
        chunk = "";
        sse.write(c);
      };
      const queue = (text: string) => {
        if (chunk === "") setImmediate(flush);
        chunk += text;
      };
      sse.onEnd(
        engine.runs.watchAll((c) => queue(`event: status\ndata: ${JSON.stringify(c)}\n\n`), {
          onResync: () => queue("event: resync\ndata: {}\n\n"),
        }),
      );
    },
  );

  // One path per action (not /runs/actions/{action}, which a client could not tell from
  // /runs/{id}/...): each with its own operationId and body.
  const runIds = z.array(z.string().min(1).max(200)).min(1).max(1000);
  const bulk = {
    rerun: {
      operationId: "rerunRuns",
      summary: "Re-run runs (each with the stage's current source, or its exact version)",
      body: z.strictObject({
        run_ids: runIds,
        exact_version: z
          .boolean()
          .optional()
          .describe("Run the original's exact version instead of the stage's current one."),
      }),
    },
    archive: {
      operationId: "archiveRuns",
      summary: "Archive runs (hidden from lists by default)",
      body: z.strictObject({ run_ids: runIds }),
    },
    unarchive: {
      operationId: "unarchiveRuns",
      summary: "Unarchive runs",
      body: z.strictObject({ run_ids: runIds }),
    },
    cancel: {
      operationId: "cancelRuns",
      summary: "Cancel runs that are not final",
      body: z.strictObject({ run_ids: runIds }),
    },
  } as const;
  for (const [action, spec] of Object.entries(bulk)) {
    app.post(
      `/runs/actions/${action}`,
      {
        schema: {
          tags,
          operationId: spec.operationId,
          summary: spec.summary,
          answers: "One result per run, in the order of run_ids: ok with the run, or the error.",
          body: spec.body,
          response: {
            200: z.object({ results: z.array(BulkResult) }),
            ...problems(401, 403, 413, 422),
          },
        },
      },
      async (request) => {
        const { run_ids, exact_version } = request.body as {
          run_ids: string[];
          exact_version?: boolean;
        };
        const by = actorOf(request.principal);
        const runs = engine.runs;
        switch (action) {
          case "rerun":
            return {
              results: await runs.rerunMany(run_ids, { by, exactVersion: exact_version === true }),
            };
          case "archive":
            return { results: await runs.archiveMany(run_ids, { by }) };
          case "unarchive":
            return { results: await runs.unarchiveMany(run_ids, { by }) };
          default:
            return { results: await runs.cancelMany(run_ids, { by }) };
        }
      },
    );
  }
};

/** A client slower than this much unsent text is dropped (it reconnects and re-reads). */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

/**
 * Takes over the reply as a server-sent event stream: its headers, a heartbeat comment on
 * idle streams, ended when the client leaves, the server closes, or the client falls too far
 * behind.
 */
function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  streams: Set<() => void>,
  heartbeatMs: number,
) {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  raw.write("retry: 2000\n\n");
  const stops: Array<() => void> = [];
  const heartbeat = setInterval(() => raw.write(": heartbeat\n\n"), heartbeatMs);
  heartbeat.unref();
  const sse = {
    ended: false,
    write(text: string): void {
      if (sse.ended || text === "") return;
      raw.write(text);
      if (raw.writableLength > MAX_UNSENT_BYTES) sse.end();
    },
    end(): void {
      if (sse.ended) return;
      sse.ended = true;
      clearInterval(heartbeat);
      for (const stop of stops.splice(0)) stop();
      streams.delete(sse.end);
      raw.end();
    },
    /** Called when the stream ends (at once if it has). */
    onEnd(stop: () => void): void {
      if (sse.ended) stop();
      else stops.push(stop);
    },
  };
  streams.add(sse.end);
  request.raw.on("close", sse.end);
  raw.on("error", sse.end);
  return sse;
}
