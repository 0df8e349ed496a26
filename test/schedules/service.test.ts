// engine.schedules on a real store (SQLite file and PostgreSQL), driven by a clock the test
// sets: creation rules, missed slots after downtime, pause/resume, start and end dates, the
// overlap policy, the version current at the due time, and the publish hook.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEngine, type Engine, EngineError } from "../../src/engine/index.ts";
import { createTestStore, dialects, type TestStore } from "../helpers/stores.ts";

const T0 = Date.parse("2026-06-01T08:59:30Z");

describe.each(dialects)("schedules on %s", (dialect) => {
  let t: TestStore;
  let engine: Engine;
  let now = T0;
  beforeEach(async () => {
    now = T0;
    t = await createTestStore(dialect);
    engine = createEngine({ store: t.store, clock: () => now });
  });
  afterEach(async () => {
    await engine.close();
    await t.cleanup();
  });

  async function published(name: string, source: string) {
    const p = await engine.processes.create({ name, source });
    await engine.processes.publish(p.id);
    return p;
  }

  async function refusal(p: Promise<unknown>): Promise<EngineError> {
    try {
      await p;
    } catch (e) {
      if (e instanceof EngineError) return e;
      throw e;
    }
    throw new Error("accepted");
  }

  const runsOf = async (scheduleId: string) =>
    (await engine.runs.list({ limit: 100 })).items.filter(
      (r) => (r.trigger_details as { schedule_id?: string }).schedule_id === scheduleId,
    );

  it("refuses a process never published, and inputs the version needs but the schedule lacks", async () => {
    await engine.processes.create({ name: "draft only", source: "the total is 1 + 1" });
    const e = await refusal(
      engine.schedules.create("draft only", { cron: "0 9 * * *", timezone: "UTC" }),
    );
    expect(e.code).toBe("stage");
    expect(e.message).toBe(
      '"draft only" has no published version; publish it before scheduling it.',
    );

    await published("invoice", "the total is the price * the quantity");
    const m = await refusal(
      engine.schedules.create("invoice", {
        cron: "0 9 * * *",
        timezone: "UTC",
        inputs: { price: 3 },
      }),
    );
    expect(m.code).toBe("invalid");
    expect(m.message).toContain("needs the input 'quantity', which this schedule does not store");
    const bad = await refusal(
      engine.schedules.create("invoice", {
        cron: "0 9 * *",
        timezone: "UTC",
        inputs: { price: 3, quantity: 2 },
      }),
    );
    expect(bad.message).toContain("has 4 fields");
    expect(await engine.schedules.list("invoice")).toEqual([]);
  });

  it("fires each slot once; after downtime the latest missed slot runs and older ones are skipped", async () => {
    const p = await published("hourly", "the total is the price * 2");
    const s = await engine.schedules.create(p.name, {
      preset: { kind: "hourly", minute: 0 },
      timezone: "Europe/Berlin",
      inputs: { price: 21 },
    });
    expect(s.summary).toBe("Every hour, Europe/Berlin");
    expect(s.next[0]).toBe("2026-06-01T09:00:00.000Z");
    expect(s.next).toHaveLength(5);

    expect((await engine.schedules.fireDue()).fired).toBe(0);
    now = Date.parse("2026-06-01T09:00:00.010Z");
    const first = await engine.schedules.fireDue();
    expect(first.fired).toBe(1);
    expect((await engine.schedules.fireDue()).fired).toBe(0); // the same slot never twice
    const [run] = await runsOf(s.id);
    expect(run?.trigger).toBe("schedule");
    expect(run?.trigger_details).toEqual({
      schedule_id: s.id,
      schedule_name: s.name,
      slot: "2026-06-01T09:00:00.000Z",
    });
    expect(run?.version).toBe(1);
    expect(run?.stage).toBe("published");

    // Down from 09:30 to 13:20: 10:00 … 13:00 were missed; 13:00 runs, the rest are skipped.
    now = Date.parse("2026-06-01T13:20:00Z");
    const after = await engine.schedules.fireDue();
    expect(after).toMatchObject({ fired: 1, skipped: 3 });
    const page = await engine.schedules.slots(s.id, { limit: 10 });
    expect(page.items.map((x) => [x.due_at.slice(11, 16), x.status, x.reason])).toEqual([
      ["13:00", "fired", null],
      ["12:00", "skipped", "missed while the server was down"],
      ["11:00", "skipped", "missed while the server was down"],
      ["10:00", "skipped", "missed while the server was down"],
      ["09:00", "fired", null],
    ]);
    expect(page.items[0]?.run_id).toBeTruthy();
    expect(page.items[0]?.run_status).toBe("Pending");
    const p2 = await engine.schedules.slots(s.id, { limit: 2 });
    expect(p2.next_cursor).not.toBeNull();
    const p3 = await engine.schedules.slots(s.id, { limit: 2, cursor: p2.next_cursor });
    expect(p3.items.map((x) => x.due_at.slice(11, 16))).toEqual(["11:00", "10:00"]);
    expect((await engine.schedules.get(s.id)).next[0]).toBe("2026-06-01T14:00:00.000Z");
  });

  it("a scheduler a few seconds late (a busy moment, not an outage) fires every slot", async () => {
    const p = await published("late", "the total is 1 + 1");
    const s = await engine.schedules.create(p.name, { cron: "* * * * * *", timezone: "UTC" });
    now += 5_000;
    expect(await engine.schedules.fireDue()).toMatchObject({ fired: 5, skipped: 0 });
    expect((await engine.schedules.slots(s.id)).items.every((x) => x.status === "fired")).toBe(
      true,
    );
  });

  it("a long outage of an every-second schedule: one run, at most 100 skipped rows, bounded work", async () => {
    const p = await published("busy", "the total is 1 + 1");
    const s = await engine.schedules.create(p.name, { cron: "* * * * * *", timezone: "UTC" });
    now += 2 * 86_400_000;
    const r = await engine.schedules.fireDue();
    expect(r.fired).toBe(1);
    expect(r.skipped).toBe(100);
    const page = await engine.schedules.slots(s.id, { limit: 200 });
    expect(page.items).toHaveLength(101);
    expect(page.items.at(-1)?.reason).toBe(
      "missed while the server was down (earlier missed slots are not listed)",
    );
    expect((await engine.schedules.get(s.id)).next[0]).toBe(
      new Date(Math.floor(now / 1000) * 1000 + 1000).toISOString(),
    );
  });

  it("pause stops firing (no next times); resume starts from now, not from the paused slots", async () => {
    const p = await published("minutely", "the total is 1 + 1");
    const s = await engine.schedules.create(p.name, { cron: "* * * * *", timezone: "UTC" });
    now = Date.parse("2026-06-01T09:00:00.5Z");
    expect((await engine.schedules.fireDue()).fired).toBe(1);
    const paused = await engine.schedules.pause(s.id);
    expect(paused.enabled).toBe(false);
    expect(paused.next).toEqual([]);
    now = Date.parse("2026-06-01T09:10:00.5Z");
    expect(await engine.schedules.fireDue()).toMatchObject({ fired: 0, skipped: 0 });
    const resumed = await engine.schedules.resume(s.id);
    expect(resumed.next[0]).toBe("2026-06-01T09:11:00.000Z");
    now = Date.parse("2026-06-01T09:11:00.5Z");
    expect(await engine.schedules.fireDue()).toMatchObject({ fired: 1, skipped: 0 });
    expect((await engine.schedules.slots(s.id)).items).toHaveLength(2);
  });

  it("start and end dates: nothing before the start, nothing after the end", async () => {
    const p = await published("bounded", "the total is 1 + 1");
    const s = await engine.schedules.create(p.name, {
      cron: "0 * * * *",
      timezone: "UTC",
      starts_at: "2026-06-01T11:00:00Z",
      ends_at: "2026-06-01T12:00:00Z",
    });
    expect(s.next).toEqual(["2026-06-01T11:00:00.000Z", "2026-06-01T12:00:00.000Z"]);
    now = Date.parse("2026-06-01T10:00:01Z");
    expect((await engine.schedules.fireDue()).fired).toBe(0);
    now = Date.parse("2026-06-01T11:00:01Z");
    expect((await engine.schedules.fireDue()).fired).toBe(1);
    now = Date.parse("2026-06-01T12:00:01Z");
    expect((await engine.schedules.fireDue()).fired).toBe(1);
    now = Date.parse("2026-06-01T15:00:01Z");
    expect(await engine.schedules.fireDue()).toMatchObject({ fired: 0, skipped: 0 });
    expect((await engine.schedules.get(s.id)).next).toEqual([]);
    expect(await engine.schedules.earliestDue()).toBeNull();
  });

  it("overlap skip records the slot while the previous run is not final; allow starts it", async () => {
    const p = await published("slow", 'ask "Go on?"');
    const skip = await engine.schedules.create(p.name, {
      cron: "* * * * *",
      timezone: "UTC",
      overlap: "skip",
    });
    const allow = await engine.schedules.create(p.name, { cron: "* * * * *", timezone: "UTC" });
    now = Date.parse("2026-06-01T09:00:00.5Z");
    expect((await engine.schedules.fireDue()).fired).toBe(2);
    now = Date.parse("2026-06-01T09:01:00.5Z");
    expect(await engine.schedules.fireDue()).toMatchObject({ fired: 1, skipped: 1 });
    const [last] = (await engine.schedules.slots(skip.id)).items;
    const [firstRun] = await runsOf(skip.id);
    expect(last).toMatchObject({
      status: "skipped",
      reason: `the previous run ${firstRun?.id} was still Pending`,
    });
    expect((await runsOf(allow.id)).length).toBe(2);
    // Once the run is final, the next slot fires again.
    await engine.runs.cancel(firstRun?.id as string);
    now = Date.parse("2026-06-01T09:02:00.5Z");
    expect((await engine.schedules.fireDue()).fired).toBe(2);
  });

  it("a version needing a new input disables the schedule, saying why; resume is refused until it stores it", async () => {
    const p = await published("report", "the total is the price * 2");
    const s = await engine.schedules.create(p.name, {
      cron: "0 9 * * *",
      timezone: "UTC",
      inputs: { price: 1 },
    });
    await engine.processes.update(p.id, { source: "the total is the price * the region" });
    await engine.processes.publish(p.id);
    const off = await engine.schedules.get(s.id);
    expect(off.enabled).toBe(false);
    expect(off.disabled_reason).toBe(
      "Version 2 needs the input 'region', which this schedule does not store.",
    );
    expect(off.next).toEqual([]);
    const e = await refusal(engine.schedules.resume(s.id));
    expect(e.message).toContain("needs the input 'region'");
    const back = await engine.schedules.update(s.id, {
      inputs: { price: 1, region: 2 },
      enabled: true,
    });
    expect(back).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("a slot runs the version published at its due time", async () => {
    const p = await published("versions", "the total is 1");
    const s = await engine.schedules.create(p.name, { cron: "0 * * * *", timezone: "UTC" });
    // v1 published at 08:00, v2 at 09:30; the scheduler was down and handles 09:00 at 09:45.
    await engine.processes.update(p.id, { source: "the total is 2" });
    await engine.processes.publish(p.id);
    const at = (v: number, iso: string) =>
      t.store.db
        .updateTable("versions")
        .set({ created_at: Date.parse(iso) })
        .where("version", "=", v)
        .execute();
    await at(1, "2026-06-01T08:00:00Z");
    await at(2, "2026-06-01T09:30:00Z");
    await t.store.db
      .updateTable("processes")
      .set({ updated_at: Date.parse("2026-06-01T09:30:00Z") })
      .execute();
    const r = await engine.schedules.fireDue(Date.parse("2026-06-01T09:45:00Z"));
    expect(r.fired).toBe(1);
    const [run] = await runsOf(s.id);
    expect(run?.version).toBe(1);
    expect(run?.trigger_details).toMatchObject({ slot: "2026-06-01T09:00:00.000Z" });
    // 10:00 comes after v2.
    expect((await engine.schedules.fireDue(Date.parse("2026-06-01T10:00:00.5Z"))).fired).toBe(1);
    expect((await runsOf(s.id)).map((x) => x.version).sort()).toEqual([1, 2]);
  });
});
