// Reads a multipart/form-data body whole, part by part, refusing what the route does not
// take: a part with another name (422 naming it), a second file (413: one file per part
// name), a body cut short (400). Files are read into memory within the upload limit.
import type { FastifyError, FastifyRequest } from "fastify";
import { HttpProblem } from "./problems.ts";

export interface UploadedFile {
  filename: string;
  mimetype: string;
  bytes: Buffer;
}

export interface MultipartBody {
  files: Map<string, UploadedFile>;
  fields: Map<string, string>;
}

export interface MultipartRules {
  /** Names of the file parts the route takes (one file each), or any name up to `maxFiles`. */
  files: readonly string[] | { any: number };
  /** Names of the text fields it takes. */
  fields?: readonly string[];
  /** Largest file, in bytes. */
  fileSize: number;
}

const refused = (field: string, message: string) =>
  new HttpProblem(422, "validation", "The request is not valid", `${field}: ${message}`, {
    errors: [{ field, message }],
  });

export async function readMultipart(
  request: FastifyRequest,
  rules: MultipartRules,
): Promise<MultipartBody> {
  const fieldNames = rules.fields ?? [];
  const out: MultipartBody = { files: new Map(), fields: new Map() };
  const anyName = !Array.isArray(rules.files);
  const fileNames = Array.isArray(rules.files) ? (rules.files as readonly string[]) : [];
  const maxFiles = anyName ? (rules.files as { any: number }).any : fileNames.length;
  const expected = [
    ...(anyName
      ? [`up to ${maxFiles} file parts`]
      : fileNames.map((f) => `a file part named ${f}`)),
    ...fieldNames,
  ].join(", ");
  try {
    const parts = request.parts({
      // One more than allowed of each, so an extra part is seen and refused by its name.
      limits: {
        fileSize: rules.fileSize,
        files: maxFiles + 1,
        fields: fieldNames.length + 1,
        parts: maxFiles + fieldNames.length + 2,
      },
    });
    for await (const part of parts) {
      if (part.type === "file") {
        if (!anyName && !fileNames.includes(part.fieldname)) {
          part.file.resume();
          throw refused(part.fieldname || "(part)", `not expected here; send ${expected}`);
        }
        if (out.files.has(part.fieldname) || out.files.size >= maxFiles) {
          part.file.resume();
          throw tooManyFiles();
        }
        const bytes = await part.toBuffer();
        out.files.set(part.fieldname, {
          filename: part.filename,
          mimetype: part.mimetype,
          bytes,
        });
      } else {
        if (!fieldNames.includes(part.fieldname)) {
          throw refused(part.fieldname || "(part)", `not expected here; send ${expected}`);
        }
        out.fields.set(part.fieldname, String(part.value));
      }
    }
  } catch (err) {
    throw multipartProblem(err, rules, expected);
  }
  return out;
}

const tooManyFiles = () =>
  new HttpProblem(
    413,
    "too-large",
    "Request too large",
    "An upload holds one file per part name (and at most as many as the route takes): send one file.",
  );

function multipartProblem(err: unknown, rules: MultipartRules, expected: string): unknown {
  if (err instanceof HttpProblem) return err;
  const e = err as FastifyError;
  switch (e.code) {
    case "FST_FILES_LIMIT":
      return tooManyFiles();
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return new HttpProblem(
        413,
        "too-large",
        "Request too large",
        `Too many parts: send ${expected}.`,
      );
    case "FST_REQ_FILE_TOO_LARGE":
      return new HttpProblem(
        413,
        "too-large",
        "Request too large",
        `A file has at most ${rules.fileSize} bytes (--upload-limit).`,
      );
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
      return err;
  }
  if (typeof e.statusCode === "number" && e.statusCode < 500) return err;
  // busboy's own refusals (a body cut short, a malformed part header) are the client's.
  return new HttpProblem(
    400,
    "malformed",
    "Malformed request",
    `The multipart body could not be read: ${e.message || String(err)}.`,
  );
}
