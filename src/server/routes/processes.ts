// Processes: list, create, read, edit the draft (source, settings, starred outputs), check
// source without saving, publish, versions, restore.
import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Engine } from "../../engine/index.ts";
import { actorOf } from "../auth/hook.ts";
import { Diagnostic, IdParams, MAX_URL_SEGMENT, Process, problems, Version } from "../schemas.ts";
import { MAX_SOURCE, NAME_HEADER, sourceBody } from "../sourceBodies.ts";

const Settings = z
  .strictObject({
    time_limit_ms: z
      .int()
      .min(1)
      .max(7 * 24 * 3600 * 1000)
      .optional()
      .describe("Run time limit in milliseconds (default 600000: 10 minutes)."),
    test_gate: z
      .boolean()
      .optional()
      .describe(
        "The publish gate: publishing requires the draft's test cases to pass (default false).",
      ),
  })
  .describe("Process settings (merged into the current ones).");

// Names are used in URLs, lists and logs: no control characters (NUL, newlines, tabs…).
const ProcessName = z
  .string()
  .min(1)
  .max(MAX_URL_SEGMENT, {
    error: `has at most ${MAX_URL_SEGMENT} characters (it is used in URLs)`,
  })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, { error: "must not contain control characters" });

const CreateProcess = z.strictObject({
  name: ProcessName,
  description: z.string().max(10_000).optional(),
  source: z.string().max(MAX_SOURCE).optional().describe("The draft source; must compile."),
  settings: Settings.optional(),
  starred_outputs: z.array(z.string().max(200)).max(1000).optional(),
});

const UpdateProcess = CreateProcess.partial().strict();

const CreateQuery = z.strictObject({
  name: ProcessName.optional().describe(
    "The name, when the body is the source itself (text/plain or multipart).",
  ),
});
const CreateHeaders = z.looseObject({
  [NAME_HEADER]: ProcessName.optional().describe("The name, as `?name=` gives it."),
});

const CheckBody = z.strictObject({
  source: z
    .string()
    .max(MAX_SOURCE)
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
        operationId: "listProcesses",
        summary: "List processes",
        answers: "Every process.",
        response: { 200: z.object({ items: z.array(Process) }), ...problems(401) },
      },
    },
    async () => ({ items: await engine.processes.list() }),
  );

  // Create takes the source as JSON, as a text/plain body or as a multipart file part
  // (see sourceBodies.ts); its own scope parses text/plain, which other routes refuse (415).
  await app.register(async (scoped) => {
    scoped.addContentTypeParser("text/plain", { parseAs: "string" }, (_req, body, done) =>
      done(null, body),
    );
    scoped.withTypeProvider<ZodTypeProvider>().post(
      "/processes",
      {
        schema: {
          tags,
          operationId: "createProcess",
          summary: "Create a process (its draft must compile)",
          description:
            "The body is JSON, or the source itself as `text/plain` (name from `?name=` or the `X-Process-Name` header), or `multipart/form-data` with the source as a file part named `source` (name from a `name` field, `?name=`, the header, or the file's name without its extension).",
          answers: "The new process.",
          querystring: CreateQuery,
          headers: CreateHeaders,
          body: CreateProcess,
          bodies: {
            "text/plain": {
              type: "string",
              maxLength: MAX_SOURCE,
              description: "The source itself (UTF-8).",
            },
            "multipart/form-data": {
              type: "object",
              properties: {
                source: { type: "string", format: "binary", description: "The source file." },
                name: { type: "string", minLength: 1, maxLength: MAX_URL_SEGMENT },
                description: { type: "string", maxLength: 10_000 },
              },
              required: ["source"],
              additionalProperties: false,
            },
          },
          response: { 201: Process, ...problems(401, 403, 409, 413, 415, 422, 503) },
        },
        preValidation: async (request) => {
          const body = await sourceBody(request, MAX_SOURCE);
          if (body) request.body = body as typeof request.body;
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
  });

  app.get(
    "/processes/:id",
    {
      schema: {
        tags,
        operationId: "getProcess",
        summary: "Read a process (by id or name)",
        answers: "The process.",
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
        operationId: "updateProcess",
        summary: "Edit a process: name, description, draft source, settings, starred outputs",
        answers: "The process as edited.",
        params: IdParams,
        body: UpdateProcess,
        response: { 200: Process, ...problems(401, 403, 404, 409, 413, 422, 503) },
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
        operationId: "checkSource",
        summary: "Diagnostics and input names of source, saving nothing",
        answers: "Whether the source compiles, its diagnostics and input names.",
        params: IdParams,
        body: CheckBody.nullish(),
        response: { 200: CheckResult, ...problems(401, 403, 404, 422, 503) },
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
        operationId: "publishProcess",
        summary: "Publish the draft as the next version",
        description:
          "201 with the new version; 200 with the current version, creating nothing, when the latest version already has the draft's source.",
        answers:
          "The published version: new (201), or the current one when the draft is unchanged (200).",
        params: IdParams,
        response: { 200: Version, 201: Version, ...problems(401, 403, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const by = actorOf(request.principal);
      const { version, created } = await engine.processes.publishDraft(
        request.params.id,
        by !== undefined ? { by } : {},
      );
      return reply.code(created ? 201 : 200).send(version);
    },
  );

  app.get(
    "/processes/:id/versions",
    {
      schema: {
        tags,
        operationId: "listVersions",
        summary: "The published versions, newest first",
        answers: "The published versions, newest first.",
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
        operationId: "getVersion",
        summary: "One published version",
        answers: "The published version.",
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
        operationId: "restoreVersion",
        summary: "Copy a published version's source into the draft",
        answers: "The process with the version's source as its draft.",
        params: IdParams,
        body: z.strictObject({ version: z.int().min(1) }),
        response: { 200: Process, ...problems(401, 403, 404, 422, 503) },
      },
    },
    async (request) => engine.processes.restore(request.params.id, request.body.version),
  );
};
