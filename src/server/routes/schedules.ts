// Schedules of published processes: preview while writing one, create, list, read,
// change, pause, resume, delete, and each schedule's history of slots.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type Engine, MAX_SLOT_PAGE, WEEKDAYS } from "../../engine/index.ts";
import { apiRegistry, IdParams, JsonObject, problems } from "../schemas.ts";

const Time = z
  .string()
  .regex(/^\d{1,2}:\d{2}$/, { error: 'must be "HH:MM" on a 24-hour clock' })
  .describe('"HH:MM", 24-hour clock, in the schedule\'s time zone.');

const Preset = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("every_minutes"),
      minutes: z
        .int()
        .min(1)
        .max(1440)
        .describe(
          "Minutes that divide an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) or whole hours that divide a day (60 … 1440).",
        ),
    }),
    z.strictObject({ kind: z.literal("hourly"), minute: z.int().min(0).max(59) }),
    z.strictObject({ kind: z.literal("daily"), time: Time }),
    z.strictObject({ kind: z.literal("weekdays"), time: Time }).describe("Monday to Friday."),
    z.strictObject({
      kind: z.literal("weekly"),
      days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
      time: Time,
    }),
    z.strictObject({
      kind: z.literal("monthly"),
      day: z.union([z.int().min(1).max(31), z.literal("last")]),
      time: Time,
    }),
  ])
  .describe("A common schedule picked from a list; stored with the cron expression it stands for.");
apiRegistry.add(Preset, { id: "SchedulePreset" });

const DateTime = z
  .string()
  .max(40)
  .nullable()
  .optional()
  .describe('ISO 8601 date and time, e.g. "2026-12-01T09:00:00Z".');

const specShape = {
  cron: z
    .string()
    .max(200)
    .optional()
    .describe(
      "5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; `L`, `W`, `#`, ranges, steps, month and day names. Give this or `preset`.",
    ),
  preset: Preset.optional(),
  timezone: z.string().min(1).max(64).describe('IANA time zone, e.g. "Europe/Berlin".'),
  starts_at: DateTime,
  ends_at: DateTime,
};

const ScheduleSpec = z
  .strictObject(specShape)
  .describe("When a schedule fires: a cron expression or a preset, in a time zone.");
apiRegistry.add(ScheduleSpec, { id: "ScheduleSpec" });

const Overlap = z
  .enum(["allow", "skip"])
  .describe(
    "allow: every slot starts a run; skip: a slot is skipped (and recorded) while the schedule's previous run is not final.",
  );

const inputShape = {
  name: z.string().min(1).max(100).optional().describe("Default: the summary."),
  inputs: JsonObject.optional().describe("The inputs of each run, as POST /runs takes them."),
  enabled: z.boolean().optional(),
  overlap: Overlap.optional(),
};

const NewSchedule = z.strictObject({ ...specShape, ...inputShape });
apiRegistry.add(NewSchedule, { id: "NewSchedule" });

const ScheduleChange = z
  .strictObject({
    ...specShape,
    timezone: specShape.timezone.optional(),
    cron: specShape.cron.nullable(),
    preset: Preset.nullable().optional(),
    ...inputShape,
    // null: named after the (new) summary again, so a renamed timing is not left mis-named.
    name: inputShape.name.unwrap().nullable().optional().describe("null: the summary."),
  })
  .describe("The fields to change; a cron expression replaces a preset and the other way round.");
apiRegistry.add(ScheduleChange, { id: "ScheduleChange" });

const Schedule = z.object({
  id: z.string(),
  process_id: z.string(),
  process_name: z.string(),
  name: z.string(),
  cron: z.string().describe("The effective cron expression (a preset's too)."),
  preset: Preset.nullable(),
  timezone: z.string(),
  starts_at: z.string().nullable(),
  ends_at: z.string().nullable(),
  inputs: JsonObject,
  enabled: z.boolean(),
  disabled_reason: z
    .string()
    .nullable()
    .describe("Why the server turned it off (a new version needs an input it does not store)."),
  overlap: Overlap,
  summary: z.string().describe('In words: "Every weekday at 09:00, Europe/Berlin".'),
  next: z.array(z.string()).describe("The next 5 fire times, ISO UTC; empty when paused or ended."),
  created_at: z.string(),
  updated_at: z.string(),
});
apiRegistry.add(Schedule, { id: "Schedule" });

const Slot = z.object({
  due_at: z.string(),
  status: z.enum(["fired", "skipped"]),
  reason: z.string().nullable().describe("Why a slot was skipped."),
  run_id: z.string().nullable(),
  run_status: z.string().nullable(),
  recorded_at: z.string(),
});
apiRegistry.add(Slot, { id: "ScheduleSlot" });

const Preview = z.object({
  summary: z.string(),
  next: z.array(z.string()).describe("The next 5 fire times, ISO UTC."),
  timezone: z.string(),
});
apiRegistry.add(Preview, { id: "SchedulePreview" });

