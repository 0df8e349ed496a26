// The HTTP application: Fastify with zod schemas (validation, OpenAPI 3.1 from the same
// schemas), problem+json errors, API keys and sessions, the REST API v2 under /api/v2, the
// browsable docs at /api/docs and the UI's static files.
import { join } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyMultipart from "@fastify/multipart";
import fastifySwagger from "@fastify/swagger";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
} from "fastify";
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Engine } from "../engine/index.ts";
import { mailDomainOf } from "../triggers/email/addresses.ts";
import { registerApiDocs } from "./apiDocs.ts";
import { Accounts, LoginLimiter } from "./auth/accounts.ts";
import { ApiKeyCache } from "./auth/apiKeys.ts";
import { installAuthHook } from "./auth/hook.ts";
import { resolveConfig, type ServerConfig } from "./config.ts";
import { documentRoute, finishDocument, servedFrom } from "./openapi.ts";
import { registerPages, type UiPage } from "./pages.ts";
import { errorToProblem, parseJsonBody, problem, sendProblem } from "./problems.ts";
import { activityRoutes } from "./routes/activity.ts";
import { authRoutes } from "./routes/auth.ts";
import { emailRoutes } from "./routes/email.ts";
import { fileRoutes } from "./routes/files.ts";
import { healthRoutes } from "./routes/health.ts";
import { keyRoutes } from "./routes/keys.ts";
import { processRoutes } from "./routes/processes.ts";
import { runRoutes } from "./routes/runs.ts";
import { scheduleRoutes } from "./routes/schedules.ts";
import { testSuiteRoutes } from "./routes/testSuite.ts";
import { apiRegistry, MAX_URL_SEGMENT } from "./schemas.ts";
import { registerStatic, uiRoot } from "./static.ts";

export const API_PREFIX = "/api/v2";
export const VERSION = "0.1.0";

export type AppConfig = Pick<
  ServerConfig,
  | "bodyLimit"
  | "uploadLimit"
  | "keyCacheTtlMs"
  | "sessionTtlHours"
  | "loginMaxFailures"
  | "loginWindowMs"
  | "sseHeartbeatMs"
  | "ssePollMs"
  | "webDir"
  | "dataDir"
  | "databaseUrl"
  | "trustProxy"
  | "logLevel"
  | "mailDomain"
>;

export interface AppOptions {
  engine: Engine;
  config?: Partial<AppConfig>;
  /** Roles of this process, reported by /health. */
  roles?: string[];
}

export interface PlainrunApp {
  app: FastifyInstance;
  keys: ApiKeyCache;
  accounts: Accounts;
  /** Closes the HTTP server, ends event streams and flushes last-used times. */
  close(): Promise<void>;
}

const DESCRIPTION = `The REST API of Plainrun: processes written in plain English, run as durable runs.

Authenticate with an API key (\`x-api-key: KEY\` or \`Authorization: Bearer KEY\`; create one with \`plainrun keys create NAME\`) or a login session (cookie from \`POST /api/v2/auth/login\`; writes then need the \`x-csrf-token\` header). Errors are \`application/problem+json\`.`;

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The methods some route answers on this path. */
function allowedMethods(app: FastifyInstance, url: string): string[] {
  return METHODS.filter((method) => app.findRoute({ method, url }) !== null);
}

