// GET /health: no auth; says the server is up and what it runs on.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";

export interface HealthInfo {
  version: string;
  dialect: string;
  roles: string[];
}

export const healthRoutes: FastifyPluginAsyncZod<{ info: HealthInfo }> = async (app, { info }) => {
  app.get(
    "/health",
    {
      config: { public: true },
      schema: {
        tags: ["health"],
        operationId: "getHealth",
        summary: "Liveness (no key needed)",
        answers: "The server is up.",
        security: [],
        response: {
          200: z.object({
            status: z.literal("ok"),
            version: z.string(),
            database: z.string(),
            roles: z.array(z.string()),
            time: z.string(),
          }),
        },
      },
    },
    async () => ({
      status: "ok" as const,
      version: info.version,
      database: info.dialect,
      roles: info.roles,
      time: new Date().toISOString(),
    }),
  );
};
