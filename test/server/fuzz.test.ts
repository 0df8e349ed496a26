// A fuzzer driven by the served OpenAPI document, against a real server over a socket: for
// every operation, requests whose path, query, headers and body are generated from the
// document's schemas (valid ones, and ones broken on purpose), each answer checked against
// the document: its status and content type are documented for that operation, its body
// matches the documented schema (ajv), and nothing answers 5xx.
//
// A bounded run is part of the suite; run it longer with PLAINRUN_FUZZ_RUNS (requests per
// operation, default 25), e.g. `PLAINRUN_FUZZ_RUNS=2000 npx vitest run test/server/fuzz.test.ts`.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/server/auth/apiKeys.ts";
import { broken, type Schema, valid } from "../helpers/schemaArbitrary.ts";
import { publish, startTestServer, type TestServer } from "./helpers.ts";

const RUNS = Number(process.env.PLAINRUN_FUZZ_RUNS ?? 25);

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: Schema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Request {
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: { type: string; payload: string | FormData } | undefined;
}

let s: TestServer;
let doc: {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
let key: string;
const ajv = new Ajv2020({ strict: false, allErrors: false, formats: { binary: true } });
addFormats.default(ajv);
/** Real ids and names, so generated requests reach the handlers, not only the 404s. */
const known: Record<string, string[]> = {};

beforeAll(async () => {
  s = await startTestServer("sqlite");
  // A key of its own, with a name the generator will not hit (DELETE /keys/{name} revokes).
  const k = await createApiKey(s.t.store, `fuzz-${"k".repeat(40)}`);
  key = k.secret;
  const p = await publish(s, "greeting", 'the greeting is "Hello, {the customer name}!"');
  const asks = await publish(s, "asks", 'ask "Name?" as the name\nsay the name');
  const run = await s.api("POST", "/api/v2/runs", { process: "greeting", inputs: {} });
  const waiting = await s.api("POST", "/api/v2/runs", { process: "asks" });
  const form = new FormData();
  form.append("file", new Blob(["a,b\n1,2\n"]), "f.csv");
  const file = (await (
    await fetch(`${s.url}/api/v2/files`, {
      method: "POST",
      headers: { "x-api-key": s.key },
      body: form,
    })
  ).json()) as { id: string };
  const spare = await s.api("POST", "/api/v2/keys", { name: "spare" });
  // A test case and a suite run, so the Test Suite's routes are reached with real ids.
  const ada = await s.api("POST", "/api/v2/runs", {
    process: "greeting",
    inputs: { "customer name": "Ada" },
  });
  await s.waitRun(ada.body.id);
  const added = await s.api("POST", "/api/v2/runs/actions/add-test-case", {
    run_ids: [ada.body.id],
  });
  const suite = await s.api("POST", "/api/v2/suite-runs", { processes: ["greeting"] });
  const cases = [added.body.results[0].test_case.id, suite.body.id];
  known.id = [p.id, "greeting", asks.id, run.body.id, waiting.body.id, file.id, spare.body.id];
  known.id.push(...cases);
  known.other = cases;
  known.version = ["1", "2"];
  doc = (await (await fetch(`${s.url}/api/v2/openapi.json`)).json()) as typeof doc;
  ajv.addSchema(doc, "openapi");
});
afterAll(() => s.close());

const resolveRef = (ref: string): Schema => {
  const name = ref.replace("#/components/schemas/", "");
  const schema = doc.components.schemas[name];
  if (!schema) throw new Error(`no schema ${ref}`);
  return schema;
};

const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/");

const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function validatorFor(path: string, method: string, status: string, media: string) {
  const ref = `openapi#/${pointer("paths", path, method, "responses", status, "content", media, "schema")}`;
  let v = validators.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    validators.set(ref, v);
  }
  return v;
}

