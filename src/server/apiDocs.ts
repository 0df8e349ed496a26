// The browsable API docs (/api/docs: swagger-ui, its static files, /json and /yaml), built on
// the first request instead of at start: @fastify/swagger-ui reads its files, loads `yaml`
// and registers a static server when registered, which the server's start (issue 10: ready
// in under 1 s) need not pay for a page few people open. The docs live in a small Fastify
// app of their own, fed the served OpenAPI document, and requests are passed to it.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { problem, sendProblem } from "./problems.ts";

const PREFIX = "/api/docs";
// The answer headers passed on (the rest, like content-length, are the reply's own).
const PASSED = ["content-type", "cache-control", "etag", "last-modified", "location", "vary"];

async function docsApp(document: () => Record<string, unknown>): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
    import("@fastify/swagger"),
    import("@fastify/swagger-ui"),
  ]);
  const docs = Fastify({ logger: false });
  await docs.register(swagger, {
    mode: "static",
    specification: { document: document() as never },
  });
  await docs.register(swaggerUi, {
    routePrefix: PREFIX,
    uiConfig: { docExpansion: "list", deepLinking: true },
  });
  await docs.ready();
  return docs;
}

export function registerApiDocs(app: FastifyInstance): void {
  let docs: Promise<FastifyInstance> | undefined;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    docs ??= docsApp(() => app.swagger() as Record<string, unknown>).catch((err) => {
      docs = undefined; // tried again at the next request
      throw err;
    });
    const answer = await (await docs).inject({
      method: request.method as "GET" | "HEAD",
      url: request.url,
      headers: request.headers["if-none-match"]
        ? { "if-none-match": request.headers["if-none-match"] }
        : {},
    });
    const path = request.url.split("?")[0] ?? "";
    if (answer.statusCode === 404) {
      return sendProblem(reply, problem(404, "not-found", "Not found", `No route GET ${path}.`));
    }
    for (const name of PASSED) {
      const value = answer.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.get(PREFIX, { schema: { hide: true } }, handler);
  app.get(`${PREFIX}/*`, { schema: { hide: true } }, handler);
}
