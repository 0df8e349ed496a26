// The scheduler loop under a clock the test moves: it sleeps on one timer until the next
// slot, wakes on a change made here, fires on time, catches up after being stopped (the
// latest missed slot runs, older ones are skipped), and honours pause/resume and end dates.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/engine/index.ts";
import { Scheduler, type SchedulerClock } from "../../src/triggers/schedule/scheduler.ts";
import { until } from "../helpers/engines.ts";
import { createTestStore, dialects, type TestStore } from "../helpers/stores.ts";

class ManualClock implements SchedulerClock {
  timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  constructor(public t: number) {}
  now = () => this.t;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  /** Moves time and runs the timers now due. */
  set(iso: string): void {
    this.t = Date.parse(iso);
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.t) {
        this.timers.delete(id);
        timer.fn();
      }
    }
  }
  /** The earliest pending timer's time (what the loop sleeps until). */
  nextTimer(): number | undefined {
    const ats = [...this.timers.values()].map((x) => x.at);
    return ats.length ? Math.min(...ats) : undefined;
  }
}

describe.each(dialects)("the scheduler loop on %s", (dialect) => {
  let t: TestStore;
  let engine: Engine;
  let clock: ManualClock;
  let scheduler: Scheduler;
  beforeEach(async () => {
    t = await createTestStore(dialect);
    clock = new ManualClock(Date.parse("2026-06-01T08:59:00Z"));
    engine = createEngine({ store: t.store, clock: clock.now });
    scheduler = new Scheduler(engine, { clock, maxSleepMs: 60 * 60_000 });
  });
  afterEach(async () => {
    await scheduler.stop();
    await engine.close();
    await t.cleanup();
  });

  const slotsOf = async (id: string) =>
    (await engine.schedules.slots(id, { limit: 100 })).items.map(
      (s) => `${s.due_at.slice(11, 16)} ${s.status}`,
    );

  it("sleeps until the next slot, fires it, catches up after downtime, pauses and ends", async () => {
    const p = await engine.processes.create({ name: "job", source: "the total is 1 + 1" });
    await engine.processes.publish(p.id);
    scheduler.start();
    const s = await engine.schedules.create(p.id, {
      cron: "*/10 * * * *",
      timezone: "Europe/Berlin",
      ends_at: "2026-06-01T10:00:00Z",
    });
    // The change woke the loop, which now sleeps on one timer until 09:00.
    await until(async () =>
      clock.nextTimer() === Date.parse("2026-06-01T09:00:00Z") ? true : undefined,
    );
    clock.set("2026-06-01T09:00:00.003Z");
    await until(async () => ((await slotsOf(s.id)).length === 1 ? true : undefined));
    expect(await slotsOf(s.id)).toEqual(["09:00 fired"]);

    // Down from 09:05 to 09:41: 09:10 … 09:40 were missed.
    await until(async () =>
      clock.nextTimer() === Date.parse("2026-06-01T09:10:00Z") ? true : undefined,
    );
    await scheduler.stop();
    clock.set("2026-06-01T09:41:00Z");
    scheduler.start();
    await until(async () => ((await slotsOf(s.id)).length === 5 ? true : undefined));
    expect(await slotsOf(s.id)).toEqual([
      "09:40 fired",
      "09:30 skipped",
      "09:20 skipped",
      "09:10 skipped",
      "09:00 fired",
    ]);

    // Paused over 09:50: nothing; resumed at 09:55, the 10:00 slot (the end) fires, then none.
    await engine.schedules.pause(s.id);
    clock.set("2026-06-01T09:50:00.002Z");
    clock.set("2026-06-01T09:55:00Z");
    expect((await slotsOf(s.id)).length).toBe(5);
    await engine.schedules.resume(s.id);
    await until(async () =>
      clock.nextTimer() === Date.parse("2026-06-01T10:00:00Z") ? true : undefined,
    );
    clock.set("2026-06-01T10:00:00.001Z");
    await until(async () => ((await slotsOf(s.id)).length === 6 ? true : undefined));
    expect((await slotsOf(s.id))[0]).toBe("10:00 fired");
    expect(await engine.schedules.earliestDue()).toBeNull();
    const runs = (await engine.runs.list({ limit: 100 })).items.filter(
      (r) => r.trigger === "schedule",
    );
    expect(runs).toHaveLength(3);
  });
});
