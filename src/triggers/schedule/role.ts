// The `scheduler` role of `plainrun serve`: fires the schedules' slots (any number of
// processes may take it on one database; each slot fires once).
import type { RoleContext, RoleHandle } from "../../server/serve.ts";
import { Scheduler } from "./scheduler.ts";

export async function startSchedulerRole(ctx: RoleContext): Promise<RoleHandle> {
  const scheduler = new Scheduler(ctx.engine, { logger: ctx.logger });
  scheduler.start();
  ctx.print("Plainrun scheduler started");
  return { stop: () => scheduler.stop() };
}
