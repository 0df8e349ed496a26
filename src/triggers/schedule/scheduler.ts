// The scheduler loop: fire what is due (engine.schedules.fireDue), then sleep until the
// earliest next slot of any schedule (one timer, not one per schedule), at most maxSleepMs
// so that schedules changed by other processes are seen; a change made in this process
// wakes it at once. The clock is injectable, so tests drive time.
import type { Engine, FireResult } from "../../engine/index.ts";

export interface SchedulerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SchedulerOptions {
  clock?: SchedulerClock;
  /** The longest sleep (default 1000 ms): how soon another process's new schedule is seen. */
  maxSleepMs?: number;
  /** A backlog at most this late all fires (default 30 s; see engine/schedules/fire.ts). */
  graceMs?: number;
  logger?: { error(obj: unknown, msg?: string): void };
  /** Told after each pass that fired or skipped something. */
  onPass?: (r: FireResult) => void;
}

export class Scheduler {
  private readonly clock: SchedulerClock;
  private stopped = true;
  private timer: unknown;
  private wakeSleeper: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private offChange: (() => void) | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  /** One pass at the clock's time: every due schedule, in batches. */
  async tick(): Promise<FireResult> {
    const total: FireResult = { fired: 0, skipped: 0, runs: [], more: false };
    for (let i = 0; i < 100; i++) {
      const r = await this.engine.schedules.fireDue(this.clock.now(), {
        ...(this.opts.graceMs !== undefined ? { graceMs: this.opts.graceMs } : {}),
      });
      total.fired += r.fired;
      total.skipped += r.skipped;
      total.runs.push(...r.runs);
      if (!r.more) break;
    }
    if (total.fired + total.skipped > 0) this.opts.onPass?.(total);
    return total;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const onChange = () => this.wake();
    this.engine.schedules.events.on("change", onChange);
    this.offChange = () => this.engine.schedules.events.off("change", onChange);
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.offChange?.();
    this.wake();
    await this.loopDone;
  }

  private wake(): void {
    const w = this.wakeSleeper;
    this.wakeSleeper = undefined;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.clock.clearTimeout(this.timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      this.wakeSleeper = done;
      this.timer = this.clock.setTimeout(done, ms);
    });
  }

  private async loop(): Promise<void> {
    const maxSleep = this.opts.maxSleepMs ?? 1000;
    while (!this.stopped) {
      let wait = maxSleep;
      try {
        const pass = await this.tick();
        const next = await this.engine.schedules.earliestDue();
        if (next !== null) wait = Math.min(maxSleep, Math.max(0, next - this.clock.now()));
        // Due but nothing done here: another process holds it; look again shortly.
        if (wait === 0 && pass.fired + pass.skipped === 0) wait = 10;
      } catch (err) {
        this.opts.logger?.error({ err }, "the scheduler's pass failed; trying again in a second");
        wait = 1000;
      }
      if (this.stopped) break;
      if (wait > 0) await this.sleep(wait);
    }
  }
}
