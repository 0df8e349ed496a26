// What the web UI shows around its tables: runs per hour by status over the last 24 hours
// (the chart above the runs list), each process's latest run and runs in the last 24 hours
// (the processes list), and which server this is (Settings).
import { resolve } from "node:path";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Engine } from "../../engine/index.ts";
import {
  countRunsPerHour,
  processActivity,
  RUN_STATUSES,
  type RunStatus,
} from "../../store/index.ts";
import { problems } from "../schemas.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ServerInfo {
  version: string;
  dialect: string;
  dataDir: string;
  databaseUrl: string | undefined;
}

/** A database URL without its password, to show who can see Settings. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ":****@");
  }
}

export const activityRoutes: FastifyPluginAsyncZod<{ engine: Engine; server: ServerInfo }> = async (
  app,
  { engine, server },
) => {
  app.get(
    "/runs/per-hour",
    {
      schema: {
        tags: ["runs"],
        operationId: "countRunsPerHour",
        summary: "Runs per hour over the last 24 hours, by status",
        answers: "Runs per hour and status, oldest hour first.",
        description:
          "24 buckets, oldest first, each with the hour it starts and a count per status of the runs created in it (archived ones included; a run created within about a minute of an hour's start may count in the hour before). `process` narrows to one process (id or name).",
        querystring: z.strictObject({
          process: z.string().min(1).max(200).optional().describe("Process id or name."),
        }),
        response: {
          200: z.object({
            hours: z.array(
              z.object({
                start: z.string(),
                counts: z.partialRecord(z.enum(RUN_STATUSES), z.int()),
              }),
            ),
          }),
          ...problems(401, 404, 422),
        },
      },
    },
    async (request) => {
      const processRef = request.query.process;
      const processId = processRef ? (await engine.processes.get(processRef)).id : undefined;
      const end = Math.floor(Date.now() / HOUR) * HOUR + HOUR;
      const from = end - DAY;
      const rows = await countRunsPerHour(engine.store.db, {
        fromMs: from,
        ...(processId ? { processId } : {}),
      });
      const hours = Array.from({ length: 24 }, (_, i) => ({
        start: new Date(from + i * HOUR).toISOString(),
        counts: {} as Partial<Record<RunStatus, number>>,
      }));
      for (const r of rows) {
        const bucket = hours[Math.floor((r.hour - from) / HOUR)];
        if (bucket) bucket.counts[r.status] = (bucket.counts[r.status] ?? 0) + r.n;
      }
      return { hours };
    },
  );

  app.get(
    "/processes/activity",
    {
      schema: {
        tags: ["processes"],
        operationId: "listProcessActivity",
        summary: "Each process's latest run and its runs in the last 24 hours",
        answers: "Each process's latest run and recent run counts.",
        response: {
          200: z.object({
            items: z.array(
              z.object({
                process_id: z.string(),
                last_run_status: z.enum(RUN_STATUSES).nullable(),
                last_run_at: z.string().nullable(),
                runs_24h: z.int(),
              }),
            ),
          }),
          ...problems(401),
        },
      },
    },
    async () => {
      const processes = await engine.processes.list();
      const rows = await processActivity(
        engine.store.db,
        processes.map((p) => p.id),
        Date.now() - DAY,
      );
      return {
        items: rows.map((r) => ({
          process_id: r.processId,
          last_run_status: r.lastStatus,
          last_run_at: r.lastAt === null ? null : new Date(r.lastAt).toISOString(),
          runs_24h: r.recent,
        })),
      };
    },
  );

  app.get(
    "/server",
    {
      schema: {
        tags: ["health"],
        operationId: "getServerInfo",
        summary: "This server's version and where its data lives",
        answers: "The server's version, database and data directory.",
        response: {
          200: z.object({
            version: z.string(),
            database: z.string().describe('"sqlite" or "postgres".'),
            data_location: z
              .string()
              .describe("The data directory, or the PostgreSQL URL without its password."),
          }),
          ...problems(401),
        },
      },
    },
    async () => ({
      version: server.version,
      database: server.dialect,
      data_location: server.databaseUrl
        ? withoutPassword(server.databaseUrl)
        : resolve(server.dataDir),
    }),
  );
};