const SlotQuery = z.strictObject({
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_SLOT_PAGE}` })
    .int({ error: `must be a whole number from 1 to ${MAX_SLOT_PAGE}` })
    .min(1, { error: `must be a whole number from 1 to ${MAX_SLOT_PAGE}` })
    .max(MAX_SLOT_PAGE, { error: `must be a whole number from 1 to ${MAX_SLOT_PAGE}` })
    .optional()
    .describe("Default 50."),
  cursor: z.string().min(1).max(20).optional().describe("next_cursor of the previous page."),
});

/** The body without the keys left out, so the engine sees only what was given. */
function given<T extends Record<string, unknown>>(body: T): T {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as T;
}

export const scheduleRoutes: FastifyPluginAsyncZod<{ engine: Engine }> = async (
  app,
  { engine },
) => {
  const tags = ["schedules"];

  app.post(
    "/schedules/preview",
    {
      schema: {
        tags,
        operationId: "previewSchedule",
        summary: "A schedule's summary in words and next 5 fire times, saving nothing",
        answers: "The summary and the next fire times.",
        body: ScheduleSpec,
        response: { 200: Preview, ...problems(401, 403, 422) },
      },
    },
    async (request) => engine.schedules.preview(given(request.body) as never),
  );

  app.get(
    "/processes/:id/schedules",
    {
      schema: {
        tags,
        operationId: "listProcessSchedules",
        summary: "The process's schedules ({id}: the process's id or name)",
        answers: "The schedules, oldest first.",
        params: IdParams,
        response: { 200: z.object({ items: z.array(Schedule) }), ...problems(401, 404) },
      },
    },
    async (request) => ({ items: await engine.schedules.list(request.params.id) }),
  );

  app.post(
    "/processes/:id/schedules",
    {
      schema: {
        tags,
        operationId: "createSchedule",
        summary: "Schedule the published process",
        description:
          "Refused (409) for a process never published, and (422) when the published version needs inputs that `inputs` does not hold (the detail names them).",
        answers: "The schedule, with its summary and next fire times.",
        params: IdParams,
        body: NewSchedule,
        response: { 201: Schedule, ...problems(401, 403, 404, 409, 413, 422) },
      },
    },
    async (request, reply) => {
      const s = await engine.schedules.create(request.params.id, given(request.body) as never);
      return reply.code(201).send(s);
    },
  );

  app.get(
    "/schedules/:id",
    {
      schema: {
        tags,
        operationId: "getSchedule",
        summary: "A schedule",
        answers: "The schedule.",
        params: IdParams,
        response: { 200: Schedule, ...problems(401, 404) },
      },
    },
    async (request) => engine.schedules.get(request.params.id),
  );

  app.patch(
    "/schedules/:id",
    {
      schema: {
        tags,
        operationId: "updateSchedule",
        summary: "Change a schedule",
        answers: "The schedule as changed.",
        params: IdParams,
        body: ScheduleChange,
        response: { 200: Schedule, ...problems(401, 403, 404, 422) },
      },
    },
    async (request) => engine.schedules.update(request.params.id, given(request.body) as never),
  );

  app.delete(
    "/schedules/:id",
    {
      schema: {
        tags,
        operationId: "deleteSchedule",
        summary: "Delete a schedule (the runs it started stay)",
        answers: "Deleted.",
        params: IdParams,
        response: { 204: z.null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await engine.schedules.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );

  for (const [verb, op, summary] of [
    ["pause", "pauseSchedule", "Pause a schedule: no slot fires until it is resumed"],
    [
      "resume",
      "resumeSchedule",
      "Resume a schedule from now (slots while paused do not run); refused while the published version needs inputs it does not store",
    ],
  ] as const) {
    app.post(
      `/schedules/:id/${verb}`,
      {
        schema: {
          tags,
          operationId: op,
          summary,
          answers: "The schedule.",
          params: IdParams,
          response: { 200: Schedule, ...problems(401, 403, 404, 422) },
        },
      },
      async (request) =>
        verb === "pause"
          ? engine.schedules.pause(request.params.id)
          : engine.schedules.resume(request.params.id),
    );
  }

  app.get(
    "/schedules/:id/slots",
    {
      schema: {
        tags,
        operationId: "listScheduleSlots",
        summary:
          "A schedule's history of slots, newest first: fired (with the run) or skipped (why)",
        answers: "A page of slots and the cursor of the next page (null at the end).",
        params: IdParams,
        querystring: SlotQuery,
        response: {
          200: z.object({ items: z.array(Slot), next_cursor: z.string().nullable() }),
          ...problems(401, 404, 422),
        },
      },
    },
    async (request) =>
      engine.schedules.slots(request.params.id, {
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
      }),
  );
};