const asText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function requestArb(path: string, op: Operation): fc.Arbitrary<Request> {
  const params = op.parameters ?? [];
  const value = (p: Parameter) =>
    fc.oneof(
      { weight: 3, arbitrary: valid(p.schema, resolveRef) },
      { weight: 1, arbitrary: broken(p.schema, resolveRef) },
    );
  const pathParams = params
    .filter((p) => p.in === "path")
    .map((p) =>
      fc
        .oneof(
          { weight: 2, arbitrary: fc.constantFrom(...(known[p.name] ?? ["x"])) },
          // An empty segment would name another route (/runs/ is /runs), and a URL parser
          // removes "." and ".." segments: neither can reach this operation.
          {
            weight: 2,
            arbitrary: value(p)
              .map(asText)
              .filter((v) => v !== "" && v !== "." && v !== ".."),
          },
          { weight: 1, arbitrary: fc.constantFrom("x".repeat(150), "%", "a b", "a/b") },
        )
        .map((v) => [p.name, v] as const),
    );
  const optional = (p: Parameter) =>
    p.required
      ? value(p).map((v) => [p.name, asText(v)] as const)
      : fc.option(
          value(p).map((v) => [p.name, asText(v)] as const),
          { nil: undefined },
        );
  const query = params.filter((p) => p.in === "query").map(optional);
  const headers = params.filter((p) => p.in === "header").map(optional);
  const content = op.requestBody?.content ?? {};
  const bodies: Array<fc.Arbitrary<Request["body"]>> = [fc.constant(undefined)];
  for (const [type, media] of Object.entries(content)) {
    if (type === "application/json") {
      bodies.push(
        valid(media.schema, resolveRef).map((v) => ({ type, payload: JSON.stringify(v) })),
        broken(media.schema, resolveRef).map((v) => ({ type, payload: JSON.stringify(v) })),
        fc.constantFrom("{", "[]", '"x"', "null").map((payload) => ({ type, payload })),
      );
    } else if (type === "multipart/form-data") {
      const names = Object.keys((media.schema.properties ?? {}) as object);
      bodies.push(
        fc
          .tuple(
            fc.constantFrom(...names, "other"),
            fc.uint8Array({ maxLength: 64 }),
            fc.string({ maxLength: 20 }),
          )
          .map(([name, bytes, filename]) => {
            const form = new FormData();
            form.append(name, new Blob([bytes]), filename || "f.txt");
            return { type, payload: form };
          }),
      );
    } else {
      bodies.push(fc.string({ maxLength: 200 }).map((payload) => ({ type, payload })));
    }
  }
  return fc
    .record({
      pathValues: fc.tuple(...pathParams),
      queryValues: fc.tuple(...query),
      headerValues: fc.tuple(...headers),
      body: fc.oneof(...bodies),
    })
    .map(({ pathValues, queryValues, headerValues, body }) => {
      let p = path;
      for (const [name, v] of pathValues) p = p.replace(`{${name}}`, encodeURIComponent(v));
      const q = new URLSearchParams();
      for (const e of queryValues) if (e) q.append(e[0], e[1]);
      const h: Record<string, string> = {};
      for (const e of headerValues) {
        // A header value is visible ASCII here: fetch itself refuses control characters and
        // anything past Latin-1, so such requests never reach a server.
        if (e && /^[\x20-\x7e]*$/.test(e[1])) h[e[0]] = e[1];
      }
      return { path: p, query: q.toString(), headers: h, body };
    });
}

async function send(method: string, r: Request) {
  const headers: Record<string, string> = { "x-api-key": key, ...r.headers };
  if (r.body && typeof r.body.payload === "string") headers["content-type"] = r.body.type;
  const abort = new AbortController();
  const res = await fetch(`${s.url}${r.path}${r.query ? `?${r.query}` : ""}`, {
    method: method.toUpperCase(),
    headers,
    body: r.body?.payload ?? null,
    // An answer that never comes is a failure too, named, not a hung suite (60 s: a hang,
    // not a slow answer on a loaded machine).
    signal: AbortSignal.any([abort.signal, AbortSignal.timeout(60_000)]),
  });
  const type = res.headers.get("content-type") ?? "";
  // An event stream may go on: its status and type are what can be checked.
  if (type.startsWith("text/event-stream")) {
    abort.abort();
    return { status: res.status, type, text: "" };
  }
  return { status: res.status, type, text: await res.text() };
}

describe("the API answers as its OpenAPI document says", () => {
  it("for every operation, with generated valid and broken requests", async () => {
    const failures: string[] = [];
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    expect(ops.length).toBeGreaterThan(25);
    for (const { path, method, op } of ops) {
      const started = Date.now();
      const tally: Record<number, number> = {};
      await fc
        .assert(
          fc.asyncProperty(requestArb(path, op), async (r) => {
            const answer = await send(method, r);
            tally[answer.status] = (tally[answer.status] ?? 0) + 1;
            const where = `${method.toUpperCase()} ${r.path}${r.query ? `?${r.query}` : ""} (${op.operationId}) → ${answer.status} ${answer.type}`;
            const documented = op.responses[String(answer.status)];
            if (answer.status >= 500) throw new Error(`${where}: a 5xx: ${answer.text}`);
            if (!documented) throw new Error(`${where}: status not documented: ${answer.text}`);
            const media = answer.type.split(";")[0]?.trim() ?? "";
            if (!documented.content) {
              if (answer.text !== "") throw new Error(`${where}: a body where none is documented`);
              return;
            }
            const spec = documented.content[media];
            if (!spec)
              throw new Error(
                `${where}: content type not documented (${Object.keys(documented.content)})`,
              );
            if (media.endsWith("json")) {
              const check = validatorFor(path, method, String(answer.status), media);
              if (!check(JSON.parse(answer.text))) {
                throw new Error(
                  `${where}: body does not match the schema: ${ajv.errorsText(check.errors)}: ${answer.text.slice(0, 300)}`,
                );
              }
            }
          }),
          { numRuns: RUNS, endOnFailure: true },
        )
        .catch((err: Error) =>
          failures.push(
            [
              ...err.message.split("\n").filter((l) => /Counterexample|→/.test(l)),
              (err.cause as Error | undefined)?.message ?? "",
            ]
              .join("\n")
              .slice(0, 1500),
          ),
        );
      if (process.env.PLAINRUN_FUZZ_VERBOSE) {
        const ms = Date.now() - started;
        process.stderr.write(`${op.operationId}: ${ms} ms, statuses ${JSON.stringify(tally)}\n`);
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
