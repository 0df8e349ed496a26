// A process's source sent as itself rather than inside JSON: a text/plain body, or a
// multipart file part named `source`. Turned into the JSON body the route validates, so
// every way of sending it meets the same rules and answers the same problems.
import type { FastifyRequest } from "fastify";
import { readMultipart } from "./multipart.ts";
import { HttpProblem } from "./problems.ts";

/** The longest source, in characters (the engine's bound). */
export const MAX_SOURCE = 1024 * 1024;
export const NAME_HEADER = "x-process-name";

function mediaType(request: FastifyRequest): string {
  return String(request.headers["content-type"] ?? "")
    .split(";")[0]
    ?.trim()
    .toLowerCase() as string;
}

/** The name given beside the body: `?name=` first, then the header. */
function nameBeside(request: FastifyRequest): string | undefined {
  const q = (request.query as { name?: unknown } | undefined)?.name;
  if (typeof q === "string") return q;
  const h = request.headers[NAME_HEADER];
  return typeof h === "string" ? h : undefined;
}

const invalid = (field: string, message: string) =>
  new HttpProblem(422, "validation", "The request is not valid", `${field}: ${message}`, {
    errors: [{ field, message }],
  });

function utf8(bytes: Buffer, field: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalid(field, "is not UTF-8 text");
  }
}

/**
 * The JSON-shaped body of a create request sent as text/plain or multipart, or undefined
 * for a JSON one (left as it is).
 */
export async function sourceBody(
  request: FastifyRequest,
  maxSource: number,
): Promise<Record<string, unknown> | undefined> {
  const type = mediaType(request);
  if (type === "text/plain") {
    const name = nameBeside(request);
    if (name === undefined) {
      throw invalid("query.name", `give the process's name as ?name= or the ${NAME_HEADER} header`);
    }
    return { name, source: request.body as string };
  }
  if (type === "multipart/form-data") {
    const form = await readMultipart(request, {
      files: ["source"],
      fields: ["name", "description"],
      fileSize: maxSource * 4,
    });
    const file = form.files.get("source");
    if (!file) throw invalid("source", "is required: send the source as a file part named source");
    const name =
      form.fields.get("name") ??
      nameBeside(request) ??
      (file.filename ? file.filename.replace(/\.[^.]*$/, "") : undefined);
    if (!name) throw invalid("name", "give a name field, ?name=, or a file name");
    const description = form.fields.get("description");
    return {
      name,
      source: utf8(file.bytes, "source"),
      ...(description !== undefined ? { description } : {}),
    };
  }
  return undefined;
}
