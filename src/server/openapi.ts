// The OpenAPI document says exactly what the server does: each operation lists every
// status it can answer (the ones every route of its kind can answer are added here, so a
// new route cannot forget them), errors as application/problem+json, a real description
// per answer, and one schema per concept (no `XInput` copies, no `$id` fragments).
import type { FastifySchema } from "fastify";

declare module "fastify" {
  interface FastifySchema {
    /** What the success answer holds (its description in the OpenAPI document). */
    answers?: string;
    /** Bodies of other content types the route takes (JSON Schema), besides its JSON `body`. */
    bodies?: Record<string, Record<string, unknown>>;
  }
}

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/** What each error status means, as the document says it (see docs/api.md, Errors). */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request: the body is not valid JSON (or multipart), or the URL is malformed.",
  401: "No valid API key or session (or a wrong password at login).",
  403: "A write authenticated by the session cookie without its CSRF token.",
  404: "No such process, run, version, file or key.",
  409: "Conflicts with the current state (a duplicate name, a final run, the stage rules).",
  413: "Too large: the body, an upload, a source or a list is over its bound (the detail names it).",
  415: "Unsupported content type (the detail says which ones the route takes).",
  422: "The request is not valid: `errors` lists each field and why.",
  429: "Too many failed logins: wait `Retry-After` seconds.",
  503: "Busy: too many large sources waiting to be checked; try again in a moment.",
};

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface RouteFacts {
  url: string;
  method: string;
  public: boolean;
}

/** Statuses every route of this kind can answer, besides the ones it declares. */
function impliedStatuses(
  schema: Record<string, unknown>,
  original: FastifySchema,
  route: RouteFacts,
): number[] {
  const out = [400];
  if (!route.public) out.push(401);
  if (!route.public && BODY_METHODS.has(route.method)) out.push(403);
  if (route.url.includes(":") || route.url.includes("{")) out.push(404);
  if (BODY_METHODS.has(route.method)) out.push(413, 415);
  if (original.bodies) out.push(400, 413, 415, 422);
  if (schema.body || original.bodies || schema.params || schema.querystring || schema.headers)
    out.push(422);
  return out;
}

/**
 * Rewrites one route's transformed schema: its answers with descriptions and content
 * types (problem+json for errors, `produces` or JSON for success), every status it can
 * answer included.
 */
export function documentRoute(
  schema: Record<string, unknown>,
  original: FastifySchema,
  route: RouteFacts,
): void {
  if (original.bodies) {
    const json = schema.body ? { "application/json": { schema: schema.body } } : {};
    const others = Object.entries(original.bodies).map(([type, body]) => [type, { schema: body }]);
    schema.body = { content: { ...json, ...Object.fromEntries(others) } };
  }
  const response = { ...((schema.response as Record<string, Record<string, unknown>>) ?? {}) };
  for (const status of impliedStatuses(schema, original, route)) response[status] ??= PROBLEM_REF;
  const produces = (original.produces as string[] | undefined) ?? ["application/json"];
  const answers = original.answers ?? (original.summary as string | undefined) ?? "Success.";
  const out: Record<string, unknown> = {};
  for (const [code, body] of Object.entries(response).sort(([a], [b]) => Number(a) - Number(b))) {
    const status = Number(code);
    if (status >= 400) {
      out[code] = {
        description: ERROR_DESCRIPTIONS[status] ?? "Refused.",
        content: { "application/problem+json": { schema: PROBLEM_REF } },
      };
    } else if (body.type === "null") {
      out[code] = { type: "null", description: answers };
    } else {
      const { description: _drop, ...bodySchema } = body;
      out[code] = {
        description: answers,
        content: Object.fromEntries(produces.map((type) => [type, { schema: bodySchema }])),
      };
    }
  }
  schema.response = out;
}

const SUFFIX = "Input";

/** Replaces every `$ref` to `from` by `to`, in place. */
function rewriteRefs(node: unknown, from: string, to: string): void {
  if (Array.isArray(node)) {
    for (const x of node) rewriteRefs(x, from, to);
  } else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.$ref === from) o.$ref = to;
    for (const v of Object.values(o)) rewriteRefs(v, from, to);
  }
}

/** Removes `$id` (a fragment there is not JSON Schema 2020-12) from every schema, in place. */
function dropIds(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) dropIds(x);
  } else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (typeof o.$id === "string") delete o.$id;
    for (const v of Object.values(o)) dropIds(v);
  }
}

const TAGS = [
  { name: "processes", description: "Processes: their draft source, check, publish, versions." },
  { name: "runs", description: "Runs: start, read, list, cancel, answer, events, bulk actions." },
  { name: "files", description: "Files uploaded for runs to read." },
  { name: "test suite", description: "Test cases, suite runs, their results and history." },
  { name: "keys", description: "API keys." },
  { name: "auth", description: "The first admin's setup, login sessions." },
  { name: "health", description: "Liveness." },
];

/** The whole document's finishing: one schema per concept, no `$id`, servers, license, tags. */
export function finishDocument<T extends Record<string, unknown>>(doc: T): T {
  const components = (doc.components ?? {}) as { schemas?: Record<string, unknown> };
  const schemas = components.schemas ?? {};
  for (const name of Object.keys(schemas)) {
    const base = name.slice(0, -SUFFIX.length);
    if (name.endsWith(SUFFIX) && base in schemas) {
      delete schemas[name];
      rewriteRefs(doc, `#/components/schemas/${name}`, `#/components/schemas/${base}`);
    }
  }
  dropIds(doc);
  const info = (doc.info ?? {}) as Record<string, unknown>;
  info.license = { name: "MIT", identifier: "MIT" };
  const used = new Set<string>();
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const op of Object.values(item)) {
      for (const t of ((op as { tags?: string[] }).tags ?? []) as string[]) used.add(t);
    }
  }
  const known = TAGS.filter((t) => used.has(t.name));
  const extra = [...used].filter((t) => !TAGS.some((k) => k.name === t));
  return {
    ...doc,
    info,
    servers: [
      {
        url: "{origin}",
        description: "The server that serves this document.",
        variables: {
          origin: {
            default: "http://localhost:3000",
            description: "Scheme, host and port where `plainrun serve` listens.",
          },
        },
      },
    ],
    tags: [...known, ...extra.map((name) => ({ name, description: `${name}.` }))],
  };
}

/** The document with its server's default origin set to where it was fetched from. */
export function servedFrom<T extends Record<string, unknown>>(doc: T, origin: string): T {
  const servers = doc.servers as Array<{ variables?: { origin?: { default: string } } }>;
  return {
    ...doc,
    servers: servers.map((s) => ({
      ...s,
      variables: { origin: { ...s.variables?.origin, default: origin } },
    })),
  };
}
