// The Test Suite: add test cases from runs (a bulk action, answered per run), read, edit and
// delete cases, start, follow, cancel and compare suite runs (docs/test-suite.md).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Engine } from "../../engine/index.ts";
import { CASE_RESULTS, STAGES, SUITE_STATUSES } from "../../store/index.ts";
import { actorOf } from "../auth/hook.ts";
import { apiRegistry, IdParams, JsonObject, MAX_URL_SEGMENT, problems } from "../schemas.ts";

function named<T extends z.ZodType>(id: string, schema: T): T {
  apiRegistry.add(schema, { id });
  return schema;
}

const OutputNames = z.array(z.string().min(1).max(200)).max(1000);

export const TestCase = named(
  "TestCase",
  z.object({
    id: z.string(),
    process_id: z.string(),
    name: z.string(),
    inputs: JsonObject,
    file_ids: z.array(z.string()),
    expected: JsonObject.describe("The baseline outputs a run must give back."),
    compare: z
      .array(z.string())
      .nullable()
      .describe("The outputs compared; null: the process's starred outputs (all where none)."),
    ignore: z.array(z.string()).describe("Outputs never compared."),
    answers: z.array(z.unknown()).describe("Answers replayed, in order, when the process asks."),
    source_run_id: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
);

const DiffEntry = named(
  "DiffEntry",
  z.object({
    output: z.string(),
    path: z
      .array(z.union([z.string(), z.int()]))
      .describe("List positions (from 0) and field names inside the output."),
    expected: z.unknown(),
    actual: z.unknown(),
    change: z.enum(["changed", "missing", "unexpected"]),
  }),
);

const CaseResult = named(
  "CaseResult",
  z.object({
    case_id: z.string(),
    case_name: z.string(),
    process_id: z.string(),
    status: z.enum(CASE_RESULTS),
    run_id: z.string().nullable(),
    diff: z.array(DiffEntry),
    reason: z.string().nullable(),
    finished_at: z.string(),
  }),
);

const suiteShape = {
  id: z.string(),
  stage: z.enum(STAGES),
  status: z.enum(SUITE_STATUSES),
  reason: z.string().describe('"manual", or "publish" for the publish gate.'),
  processes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      version: z.int().nullable(),
      source_hash: z.string().nullable(),
      cases: z.int(),
    }),
  ),
  missing: z
    .array(z.object({ id: z.string(), name: z.string() }))
    .describe('Processes asked for that have no test case ("Missing test cases").'),
  started_by: z.string().nullable(),
  counts: z.object({
    total: z.int(),
    passed: z.int(),
    failed: z.int(),
    error: z.int(),
    cancelled: z.int(),
    pending: z.int(),
  }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
};
const SuiteRun = named("SuiteRun", z.object(suiteShape));
const SuiteRunDetail = named(
  "SuiteRunDetail",
  z.object({ ...suiteShape, results: z.array(CaseResult) }),
);

