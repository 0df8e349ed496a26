// Exactly once across processes: two real `plainrun serve --roles api,scheduler` processes on
// one PostgreSQL schema fire an every-second schedule for 30 s; every slot has one row and
// one run. Waits on the store's state, never on the wall clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/engine/index.ts";
import { until } from "../helpers/engines.ts";
import { type Served, serve } from "../helpers/serve.ts";
import { createTestStore, PG_URL, type TestStore } from "../helpers/stores.ts";

describe("two scheduler processes on one PostgreSQL database", { timeout: 180_000 }, () => {
  let t: TestStore;
  let engine: Engine;
  const servers: Served[] = [];
  beforeAll(async () => {
    t = await createTestStore("postgres");
    engine = createEngine({ store: t.store });
    const url = `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${t.schema}`;
    for (let i = 0; i < 2; i++) {
      servers.push(await serve(["--roles", "api,scheduler", "--database-url", url]));
    }
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) {
      s.child.kill("SIGTERM");
      await s.exited;
    }
    await engine?.close();
    await t?.cleanup();
  });

  it("fires each slot of an every-second schedule exactly once over 30 s", async () => {
    for (const s of servers) expect(s.output()).toContain("Plainrun scheduler started");
    const p = await engine.processes.create({ name: "tick", source: "the total is 1 + 1" });
    await engine.processes.publish(p.id);
    const start = Math.ceil((Date.now() + 3000) / 1000) * 1000;
    const end = start + 30_000;
    const s = await engine.schedules.create(p.id, {
      cron: "* * * * * *",
      timezone: "UTC",
      starts_at: new Date(start).toISOString(),
      ends_at: new Date(end).toISOString(),
    });
    // Done when the schedule has nothing left and its last slot is recorded.
    await until(
      async () => {
        const row = await t.store.db
          .selectFrom("schedules")
          .select("next_due_at")
          .where("id", "=", s.id)
          .executeTakeFirst();
        const last = await t.store.db
          .selectFrom("schedule_slots")
          .select("due_at")
          .where("schedule_id", "=", s.id)
          .where("due_at", "=", end)
          .executeTakeFirst();
        return row?.next_due_at === null && last ? true : undefined;
      },
      120_000,
      250,
    );
    const slots = await t.store.db
      .selectFrom("schedule_slots")
      .selectAll()
      .where("schedule_id", "=", s.id)
      .orderBy("due_at")
      .execute();
    const expected = Array.from({ length: 31 }, (_, i) => start + i * 1000);
    expect(slots.map((x) => Number(x.due_at))).toEqual(expected);
    // Slots at most 30 s late fire; a machine this loaded may skip none.
    expect(slots.filter((x) => x.status !== "fired")).toEqual([]);
    const runs = await t.store.db
      .selectFrom("runs")
      .select(["id", "trigger", "trigger_details"])
      .where("trigger", "=", "schedule")
      .execute();
    expect(runs).toHaveLength(31);
    const bySlot = new Map<string, number>();
    for (const r of runs) {
      const slot = (JSON.parse(r.trigger_details) as { slot: string }).slot;
      bySlot.set(slot, (bySlot.get(slot) ?? 0) + 1);
    }
    expect([...bySlot.keys()].sort()).toEqual(expected.map((x) => new Date(x).toISOString()));
    expect([...bySlot.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(slots.map((x) => x.run_id))).toEqual(new Set(runs.map((r) => r.id)));
  });
});
