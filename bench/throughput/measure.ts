/**
 * The two measurements, system-agnostic: (a) throughput, enqueue N jobs and drain them
 * with the workers already started, clocked from the first enqueue call to the last
 * completion; (b) trigger-to-start latency under an open-loop stream at a fixed rate.
 */
import { percentiles } from "../lib/stats.ts";
import { nowMs, type Subject, sleep } from "./subject.ts";

export interface Options {
  runs: number;
  concurrency: number;
  /** In-flight enqueue calls during the throughput phase (clients calling concurrently). */
  enqueueConcurrency: number;
  /** Jobs run (and discarded) before the throughput clock starts: connections, JIT. */
  warmup: number;
  rate: number;
  seconds: number;
  /** Seconds a phase may take before it is aborted. */
  timeout: number;
}

export interface ThroughputResult {
  runs_per_s: number;
  /** Rate of the enqueue calls alone (first call to last resolved). */
  enqueue_per_s: number;
  seconds: number;
}

export interface LatencyResult {
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Jobs counted (the first second is warm-up and not counted). */
  measured: number;
  /** Achieved enqueue rate over the stream. */
  achieved_rate: number;
  /** Worst delay of an enqueue call behind its schedule (harness timer jitter). */
  max_schedule_lag_ms: number;
}

export class PhaseTimeout extends Error {}

export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PhaseTimeout(what())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Records handler start times by job index and counts starts, duplicates included. */
class Starts {
  readonly at: Float64Array;
  started = 0;
  duplicates = 0;
  constructor(total: number) {
    this.at = new Float64Array(total).fill(Number.NaN);
  }
  readonly onStart = (i: number): void => {
    const t = nowMs();
    this.started += 1;
    if (i < 0 || i >= this.at.length) return;
    if (!Number.isNaN(this.at[i]!)) this.duplicates += 1;
    else this.at[i] = t;
  };
  /** Fills start times that the system recorded itself (Plainrun's started_at). */
  fill(times: Map<number, number>): void {
    for (const [i, t] of times) {
      if (i >= 0 && i < this.at.length && Number.isNaN(this.at[i]!)) {
        this.at[i] = t;
        this.started += 1;
      }
    }
  }
}

