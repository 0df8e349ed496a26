// Runs: start (with Idempotency-Key), read, list with filters and a cursor, cancel, answer,
// events (JSON and server-sent events), and bulk actions that answer per run.
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
import { HttpProblem } from "../problems.ts";
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

const listOf = (values: readonly string[]) =>
  new RegExp(`^(${values.join("|")})(,(${values.join("|")}))*$`);

/** A comma-separated list of these values, with a message that names them (case matters). */
const listParam = (values: readonly string[], what: string) =>
  z.string().regex(listOf(values), {
    error: `must be one or more ${what}, comma-separated, spelled as: ${values.join(", ")}`,
  });

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
  created_from: z.iso.datetime({ offset: true }).optional(),
  created_to: z.iso.datetime({ offset: true }).optional(),
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
  if (p?.kind === "session") return { type: "manual", details: { by: p.email } };
  return { type: "api", details: {} };
}

/** Idempotency keys belong to who sent them: one API key, or one user's sessions. */
function idempotencyScope(p: Principal | null): string {
  if (p?.kind === "key") return `key:${p.id}`;
  if (p?.kind === "session") return `user:${p.userId}`;
  return "anonymous";
}

export interface RunRouteDeps {
  engine: Engine;
  heartbeatMs: number;
  /** Open event streams, ended when the server closes. */
  streams: Set<() => void>;
}

export const runRoutes: FastifyPluginAsyncZod<RunRouteDeps> = async (
  app,
  { engine, heartbeatMs, streams },
) => {
  const tags = ["runs"];

  app.post(
    "/runs",
    {
      schema: {
        tags,
        summary: "Start a run (stored Pending; workers execute it)",
        description:
          "With an `Idempotency-Key` header, a retry with the same body returns the first run; the same key with another body is 422. Keys belong to the API key (or the user) that sent them.",
        headers: z.looseObject({
          "idempotency-key": z.string().min(1).max(255).optional(),
        }),
        body: StartRun,
        response: { 202: Run, ...problems(401, 403, 404, 409, 413, 422) },
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
        summary: "List runs, newest first",
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
        summary: "Read a run, with its step timeline",
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
        summary: "Cancel a run that is not final",
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
        summary: "Answer the question an AwaitingAnswer run waits on",
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
        summary: "The run's events (status changes, steps, log lines, questions…), oldest first",
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
        summary: "Live events as server-sent events (text/event-stream)",
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
        response: {
          200: z.string().describe("text/event-stream"),
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

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      raw.write("retry: 2000\n\n");
      let ended = false;
      let stop: () => void = () => {};
      let heartbeat: NodeJS.Timeout | undefined;
      const end = () => {
        if (ended) return;
        ended = true;
        stop();
        if (heartbeat) clearInterval(heartbeat);
        streams.delete(end);
        raw.end();
      };
      streams.add(end);
      request.raw.on("close", end);
      raw.on("error", end);
      if (after >= endAt) return end();
      const send = (events: RunEvent[]) => {
        if (ended) return;
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
        raw.write(chunk);
        if (last) end();
      };
      stop = engine.runs.watch(id, after, send, { onError: end, pollMs: 250 });
      if (ended) stop();
      heartbeat = setInterval(() => raw.write(": heartbeat\n\n"), heartbeatMs);
      heartbeat.unref();
    },
  );

  app.post(
    "/runs/actions/:action",
    {
      schema: {
        tags,
        summary: "Bulk re-run, archive, unarchive or cancel: one result per run",
        params: z.strictObject({ action: z.enum(["rerun", "archive", "unarchive", "cancel"]) }),
        body: z.strictObject({
          run_ids: z.array(z.string().min(1).max(200)).min(1).max(1000),
          exact_version: z
            .boolean()
            .optional()
            .describe(
              "rerun: run the original's exact version instead of the stage's current one.",
            ),
        }),
        response: {
          200: z.object({ results: z.array(BulkResult) }),
          ...problems(401, 403, 413, 422),
        },
      },
    },
    async (request) => {
      const { run_ids, exact_version } = request.body;
      const by = actorOf(request.principal);
      const runs = engine.runs;
      switch (request.params.action) {
        case "rerun":
          return {
            results: await runs.rerunMany(run_ids, { by, exactVersion: exact_version === true }),
          };
        case "archive":
          return { results: await runs.archiveMany(run_ids, { by }) };
        case "unarchive":
          return { results: await runs.unarchiveMany(run_ids, { by }) };
        case "cancel":
          return { results: await runs.cancelMany(run_ids, { by }) };
      }
    },
  );
};
