// A real server on a real socket for the API tests: the Fastify app on port 0, an engine with
// workers on an isolated test store (SQLite file or Postgres schema), an API key, and fetch.
import { connect } from "node:net";
import {
  createEngine,
  type Engine,
  type WorkerOptions,
  type WorkerPoolHandle,
} from "../../src/engine/index.ts";
import { type AppConfig, buildApp, type PlainrunApp } from "../../src/server/app.ts";
import { createApiKey } from "../../src/server/auth/apiKeys.ts";
import { createTestStore, type TestDialect, type TestStore } from "../helpers/stores.ts";

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestServer {
  t: TestStore;
  engine: Engine;
  http: PlainrunApp;
  url: string;
  key: string;
  /** JSON request with the test key (unless headers say otherwise). */
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>>;
  /** Polls GET /runs/{id} until the run is final or waits for an answer (60 s: a hang bound). */
  waitRun(id: string, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

export async function startTestServer(
  dialect: TestDialect = "sqlite",
  opts: { config?: Partial<AppConfig>; workers?: boolean; workerOptions?: WorkerOptions } = {},
): Promise<TestServer> {
  const t = await createTestStore(dialect);
  const engine = createEngine({ store: t.store });
  let pool: WorkerPoolHandle | undefined;
  if (opts.workers !== false) {
    pool = await engine.startWorkers({ concurrency: 4, leaseMs: 5000, ...opts.workerOptions });
  }
  const http = await buildApp({
    engine,
    config: { logLevel: "silent", webDir: "/nonexistent", ...opts.config },
    roles: ["api", "worker"],
  });
  await http.app.listen({ port: 0, host: "127.0.0.1" });
  const address = http.app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const key = (await createApiKey(t.store, "test")).secret;

  async function api<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const h: Record<string, string> = { "x-api-key": key, ...headers };
    for (const [k, v] of Object.entries(h)) if (v === "") delete h[k];
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await fetch(url + path, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  async function waitRun(id: string, timeoutMs = 60_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = await api<any>("GET", `/api/v2/runs/${id}`);
      if (r.status !== 200) throw new Error(`GET run ${id}: ${r.status} ${r.text}`);
      if (!["Pending", "Running"].includes(r.body.status)) return r.body;
      if (Date.now() > end) throw new Error(`run ${id} still ${r.body.status}`);
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  return {
    t,
    engine,
    http,
    url,
    key,
    api,
    waitRun,
    async close() {
      await http.close();
      await pool?.stop({ graceMs: 0 });
      await engine.close();
      await t.cleanup();
    },
  };
}

/** Creates a process with this source through the API and publishes it. */
export async function publish(s: TestServer, name: string, source: string): Promise<any> {
  const created = await s.api("POST", "/api/v2/processes", { name, source });
  if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${created.text}`);
  const pub = await s.api("POST", `/api/v2/processes/${created.body.id}/publish`);
  if (pub.status !== 201) throw new Error(`publish ${name}: ${pub.status} ${pub.text}`);
  return created.body;
}

export const expectProblem = (r: Answer, status: number) => {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
  const type = r.headers.get("content-type") ?? "";
  if (!type.startsWith("application/problem+json")) throw new Error(`content-type ${type}`);
  if (
    r.body.status !== status ||
    typeof r.body.title !== "string" ||
    typeof r.body.type !== "string"
  ) {
    throw new Error(`not a problem document: ${r.text}`);
  }
  return r.body;
};

/** One raw HTTP/1.1 request on a socket to the server at `url`; resolves with the whole answer. */
export function rawRequest(url: string, request: string | Buffer): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), "127.0.0.1", () => sock.end(request));
    let out = "";
    sock.setEncoding("utf8");
    sock.on("data", (d) => {
      out += d;
    });
    sock.on("end", () => resolve(out));
    sock.on("error", reject);
    sock.setTimeout(60_000, () => {
      sock.destroy();
      reject(new Error(`no answer: ${out}`));
    });
  });
}