const AddResult = z.object({
  id: z.string(),
  ok: z.boolean(),
  test_case: TestCase.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

const CaseName = z
  .string()
  .min(1)
  .max(200)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, { error: "must not contain control characters" });

const UpdateCase = z.strictObject({
  name: CaseName.optional(),
  expected: JsonObject.optional().describe(
    "Output names to expected values, merged into the current ones.",
  ),
  compare: OutputNames.nullable()
    .optional()
    .describe("The outputs compared; null: back to the process's starred outputs."),
  ignore: OutputNames.optional().describe("Outputs never compared."),
});

const StartSuite = z.strictObject({
  processes: z
    .array(z.string().min(1).max(200))
    .max(1000)
    .optional()
    .describe("Process names or ids; default: every process."),
  stage: z.enum(STAGES).optional().describe('Default "draft".'),
  concurrency: z.int().min(1).max(1000).optional().describe("Cases at once (default 64)."),
});

const ListQuery = z.strictObject({
  process: z.string().min(1).max(200).optional().describe("Process id or name."),
});

const PageQuery = z.strictObject({
  limit: z.coerce
    .number({ error: "must be a whole number from 1 to 500" })
    .int({ error: "must be a whole number from 1 to 500" })
    .min(1, { error: "must be a whole number from 1 to 500" })
    .max(500, { error: "must be a whole number from 1 to 500" })
    .optional()
    .describe("Default 50."),
  cursor: z.string().min(1).max(200).optional().describe("next_cursor of the previous page."),
});

const CompareParams = z.strictObject({
  id: z.string().min(1).max(MAX_URL_SEGMENT),
  other: z.string().min(1).max(MAX_URL_SEGMENT),
});

const CaseChange = z.object({
  case_id: z.string(),
  case_name: z.string(),
  process_id: z.string(),
  before: z.enum(CASE_RESULTS).nullable().describe("null: the case was not in that suite run."),
  after: z.enum(CASE_RESULTS).nullable(),
  before_result: CaseResult.nullable(),
  after_result: CaseResult.nullable(),
});

export const testSuiteRoutes: FastifyPluginAsyncZod<{ engine: Engine }> = async (
  app,
  { engine },
) => {
  const tags = ["test suite"];

  app.post(
    "/runs/actions/add-test-case",
    {
      schema: {
        tags: ["runs", ...tags],
        operationId: "addTestCases",
        summary: "Make test cases from Succeeded runs (any other run is refused, with why)",
        answers:
          "One result per run, in the order of run_ids: ok with the test case, or the error.",
        body: z.strictObject({
          run_ids: z.array(z.string().min(1).max(200)).min(1).max(1000),
          name: CaseName.optional().describe(
            "The case's name (one run only); default: made from the inputs.",
          ),
        }),
        response: {
          200: z.object({ results: z.array(AddResult) }),
          ...problems(401, 403, 413, 422),
        },
      },
    },
    async (request) => {
      const { run_ids, name } = request.body;
      const by = actorOf(request.principal);
      return {
        results: await engine.testCases.fromRuns(run_ids, {
          ...(by !== undefined ? { by } : {}),
          ...(name !== undefined ? { name } : {}),
        }),
      };
    },
  );

  app.get(
    "/test-suite",
    {
      schema: {
        tags,
        operationId: "getTestSuite",
        summary: "Every process with its number of test cases and its last result",
        answers: 'Every process; one with no case is "Missing test cases" (cases 0).',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                cases: z.int(),
                last: z
                  .object({
                    suite_run_id: z.string(),
                    passed: z.int(),
                    failed: z.int(),
                    error: z.int(),
                    cancelled: z.int(),
                  })
                  .nullable(),
              }),
            ),
          }),
          ...problems(401),
        },
      },
    },
    async () => ({ items: await engine.suites.overview() }),
  );

  app.get(
    "/test-cases",
    {
      schema: {
        tags,
        operationId: "listTestCases",
        summary: "List test cases (of one process, or all)",
        answers: "The test cases, by process, oldest first.",
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(TestCase) }), ...problems(401, 404) },
      },
    },
    async (request) => ({ items: await engine.testCases.list(request.query.process) }),
  );

  app.get(
    "/test-cases/:id",
    {
      schema: {
        tags,
        operationId: "getTestCase",
        summary: "Read a test case",
        answers: "The test case.",
        params: IdParams,
        response: { 200: TestCase, ...problems(401, 404) },
      },
    },
    async (request) => engine.testCases.get(request.params.id),
  );

  app.patch(
    "/test-cases/:id",
    {
      schema: {
        tags,
        operationId: "updateTestCase",
        summary: "Rename a test case, edit its expected values, the outputs it compares or ignores",
        answers: "The test case as edited.",
        params: IdParams,
        body: UpdateCase,
        response: { 200: TestCase, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const b = request.body;
      return engine.testCases.update(request.params.id, {
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.expected !== undefined ? { expected: b.expected as never } : {}),
        ...(b.compare !== undefined ? { compare: b.compare } : {}),
        ...(b.ignore !== undefined ? { ignore: b.ignore } : {}),
      });
    },
  );

  app.delete(
    "/test-cases/:id",
    {
      schema: {
        tags,
        operationId: "deleteTestCase",
        summary: "Delete a test case (its past results stay in the history)",
        answers: "The test case, deleted.",
        params: IdParams,
        response: { 200: TestCase, ...problems(401, 403, 404) },
      },
    },
    async (request) => engine.testCases.delete(request.params.id),
  );

  app.post(
    "/suite-runs",
    {
      schema: {
        tags,
        operationId: "startSuiteRun",
        summary: "Run the test cases of some processes (or all) against the draft or published",
        description:
          "Answers at once (202) with the suite run, Running; its cases run on this server, several at a time, through the workers. Follow it with GET /suite-runs/{id}.",
        answers: "The suite run, Running (or already final when there is no case to run).",
        body: StartSuite,
        response: { 202: SuiteRun, ...problems(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const b = request.body ?? {};
      const by = actorOf(request.principal);
      const suite = await engine.suites.start({
        ...(b.processes ? { processes: b.processes } : {}),
        ...(b.stage ? { stage: b.stage } : {}),
        ...(b.concurrency ? { concurrency: b.concurrency } : {}),
        ...(by !== undefined ? { by } : {}),
      });
      return reply.code(202).header("location", `/api/v2/suite-runs/${suite.id}`).send(suite);
    },
  );

  app.get(
    "/suite-runs",
    {
      schema: {
        tags,
        operationId: "listSuiteRuns",
        summary: "The history of suite runs, newest first",
        answers: "A page of suite runs, newest first, and the cursor of the next page.",
        querystring: PageQuery,
        response: {
          200: z.object({ items: z.array(SuiteRun), next_cursor: z.string().nullable() }),
          ...problems(401, 422),
        },
      },
    },
    async (request) =>
      engine.suites.list({
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
      }),
  );

  app.get(
    "/suite-runs/:id",
    {
      schema: {
        tags,
        operationId: "getSuiteRun",
        summary: "A suite run with each ended case's result (diffs, runs)",
        answers: "The suite run and the results of the cases that ended.",
        params: IdParams,
        response: { 200: SuiteRunDetail, ...problems(401, 404) },
      },
    },
    async (request) => engine.suites.get(request.params.id),
  );

  app.post(
    "/suite-runs/:id/cancel",
    {
      schema: {
        tags,
        operationId: "cancelSuiteRun",
        summary: "Cancel a Running suite run (its runs in flight, and the cases not started)",
        answers:
          "The suite run, Cancelled (still Running when the server executing it has not ended it within 5 seconds).",
        params: IdParams,
        response: { 200: SuiteRun, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => engine.suites.cancel(request.params.id),
  );

  app.get(
    "/suite-runs/:id/compare/:other",
    {
      schema: {
        tags,
        operationId: "compareSuiteRuns",
        summary: "What changed between two suite runs (id before, other after)",
        answers: "The cases whose result changed, and how many did not.",
        params: CompareParams,
        response: {
          200: z.object({
            before: SuiteRun,
            after: SuiteRun,
            changed: z.array(CaseChange),
            unchanged: z.int(),
          }),
          ...problems(401, 404),
        },
      },
    },
    async (request) => engine.suites.compare(request.params.id, request.params.other),
  );
};
