// The OpenAPI document: valid OpenAPI 3.1 (checked by a validator library), covers every
// route, and is enough on its own to build a typed client (openapi-typescript at test time,
// type-checked with tsc) that creates a process, publishes it, runs it and reads its outputs.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.ts";

const ROOT = join(import.meta.dirname, "../..");
// Async: the server under test lives in this process and must keep answering.
const run = promisify(execFile);
let s: TestServer;
let doc: any;
beforeAll(async () => {
  s = await startTestServer("sqlite");
  const res = await fetch(`${s.url}/api/v2/openapi.json`);
  doc = await res.json();
});
afterAll(() => s.close());

describe("OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("describes every route, its security and problem answers", () => {
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
      ([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`),
    );
    for (const op of [
      "GET /api/v2/health",
      "GET /api/v2/processes",
      "POST /api/v2/processes",
      "GET /api/v2/processes/{id}",
      "PATCH /api/v2/processes/{id}",
      "POST /api/v2/processes/{id}/check",
      "POST /api/v2/processes/{id}/publish",
      "GET /api/v2/processes/{id}/versions",
      "POST /api/v2/processes/{id}/restore",
      "POST /api/v2/runs",
      "GET /api/v2/runs",
      "GET /api/v2/runs/{id}",
      "POST /api/v2/runs/{id}/cancel",
      "POST /api/v2/runs/{id}/answer",
      "GET /api/v2/runs/{id}/events",
      "GET /api/v2/runs/{id}/events/stream",
      "POST /api/v2/runs/actions/rerun",
      "POST /api/v2/runs/actions/archive",
      "POST /api/v2/files",
      "GET /api/v2/files/{id}/content",
      "GET /api/v2/keys",
      "POST /api/v2/keys",
      "DELETE /api/v2/keys/{id}",
      "POST /api/v2/auth/login",
    ]) {
      expect(ops).toContain(op);
    }
    expect(doc.paths["/api/v2/health"].get.security).toEqual([]);
    expect(doc.security).toEqual([{ apiKey: [] }, { bearer: [] }, { session: [] }]);
    const run = doc.components.schemas.Run;
    expect(run.properties.status.enum).toEqual([
      "Pending",
      "Running",
      "AwaitingAnswer",
      "Succeeded",
      "Failed",
      "Cancelled",
      "TimedOut",
    ]);
    const start = doc.paths["/api/v2/runs"].post;
    expect(start.requestBody.content["application/json"].schema.additionalProperties).toBe(false);
    expect(start.parameters.some((p: { name: string }) => p.name === "idempotency-key")).toBe(true);
    expect(start.responses["422"]).toBeDefined();
    expect(
      doc.paths["/api/v2/files"].post.requestBody.content["multipart/form-data"],
    ).toBeDefined();
  });

  it("passes @redocly/cli lint with no error and no warning", async () => {
    const dir = join(ROOT, "node_modules/.cache", `plainrun-lint-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, "openapi.json"), JSON.stringify(doc));
      const out = await run(
        process.execPath,
        [
          join(ROOT, "node_modules/@redocly/cli/bin/cli.js"),
          "lint",
          join(dir, "openapi.json"),
          "--format=json",
        ],
        {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        },
      ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }));
      const report = JSON.parse(out.stdout) as {
        totals: { errors: number; warnings: number };
        problems: Array<{ ruleId: string; message: string }>;
      };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("names every operation, describes every answer, and types errors as problem+json", () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        ids.push(op.operationId);
        expect(op.responses["400"], `${method} ${path} 400`).toBeDefined();
        for (const [status, answer] of Object.entries(op.responses as Record<string, any>)) {
          expect(answer.description).not.toBe("Default Response");
          if (Number(status) >= 400) {
            expect(Object.keys(answer.content), `${method} ${path} ${status}`).toEqual([
              "application/problem+json",
            ]);
          }
        }
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(["startRun", "listRuns", "getRun", "createProcess"]),
    );
    const stream = doc.paths["/api/v2/runs/{id}/events/stream"].get.responses["200"].content;
    expect(Object.keys(stream)).toEqual(["text/event-stream"]);
    const schemas = Object.keys(doc.components.schemas);
    expect(schemas.filter((n) => n.endsWith("Input"))).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('"$id"');
    expect(doc.servers[0].variables.origin.default).toBe(s.url);
    expect(doc.info.license).toMatchObject({ name: "MIT" });
    // the rules the server enforces are in the schemas
    const create = doc.paths["/api/v2/processes"].post.requestBody.content;
    expect(create["application/json"].schema.properties.name).toMatchObject({
      maxLength: 100,
      pattern: expect.stringContaining("\\u0000"),
    });
    expect(Object.keys(create)).toEqual(["application/json", "text/plain", "multipart/form-data"]);
  });

  it("is served as a browsable page at /api/docs", async () => {
    const page = await fetch(`${s.url}/api/docs`, { redirect: "follow" });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/swagger/i);
    // Built on that first request (not at start): its script, and the document as JSON and YAML.
    const script = await fetch(`${s.url}/api/docs/static/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const json = (await (await fetch(`${s.url}/api/docs/json`)).json()) as { paths: object };
    expect(Object.keys(json.paths)).toContain("/api/v2/runs");
    const yaml = await fetch(`${s.url}/api/docs/yaml`);
    expect(yaml.headers.get("content-type")).toMatch(/yaml/);
    expect(await yaml.text()).toMatch(/^openapi: 3\.1\.0/m);
  });

  // openapi-typescript, tsc over the client and tsx: three processes of seconds each.
  it("builds a typed client from nothing but the document, which runs a process", async () => {
    const dir = join(ROOT, "node_modules/.cache", `plainrun-openapi-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, "package.json"), '{"type":"module"}');
      await run(
        process.execPath,
        [
          join(ROOT, "node_modules/openapi-typescript/bin/cli.js"),
          `${s.url}/api/v2/openapi.json`,
          "-o",
          join(dir, "api.ts"),
        ],
        { cwd: ROOT },
      );
      writeFileSync(
        join(dir, "client.ts"),
        `import createClient from "openapi-fetch";
import type { paths } from "./api.ts";

const [baseUrl, key] = process.argv.slice(2) as [string, string];
const client = createClient<paths>({ baseUrl, headers: { "x-api-key": key } });
const created = await client.POST("/api/v2/processes", {
  body: { name: "generated client", source: "the total is the price * 2" },
});
if (!created.data) throw new Error(JSON.stringify(created.error));
const id: string = created.data.id;
const published = await client.POST("/api/v2/processes/{id}/publish", { params: { path: { id } } });
if (!published.data) throw new Error(JSON.stringify(published.error));
const started = await client.POST("/api/v2/runs", {
  body: { process_id: id, inputs: { price: 21 } },
  params: { header: { "idempotency-key": "generated-1" } },
});
if (!started.data) throw new Error(JSON.stringify(started.error));
const runId: string = started.data.id;
const deadline = Date.now() + 120_000;
for (;;) {
  if (Date.now() > deadline) throw new Error("the run did not finish");
  const got = await client.GET("/api/v2/runs/{id}", { params: { path: { id: runId } } });
  if (!got.data) throw new Error(JSON.stringify(got.error));
  const status: "Pending" | "Running" | "AwaitingAnswer" | "Succeeded" | "Failed" | "Cancelled" | "TimedOut" = got.data.status;
  if (status !== "Pending" && status !== "Running") {
    console.log(JSON.stringify({ version: published.data.version, status, outputs: got.data.outputs }));
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
`,
      );
      // The generated types must type-check the client (a wrong path or field fails here).
      await run(
        process.execPath,
        [
          join(ROOT, "node_modules/typescript/bin/tsc"),
          "--ignoreConfig",
          "--noEmit",
          "--strict",
          "--target",
          "es2022",
          "--module",
          "nodenext",
          "--moduleResolution",
          "nodenext",
          "--allowImportingTsExtensions",
          "--skipLibCheck",
          "--types",
          "node",
          join(dir, "client.ts"),
        ],
        { cwd: ROOT },
      ).catch((err: { stdout?: string }) => {
        throw new Error(`the generated types do not fit the client:\n${err.stdout}`);
      });
      const { stdout: out } = await run(
        process.execPath,
        ["--import", "tsx", join(dir, "client.ts"), s.url, s.key],
        { cwd: ROOT, encoding: "utf8" },
      );
      expect(JSON.parse(out.trim())).toEqual({
        version: 1,
        status: "Succeeded",
        outputs: { total: 42 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