async function enqueueRange(
  subject: Subject,
  from: number,
  to: number,
  inFlight: number,
  progress: { enqueued: number },
): Promise<void> {
  let next = from;
  const lane = async () => {
    while (next < to) {
      const i = next++;
      await subject.enqueue(i);
      progress.enqueued += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
}

/** Runs `body` on fresh state and always tears down, within bounded time. */
export async function onFreshState<T>(
  subject: Subject,
  phase: string,
  timeoutMs: number,
  body: () => Promise<T>,
): Promise<T> {
  let state = "setup";
  try {
    await withTimeout(subject.setup(), 60_000, () => `${subject.name} ${phase}: setup took > 60 s`);
    state = "running";
    return await withTimeout(body(), timeoutMs, () => `${subject.name} ${phase}: timed out`);
  } finally {
    try {
      await withTimeout(
        subject.teardown(),
        30_000,
        () => `${subject.name} ${phase}: teardown took > 30 s (after ${state})`,
      );
    } catch (err) {
      console.error(`  ! ${(err as Error).message}`);
    }
  }
}

export async function measureThroughput(subject: Subject, o: Options): Promise<ThroughputResult> {
  const total = o.warmup + o.runs;
  const starts = new Starts(total);
  const progress = { enqueued: 0 };
  const deadline = o.timeout * 1000;
  const body = async (): Promise<ThroughputResult> => {
    await subject.startWorkers(o.concurrency, starts.onStart);
    if (o.warmup > 0) {
      await enqueueRange(subject, 0, o.warmup, o.enqueueConcurrency, progress);
      await subject.waitCompleted(o.warmup);
    }
    const t0 = nowMs();
    await enqueueRange(subject, o.warmup, total, o.enqueueConcurrency, progress);
    const tEnqueued = nowMs();
    await subject.waitCompleted(total);
    const t1 = nowMs();
    if (starts.duplicates > 0) {
      throw new Error(`${subject.name}: ${starts.duplicates} jobs started more than once`);
    }
    return {
      runs_per_s: (o.runs / (t1 - t0)) * 1000,
      enqueue_per_s: (o.runs / (tEnqueued - t0)) * 1000,
      seconds: (t1 - t0) / 1000,
    };
  };
  try {
    return await onFreshState(subject, "throughput", deadline, body);
  } catch (err) {
    if (err instanceof PhaseTimeout) {
      throw new PhaseTimeout(
        `${err.message} after ${o.timeout} s: ${progress.enqueued}/${total} enqueued, ` +
          `${starts.started}/${total} handlers started`,
      );
    }
    throw err;
  }
}

export async function measureLatency(subject: Subject, o: Options): Promise<LatencyResult> {
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  const warm = Math.min(Math.round(o.rate), Math.floor(total / 5));
  const starts = new Starts(total);
  const enq = new Float64Array(total).fill(Number.NaN);
  const deadline = (o.seconds + o.timeout) * 1000;
  let enqueued = 0;
  let inFlight = 0;
  let maxLag = 0;
  let enqueueError: Error | undefined;

  const body = async (): Promise<LatencyResult> => {
    await subject.startWorkers(o.concurrency, starts.onStart);
    const interval = 1000 / o.rate;
    // A system that records its own start times (Plainrun's started_at) uses Date.now(),
    // whole milliseconds: stamp the enqueue on the same clock with the same truncation, so
    // the difference is unbiased (±1 ms each) instead of reading ~0.5 ms short.
    const wallClock = subject.startTimes !== undefined;
    const pending: Promise<void>[] = [];
    const t0 = nowMs() + 5;
    let tFirst = t0;
    let next = 0;
    // Open loop: each call fires at its scheduled time whether or not earlier calls
    // have returned, so a slow system cannot slow the stream down (no coordinated omission).
    while (next < total) {
      if (enqueueError) throw enqueueError;
      const now = nowMs();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      while (next < due) {
        const i = next++;
        const start = nowMs();
        if (i === 0) tFirst = start;
        enq[i] = wallClock ? Date.now() : start;
        maxLag = Math.max(maxLag, start - (t0 + i * interval));
        inFlight += 1;
        pending.push(
          subject.enqueue(i).then(
            () => {
              inFlight -= 1;
              enqueued += 1;
            },
            (err: Error) => {
              enqueueError ??= err;
            },
          ),
        );
      }
      if (inFlight > o.rate * 5) {
        throw new Error(
          `${subject.name}: ${inFlight} enqueue calls in flight, cannot keep up with ${o.rate}/s`,
        );
      }
      const wait = t0 + next * interval - nowMs();
      await sleep(Math.max(0, Math.min(wait, 50)));
    }
    const tLast = nowMs();
    await Promise.all(pending);
    if (enqueueError) throw enqueueError;
    await subject.waitCompleted(total);
    if (subject.startTimes) starts.fill(await subject.startTimes());
    if (starts.duplicates > 0) {
      throw new Error(`${subject.name}: ${starts.duplicates} jobs started more than once`);
    }
    const lat: number[] = [];
    for (let i = warm; i < total; i++) {
      const s = starts.at[i]!;
      const e = enq[i]!;
      if (Number.isNaN(s) || Number.isNaN(e)) {
        throw new Error(`${subject.name}: no start time recorded for job ${i}`);
      }
      lat.push(s - e);
    }
    const [p50, p90, p99, max] = percentiles(lat, [50, 90, 99, 100]);
    return {
      p50_ms: p50!,
      p90_ms: p90!,
      p99_ms: p99!,
      max_ms: max!,
      measured: lat.length,
      achieved_rate: ((total - 1) / (tLast - tFirst)) * 1000,
      max_schedule_lag_ms: maxLag,
    };
  };
  try {
    return await onFreshState(subject, "latency", deadline, body);
  } catch (err) {
    if (err instanceof PhaseTimeout) {
      throw new PhaseTimeout(
        `${err.message} after ${o.seconds + o.timeout} s: ${enqueued}/${total} enqueued, ` +
          `${starts.started}/${total} handlers started`,
      );
    }
    throw err;
  }
}