export async function buildApp(opts: AppOptions): Promise<PlainrunApp> {
  const config: AppConfig = { ...resolveConfig({}, {}), ...opts.config };
  const { engine } = opts;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    ajv: undefined,
    // `/runs/` is `/runs`, not `/runs/:id` with an empty id.
    // The router's own refusals (a URL with a bad %-escape…) are problems too.
    // A path segment longer than any id or name (MAX_URL_SEGMENT) names nothing: 404.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_URL_SEGMENT },
    frameworkErrors: (err, request, reply) => {
      if (err.code === "FST_ERR_MAX_PARAM_LENGTH") {
        const path = request.url.split("?")[0] ?? "";
        return sendProblem(
          reply,
          problem(404, "not-found", "Not found", `Nothing is named by ${path.slice(0, 200)}….`),
        );
      }
      sendProblem(reply, problem(400, "malformed", "Malformed request", err.message));
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Responses are documented by their zod schemas and serialized as they are: re-validating
  // every answer would cost the hot path; the tests check answers against the document.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // JSON: an empty body counts as no body (so POST .../publish with a JSON content type works);
  // errors say where the JSON is wrong, name a refused __proto__ key and a too-deep nesting.
  // Only JSON is parsed (and multipart for /files): JSON sent as text/plain is 415, not a string.
  app.removeContentTypeParser("application/json");
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.setErrorHandler((err, request, reply) => sendProblem(reply, errorToProblem(err, request)));
  // The UI's index.html for its routes (set below, once the pages are registered).
  let uiPage: UiPage | undefined;
  const notFound = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0] ?? "";
    if (
      !path.startsWith("/api/") &&
      (request.method === "GET" || request.method === "HEAD") &&
      app.plainrunUi
    ) {
      if (uiPage) return uiPage(request, reply);
    }
    // A known path with another method: 405 with Allow (OPTIONS: 204 with Allow, no CORS grant).
    // A path whose route takes this method but found nothing (a missing static file) is 404.
    const allow = path.startsWith("/api/") ? allowedMethods(app, path) : [];
    if (allow.length > 0 && !allow.includes(request.method)) {
      reply.header("allow", allow.join(", "));
      if (request.method === "OPTIONS") return reply.code(204).send();
      return sendProblem(
        reply,
        problem(
          405,
          "method-not-allowed",
          "Method not allowed",
          `${path} answers ${allow.join(", ")}, not ${request.method}.`,
        ),
      );
    }
    return sendProblem(
      reply,
      problem(404, "not-found", "Not found", `No route ${request.method} ${path}.`),
    );
  };
  app.setNotFoundHandler(notFound);
  // Unknown routes are answered before any body is read: a QUERY (or a POST) to no route is
  // 404/405 whatever its body or content type.
  app.addHook("onRequest", async (request, reply) => {
    if (request.is404) return notFound(request, reply);
  });

  const keys = new ApiKeyCache(engine.store, config.keyCacheTtlMs);
  const accounts = new Accounts(engine.store, config.sessionTtlHours * 3600 * 1000);
  const limiter = new LoginLimiter(config.loginMaxFailures, config.loginWindowMs);
  const streams = new Set<() => void>();

  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.uploadLimit, files: 1, fields: 10, parts: 20 },
  });

  const baseTransform = createJsonSchemaTransform({ schemaRegistry: apiRegistry, skipList: [] });
  const baseTransformObject = createJsonSchemaTransformObject({ schemaRegistry: apiRegistry });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Plainrun API", version: "2.0.0", description: DESCRIPTION },
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
          bearer: { type: "http", scheme: "bearer" },
          session: { type: "apiKey", in: "cookie", name: "plainrun_session" },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }, { session: [] }],
    },
    hideUntagged: true,
    transform: (input) => {
      const out = baseTransform(input) as { schema: Record<string, unknown>; url: string };
      const route = (input as { route?: { config?: { public?: boolean }; method?: unknown } })
        .route;
      const isPublic = route?.config?.public === true;
      if (isPublic) out.schema.security = [];
      const method = Array.isArray(route?.method) ? route.method[0] : route?.method;
      documentRoute(out.schema, (input.schema ?? {}) as FastifySchema, {
        url: input.url,
        method: String(method ?? "GET"),
        public: isPublic,
      });
      return out as never;
    },
    transformObject: (input) => finishDocument(baseTransformObject(input) as never),
  });
  registerApiDocs(app);

  await app.register(
    async (api) => {
      installAuthHook(api, { keys, accounts });
      // The document names the server it came from, so generated clients need no base URL.
      api.get(
        "/openapi.json",
        { config: { public: true }, schema: { hide: true } },
        async (request) =>
          servedFrom(
            app.swagger() as Record<string, unknown>,
            `${request.protocol}://${request.host}`,
          ),
      );
      await api.register(healthRoutes, {
        info: { version: VERSION, dialect: engine.store.dialect.name, roles: opts.roles ?? [] },
      });
      await api.register(authRoutes, { accounts, limiter });
      await api.register(keyRoutes, { store: engine.store, keys });
      await api.register(processRoutes, { engine });
      await api.register(testSuiteRoutes, { engine });
      await api.register(scheduleRoutes, { engine });
      await api.register(runRoutes, {
        engine,
        heartbeatMs: config.sseHeartbeatMs,
        pollMs: config.ssePollMs,
        streams,
        uploadLimit: config.uploadLimit,
      });
      await api.register(activityRoutes, {
        engine,
        server: {
          version: VERSION,
          dialect: engine.store.dialect.name,
          dataDir: config.dataDir,
          databaseUrl: config.databaseUrl,
        },
      });
      await api.register(fileRoutes, { engine, uploadLimit: config.uploadLimit });
      await api.register(emailRoutes, { engine, domain: mailDomainOf(config) });
    },
    { prefix: API_PREFIX },
  );

  await registerStatic(app, config.webDir);
  uiPage = await registerPages(app, {
    accounts,
    limiter,
    uiIndex: app.plainrunUi ? join(uiRoot(config.webDir), "index.html") : undefined,
  });

  // Event streams never end on their own while a run goes on: end them so close() can finish.
  app.addHook("preClose", async () => {
    for (const end of [...streams]) end();
  });

  let closed: Promise<void> | undefined;
  return {
    app,
    keys,
    accounts,
    close() {
      closed ??= (async () => {
        await app.close();
        await keys.close();
      })();
      return closed;
    },
  };
}
