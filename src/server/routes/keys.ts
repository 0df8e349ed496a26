// API keys through the API: list, create (the secret is in the answer, once), revoke.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Store } from "../../store/index.ts";
import { type ApiKeyCache, createApiKey, KeyError, listKeys, revokeKey } from "../auth/apiKeys.ts";
import { actorOf } from "../auth/hook.ts";
import { HttpProblem } from "../problems.ts";
import { apiRegistry, IdParams, problems } from "../schemas.ts";

const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("The secret's first characters, to recognize it."),
  created_by: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable().describe("Written in batches: up to a few seconds late."),
  revoked_at: z.string().nullable(),
});
apiRegistry.add(ApiKey, { id: "ApiKey" });

function keyProblem(err: unknown): never {
  if (err instanceof KeyError) {
    const status = err.code === "not_found" ? 404 : err.code === "ambiguous" ? 409 : 422;
    throw new HttpProblem(status, err.code.replace("_", "-"), err.message, err.message);
  }
  throw err;
}

export const keyRoutes: FastifyPluginAsyncZod<{ store: Store; keys: ApiKeyCache }> = async (
  app,
  { store, keys },
) => {
  app.get(
    "/keys",
    {
      schema: {
        tags: ["keys"],
        operationId: "listKeys",
        summary: "List API keys (never their secrets)",
        answers: "The API keys (never their secrets).",
        response: { 200: z.object({ items: z.array(ApiKey) }), ...problems(401) },
      },
    },
    async () => ({ items: await listKeys(store) }),
  );

  app.post(
    "/keys",
    {
      schema: {
        tags: ["keys"],
        operationId: "createKey",
        summary: "Create an API key; the answer holds its secret, shown this once",
        answers: "The new key with its secret, shown this once.",
        body: z.strictObject({ name: z.string().min(1).max(100) }),
        response: {
          201: ApiKey.extend({ secret: z.string() }),
          ...problems(401, 403, 422),
        },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(
        store,
        request.body.name,
        actorOf(request.principal) ?? null,
      ).catch(keyProblem);
      return reply.code(201).send(created);
    },
  );

  app.delete(
    "/keys/:id",
    {
      schema: {
        tags: ["keys"],
        operationId: "revokeKey",
        summary: "Revoke an API key (by id, or by name when only one active key has it)",
        answers: "The key, revoked.",
        params: IdParams,
        response: { 200: ApiKey, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const key = await revokeKey(store, request.params.id).catch(keyProblem);
      keys.invalidate();
      return key;
    },
  );
};
