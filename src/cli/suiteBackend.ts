// What the Test Suite commands work on: the store here (the engine over --data-dir or
// --database-url), or a server's API (--server URL --key KEY). Both answer with the API's
// documents, so each command prints one way whichever it is.
import type {
  Engine,
  SuiteComparison,
  SuitePage,
  SuiteRun,
  SuiteRunDetail,
  TestCase,
  UpdateTestCaseOptions,
} from "../engine/index.ts";
import { engineCommand } from "./engineCommand.ts";
import { CliError, reportError, UsageError } from "./errors.ts";
import type { CommonFlags } from "./options.ts";

export interface RemoteFlags extends CommonFlags {
  server?: string;
  key?: string;
}

export interface SuiteBackend {
  /** Process ids to names. */
  processNames(): Promise<Map<string, string>>;
  listCases(process?: string): Promise<TestCase[]>;
  getCase(id: string): Promise<TestCase>;
  updateCase(id: string, patch: UpdateTestCaseOptions): Promise<TestCase>;
  deleteCase(id: string): Promise<TestCase>;
  startSuite(body: {
    processes?: string[];
    stage: string;
    concurrency?: number;
  }): Promise<SuiteRun>;
  listSuiteRuns(opts: { limit: number; cursor?: string }): Promise<SuitePage>;
  getSuiteRun(id: string): Promise<SuiteRunDetail>;
  compare(before: string, after: string): Promise<SuiteComparison>;
  cancel(id: string): Promise<SuiteRun>;
}

export function engineBackend(engine: Engine): SuiteBackend {
  return {
    processNames: async () => new Map((await engine.processes.list()).map((p) => [p.id, p.name])),
    listCases: (p) => engine.testCases.list(p),
    getCase: (id) => engine.testCases.get(id),
    updateCase: (id, patch) => engine.testCases.update(id, patch),
    deleteCase: (id) => engine.testCases.delete(id),
    startSuite: (b) =>
      engine.suites.start({
        stage: b.stage as "draft",
        ...(b.processes ? { processes: b.processes } : {}),
        ...(b.concurrency ? { concurrency: b.concurrency } : {}),
      }),
    listSuiteRuns: (o) => engine.suites.list(o),
    getSuiteRun: (id) => engine.suites.get(id),
    compare: (a, b) => engine.suites.compare(a, b),
    cancel: (id) => engine.suites.cancel(id),
  };
}

/** One call to a server's API v2; a refusal is a CliError with the server's sentence. */
export function serverCaller(url: string, key: string) {
  const base = url.replace(/\/+$/, "");
  return async <T>(method: string, path: string, payload?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}/api/v2${path}`, {
        method,
        headers: {
          "x-api-key": key,
          ...(payload !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
      });
    } catch (err) {
      throw new CliError(
        `can't reach the server at ${base}: ${(err as Error).cause ?? (err as Error).message}`,
      );
    }
    const text = await res.text();
    let parsed: { detail?: string; title?: string } & Record<string, unknown>;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(
        `the server at ${base} answered ${res.status} with no JSON (is it a Plainrun server?)`,
      );
    }
    if (!res.ok)
      throw new CliError(`the server refused (${res.status}): ${parsed.detail ?? parsed.title}`);
    return parsed as T;
  };
}

export function serverBackend(url: string, key: string): SuiteBackend {
  const call = serverCaller(url, key);
  const seg = encodeURIComponent;
  return {
    async processNames() {
      const page = await call<{ items: Array<{ id: string; name: string }> }>("GET", "/processes");
      return new Map(page.items.map((p) => [p.id, p.name]));
    },
    listCases: async (p) =>
      (
        await call<{ items: TestCase[] }>(
          "GET",
          `/test-cases${p === undefined ? "" : `?process=${seg(p)}`}`,
        )
      ).items,
    getCase: (id) => call("GET", `/test-cases/${seg(id)}`),
    updateCase: (id, patch) => call("PATCH", `/test-cases/${seg(id)}`, patch),
    deleteCase: (id) => call("DELETE", `/test-cases/${seg(id)}`),
    startSuite: (b) => call("POST", "/suite-runs", b),
    listSuiteRuns: (o) =>
      call(
        "GET",
        `/suite-runs?limit=${o.limit}${o.cursor === undefined ? "" : `&cursor=${seg(o.cursor)}`}`,
      ),
    getSuiteRun: (id) => call("GET", `/suite-runs/${seg(id)}`),
    compare: (a, b) => call("GET", `/suite-runs/${seg(a)}/compare/${seg(b)}`),
    cancel: (id) => call("POST", `/suite-runs/${seg(id)}/cancel`),
  };
}

/** --server and --key, checked: the server's backend, or undefined to work on the store. */
export function remoteOf(flags: RemoteFlags): SuiteBackend | undefined {
  if (flags.server === undefined) {
    if (flags.key !== undefined) throw new UsageError("--key goes with --server");
    return undefined;
  }
  if (flags.dataDir !== undefined || flags.databaseUrl !== undefined) {
    throw new UsageError("give --server, or --data-dir / --database-url, not both");
  }
  const key = flags.key ?? process.env.PLAINRUN_API_KEY;
  if (!key) throw new UsageError("--server needs --key (or $PLAINRUN_API_KEY)");
  if (!/^https?:\/\//.test(flags.server)) {
    throw new UsageError(`--server is an http:// or https:// URL, not "${flags.server}"`);
  }
  return serverBackend(flags.server, key);
}

/**
 * Runs a Test Suite command's body on the server its flags name, or on the store (as
 * engineCommand does); reports errors and sets the exit code.
 */
export async function suiteCommand(
  flags: RemoteFlags,
  body: (b: SuiteBackend, engine?: Engine) => Promise<unknown>,
): Promise<void> {
  let remote: SuiteBackend | undefined;
  try {
    remote = remoteOf(flags);
    if (remote) {
      const result = await body(remote);
      process.exitCode = typeof result === "number" ? result : 0;
      return;
    }
  } catch (err) {
    process.exitCode = reportError(err, flags.json === true);
    return;
  }
  await engineCommand(flags, (engine) => body(engineBackend(engine), engine));
}
