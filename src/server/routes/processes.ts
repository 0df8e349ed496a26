// Processes: list, create, read, edit the draft (source, settings, starred outputs), check
// source without saving, publish, versions, restore.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Engine } from "../../engine/index.ts";
import { Diagnostic, IdParams, MAX_URL_SEGMENT, Process, problems, Version } from "../schemas.ts";

const Settings = z
  .strictObject({
    time_limit_ms: z
      .int()
      .min(1)
      .max(7 * 24 * 3600 * 1000)
      .optional()
      .describe("Run time limit in milliseconds (default 600000: 10 minutes)."),
  })
  .describe("Process settings (merged into the current ones).");

// Names are used in URLs, lists and logs: no control characters (NUL, newlines, tabs…).
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const ProcessName = z
  .string()
  .min(1)
  .max(MAX_URL_SEGMENT, {
    error: `has at most ${MAX_URL_SEGMENT} characters (it is used in URLs)`,
  })
  .refine((s) => !CONTROL.test(s), { error: "must not contain control characters" });

const CreateProcess = z.strictObject({
  name: ProcessName,
  description: z.string().max(10_000).optional(),
  source: z
    .string()
    .max(1024 * 1024)
    .optional()
    .describe("The draft source; must compile."),
  settings: Settings.optional(),
  starred_outputs: z.array(z.string().max(200)).max(1000).optional(),
});

const UpdateProcess = CreateProcess.partial().strict();

const CheckBody = z.strictObject({
  source: z
    .string()
    .max(1024 * 1024)
    .optional()
    .describe("Source to check; default: the process's current draft."),
});

const CheckResult = z.object({
  ok: z.boolean(),
  diagnostics: z.array(Diagnostic),
  inputs: z.array(z.string()),
});

export const processRoutes: FastifyPluginAsyncZod<{ engine: Engine }> = async (app, { engine }) => {
  const tags = ["processes"];

  app.get(
    "/processes",
    {
      schema: {
        tags,
        summary: "List processes",
        response: { 200: z.object({ items: z.array(Process) }), ...problems(401) },
      },
    },
    async () => ({ items: await engine.processes.list() }),
  );

  app.post(
    "/processes",
    {
      schema: {
        tags,
        summary: "Create a process (its draft must compile)",
        body: CreateProcess,
        response: { 201: Process, ...problems(401, 403, 409, 413, 422) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const p = await engine.processes.create({
        name: b.name,
        ...(b.description !== undefined ? { description: b.description } : {}),
        ...(b.source !== undefined ? { source: b.source } : {}),
        ...(b.settings ? { settings: b.settings } : {}),
        ...(b.starred_outputs ? { starredOutputs: b.starred_outputs } : {}),
      });
      return reply.code(201).header("location", `/api/v2/processes/${p.id}`).send(p);
    },
  );

  app.get(
    "/processes/:id",
    {
      schema: {
        tags,
        summary: "Read a process (by id or name)",
        params: IdParams,
        response: { 200: Process, ...problems(401, 404) },
      },
    },
    async (request) => engine.processes.get(request.params.id),
  );

  app.patch(
    "/processes/:id",
    {
      schema: {
        tags,
        summary: "Edit a process: name, description, draft source, settings, starred outputs",
        params: IdParams,
        body: UpdateProcess,
        response: { 200: Process, ...problems(401, 403, 404, 409, 413, 422) },
      },
    },
    async (request) => {
      const b = request.body;
      return engine.processes.update(request.params.id, {
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.description !== undefined ? { description: b.description } : {}),
        ...(b.source !== undefined ? { source: b.source } : {}),
        ...(b.settings ? { settings: b.settings } : {}),
        ...(b.starred_outputs ? { starredOutputs: b.starred_outputs } : {}),
      });
    },
  );

  app.post(
    "/processes/:id/check",
    {
      schema: {
        tags,
        summary: "Diagnostics and input names of source, saving nothing",
        params: IdParams,
        body: CheckBody.nullish(),
        response: { 200: CheckResult, ...problems(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const p = await engine.processes.get(request.params.id);
      return engine.processes.check(request.body?.source ?? p.draft_source);
    },
  );

  app.post(
    "/processes/:id/publish",
    {
      schema: {
        tags,
        summary: "Publish the draft as the next version",
        description:
          "201 with the new version; 200 with the current version, creating nothing, when the latest version already has the draft's source.",
        params: IdParams,
        response: { 200: Version, 201: Version, ...problems(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { version, created } = await engine.processes.publishDraft(request.params.id);
      return reply.code(created ? 201 : 200).send(version);
    },
  );

  app.get(
    "/processes/:id/versions",
    {
      schema: {
        tags,
        summary: "The published versions, newest first",
        params: IdParams,
        response: { 200: z.object({ items: z.array(Version) }), ...problems(401, 404) },
      },
    },
    async (request) => ({ items: await engine.processes.versions(request.params.id) }),
  );

  app.get(
    "/processes/:id/versions/:version",
    {
      schema: {
        tags,
        summary: "One published version",
        params: z.strictObject({
          id: IdParams.shape.id,
          version: z.coerce.number().int().min(1),
        }),
        response: { 200: Version, ...problems(401, 404, 422) },
      },
    },
    async (request) => engine.processes.version(request.params.id, request.params.version),
  );

  app.post(
    "/processes/:id/restore",
    {
      schema: {
        tags,
        summary: "Copy a published version's source into the draft",
        params: IdParams,
        body: z.strictObject({ version: z.int().min(1) }),
        response: { 200: Process, ...problems(401, 403, 404, 422) },
      },
    },
    async (request) => engine.processes.restore(request.params.id, request.body.version),
  );
};
