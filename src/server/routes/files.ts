// Files: multipart upload (one file, size-limited) into the content-addressed store.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Engine } from "../../engine/index.ts";
import { detectFileType } from "../fileType.ts";
import { readMultipart } from "../multipart.ts";
import { HttpProblem } from "../problems.ts";
import { apiRegistry, IdParams, problems } from "../schemas.ts";

export const StoredFile = z.object({
  id: z.string().describe("sha-256 of the bytes; pass it in file_ids or as an input {file_id}."),
  name: z.string(),
  type: z.string(),
  size: z.int(),
});
apiRegistry.add(StoredFile, { id: "StoredFile" });

export const FILES_URL = "/api/v2/files";

export const fileRoutes: FastifyPluginAsyncZod<{ engine: Engine; uploadLimit: number }> = async (
  app,
  { engine, uploadLimit },
) => {
  app.post(
    "/files",
    {
      schema: {
        tags: ["files"],
        operationId: "uploadFile",
        summary: "Upload a file (multipart/form-data, field `file`)",
        answers: 'The stored file; its id goes in a run\'s inputs as {"file_id": ID}.',
        description: `At most ${uploadLimit} bytes (413 beyond).`,
        bodies: {
          "multipart/form-data": {
            type: "object",
            properties: {
              file: { type: "string", format: "binary", description: "The file (one part)." },
            },
            required: ["file"],
            additionalProperties: false,
          },
        },
        response: { 201: StoredFile, ...problems(401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new HttpProblem(
          415,
          "unsupported-media-type",
          "Unsupported content type",
          "Send the file as multipart/form-data in a field named file.",
        );
      }
      const body = await readMultipart(request, { files: ["file"], fileSize: uploadLimit });
      const part = body.files.get("file");
      if (!part) {
        throw new HttpProblem(422, "validation", "The request is not valid", "file: is required", {
          errors: [{ field: "file", message: "is required" }],
        });
      }
      const name = part.filename || "upload";
      const stored = await engine.files.put(new Uint8Array(part.bytes), {
        name,
        type: detectFileType(name, part.mimetype, part.bytes),
      });
      return reply.code(201).header("location", `${FILES_URL}/${stored.id}`).send(stored);
    },
  );

  app.get(
    "/files/:id",
    {
      schema: {
        tags: ["files"],
        operationId: "getFile",
        summary: "A stored file's name, type and size",
        answers: "The stored file's name, type and size.",
        params: IdParams,
        response: { 200: StoredFile, ...problems(401, 404) },
      },
    },
    async (request) => engine.files.meta(request.params.id),
  );

  // The bytes, always as a download: an uploaded HTML or SVG file never runs as this site's page.
  app.get(
    "/files/:id/content",
    {
      schema: {
        tags: ["files"],
        operationId: "downloadFile",
        summary: "A stored file's bytes, as a download",
        answers:
          "The file's bytes (its name in Content-Disposition; its type from GET /files/{id}).",
        params: IdParams,
        produces: ["application/octet-stream"],
        response: {
          200: z.string().describe("The file's bytes."),
          ...problems(401, 404),
        },
      },
    },
    async (request, reply) => {
      const file = await engine.files.get(request.params.id);
      return (
        reply
          .header("content-type", "application/octet-stream")
          .header("content-disposition", contentDisposition(file.name))
          .header("x-content-type-options", "nosniff")
          .header("cache-control", "private, max-age=31536000, immutable")
          // A Buffer is sent as it is (never serialized); the schema documents it as a string.
          .send(Buffer.from(file.bytes) as unknown as string)
      );
    },
  );
};

/** `attachment` with the name: ASCII in filename=, the exact name in filename*= (RFC 6266). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
