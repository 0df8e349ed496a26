// Every error answer is an RFC 9457 problem document (application/problem+json): the
// request's own mistakes (malformed JSON, schema violations with each field and why, size
// limits), auth failures, and the engine's refusals mapped from their `code`.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isEngineError, MAX_JSON_DEPTH, tooDeep } from "../engine/index.ts";

export const PROBLEM_BASE = "https://plainrun.dev/problems/";

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

/** An error that answers as a problem; thrown by handlers and hooks. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

/** The engine's refusals, by code: HTTP status, problem type and title. */
export const ENGINE_CODES: Record<string, { status: number; title: string }> = {
  not_found: { status: 404, title: "Not found" },
  invalid: { status: 422, title: "Invalid request" },
  conflict: { status: 409, title: "Conflict with the current state" },
  stage: { status: 409, title: "Not allowed on this stage" },
  too_large: { status: 413, title: "Too large" },
  idempotency_mismatch: { status: 422, title: "Idempotency key reused with another request" },
  busy: { status: 503, title: "Busy: try again in a moment" },
};

export function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  return reply
    .code(body.status)
    .header("content-type", "application/problem+json; charset=utf-8")
    .send(JSON.stringify(body));
}

export function problem(status: number, kind: string, title: string, detail?: string): ProblemBody {
  return { type: PROBLEM_BASE + kind, title, status, ...(detail ? { detail } : {}) };
}

interface ValidationItem {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Zod issues as {field, message}: a dotted path into the part of the request that was wrong. */
export function fieldErrors(items: ValidationItem[], context: string | undefined): FieldError[] {
  const names: Record<string, string> = { querystring: "query", headers: "header", params: "path" };
  const prefix = context && context !== "body" ? `${names[context] ?? context}.` : "";
  const out: FieldError[] = [];
  for (const v of items) {
    const path = (v.instancePath ?? "").split("/").filter(Boolean).join(".");
    if (v.keyword === "unrecognized_keys" && Array.isArray(v.params?.keys)) {
      for (const k of v.params.keys as string[]) {
        out.push({ field: prefix + (path ? `${path}.${k}` : k), message: "unknown field" });
      }
      continue;
    }
    let message = v.message ?? "is not valid";
    if (v.keyword === "invalid_type" && /received undefined/.test(message)) message = "is required";
    out.push({
      field: prefix + path || (context === "body" ? "(body)" : prefix.slice(0, -1)),
      message,
    });
  }
  return out;
}

const SUSPECT_KEY = /"(?:__proto__|constructor|prototype)"|\\u/;

/**
 * A JSON request body: empty is no body; malformed JSON, a `__proto__` key (also when
 * spelled with escapes) and nesting deeper than MAX_JSON_DEPTH are refused with a clear detail.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  let value: unknown;
  let forbidden: string | undefined;
  const reviver = (key: string, v: unknown) => {
    if (key === "__proto__") forbidden ??= key;
    if (key === "constructor" && v && typeof v === "object" && "prototype" in v) forbidden ??= key;
    return v;
  };
  try {
    value = SUSPECT_KEY.test(text) ? JSON.parse(text, reviver) : JSON.parse(text);
  } catch (err) {
    throw new HttpProblem(
      400,
      "malformed",
      "Malformed JSON",
      `The body is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (forbidden) {
    throw new HttpProblem(
      400,
      "malformed",
      "Malformed request",
      `The body has a "${forbidden}" key, which is not allowed.`,
    );
  }
  // Deeper bodies are refused before any code walks them.
  const where = tooDeep(value);
  if (where !== undefined) {
    const field = where || "(body)";
    const message = `nested deeper than ${MAX_JSON_DEPTH} levels`;
    throw new HttpProblem(422, "validation", "The request is not valid", `${field}: ${message}`, {
      errors: [{ field, message }],
    });
  }
  return value;
}

export function errorToProblem(err: unknown, request: FastifyRequest): ProblemBody {
  if (err instanceof HttpProblem) {
    return {
      ...problem(
        err.status,
        err.kind,
        err.title,
        err.message !== err.title ? err.message : undefined,
      ),
      ...err.extra,
    };
  }
  if (isEngineError(err)) {
    const map = ENGINE_CODES[err.code] ?? { status: 400, title: "Refused" };
    const body: ProblemBody = {
      ...problem(map.status, err.code.replaceAll("_", "-"), map.title, err.message),
      code: err.code,
    };
    if (typeof err.details?.suite_run_id === "string") {
      body.suite_run_id = err.details.suite_run_id;
      body.failing_cases = err.details.failing_cases;
    }
    const diagnostics = err.details?.diagnostics;
    if (Array.isArray(diagnostics)) {
      body.diagnostics = diagnostics;
      body.errors = (
        diagnostics as Array<{ severity: string; line: number; col: number; message: string }>
      )
        .filter((d) => d.severity === "error")
        .map((d) => ({
          field: "source",
          message: `line ${d.line}, column ${d.col}: ${d.message}`,
        }));
    }
    return body;
  }
  const e = err as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(e) || Array.isArray(e.validation)) {
    const errors = fieldErrors((e.validation ?? []) as ValidationItem[], e.validationContext);
    return {
      ...problem(
        422,
        "validation",
        "The request is not valid",
        errors.map((x) => `${x.field}: ${x.message}`).join("; "),
      ),
      errors,
    };
  }
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return problem(
        413,
        "too-large",
        "Request too large",
        `The body is over ${request.routeOptions.bodyLimit} bytes (--body-limit); a process source has at most 1048576 characters.`,
      );
    case "FST_REQ_FILE_TOO_LARGE":
    case "FST_FILES_LIMIT":
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return problem(413, "too-large", "Request too large", e.message);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE": {
      const type = request.headers["content-type"];
      return problem(
        415,
        "unsupported-media-type",
        "Unsupported content type",
        `${type ? `The body is ${String(type).split(";")[0]}` : "The body has no content-type"}: send it as application/json (uploads to /files: multipart/form-data).`,
      );
    }
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return problem(400, "malformed", "Malformed request", "The JSON body is empty.");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return problem(400, "malformed", "Malformed request", e.message);
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
      return problem(415, "unsupported-media-type", "Unsupported content type", e.message);
  }
  if (e instanceof SyntaxError || e.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    return problem(400, "malformed", "Malformed JSON", `The body is not valid JSON: ${e.message}`);
  }
  const status = typeof e.statusCode === "number" && e.statusCode >= 400 ? e.statusCode : 500;
  if (status === 429) return problem(429, "rate-limited", "Too many requests", e.message);
  if (status < 500) return problem(status, "bad-request", "Bad request", e.message);
  request.log.error({ err }, "request failed");
  return problem(500, "internal", "Internal error", "The server failed; the error is in its log.");
}
