// A worker pool's options as given, and as resolved once (defaults applied) for the pool's
// modules: claims.ts, inline.ts, execution.ts and results.ts read the same numbers.
import type { ExecState } from "../../interpreter/index.ts";
import type { RunLimits } from "../../interpreter/limits.ts";
import type { DateOrder } from "../../interpreter/types.ts";
import { newId } from "../ids.ts";
import type { Mailer, MailSettings } from "./outbox.ts";

export interface Logger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerOptions {
  /** Runs executed at once (default 4). */
  concurrency?: number;
  /** How long a claim holds a run without renewal (default 30 s); a dead worker's runs are taken over after it. */
  leaseMs?: number;
  /** Heartbeat: lease renewal and the cross-process cancel check (default min(200 ms, leaseMs / 3)). */
  renewMs?: number;
  /** Fallback poll for Pending runs when no wake-up arrives (default 1000 ms). */
  pollMs?: number;
  /** How often expired leases are looked for (default leaseMs / 2, at least 100 ms). */
  recoverMs?: number;
  /** How often a long run's state, log and steps are saved (default 1000 ms). */
  checkpointMs?: number;
  /** Interpreter time slice between yields to the event loop (default 20 ms). */
  sliceMs?: number;
  /** A run taken over more than this many times ends Failed instead (default 2). */
  maxRecoveries?: number;
  /** Bounds on each run's values (default DEFAULT_RUN_LIMITS in src/interpreter/limits.ts). */
  runLimits?: Partial<RunLimits>;
  /** Where `send an email` goes (`--smtp-relay-url`); without a relay such a run fails saying so. */
  mail?: MailSettings;
  /** Sends instead of a relay made from `mail.relayUrl` (tests). */
  mailer?: Mailer;
  /** How numeric dates read when a process does not say (SliceOptions.dateOrder). */
  dateOrder?: DateOrder | undefined;
  /** This pool's lease owner name (default a fresh uuid). */
  workerId?: string;
  /**
   * false: claim nothing from the queue; execute only the runs handed over with adopt()
   * (an executor's quarantine). Default true.
   */
  claim?: boolean;
  /**
   * Told the ids of Pending runs about to be executed inline in a claim's transaction, then
   * null once that execution ended: if the executor dies in between, they are the suspects.
   */
  onInline?: (ids: readonly string[] | null) => void;
  /**
   * Takes cancel requests that arrived while a statement holds this thread (an executor's
   * shared cancel flag); called each time the interpreter looks at a run's cancel signal.
   */
  pollCancels?: () => void;
  /** Called after each slice of a run (a test hook of executorMain.ts). */
  afterSlice?: (state: ExecState) => void;
  logger?: Logger;
}

/** The options with their defaults applied (the mailer is made in pool.ts, which closes it). */
export interface PoolConfig {
  workerId: string;
  concurrency: number;
  leaseMs: number;
  renewMs: number;
  pollMs: number;
  recoverMs: number;
  checkpointMs: number;
  sliceMs: number;
  maxRecoveries: number;
  claims: boolean;
  onInline: ((ids: readonly string[] | null) => void) | undefined;
  pollCancels: (() => void) | undefined;
  afterSlice: ((state: ExecState) => void) | undefined;
  log: Logger;
  runLimits: Partial<RunLimits> | undefined;
  mail: MailSettings | undefined;
  dateOrder: DateOrder | undefined;
}

const silent: Logger = { warn() {}, error() {} };

export function poolConfig(opts: WorkerOptions): PoolConfig {
  const leaseMs = opts.leaseMs ?? 30_000;
  return {
    workerId: opts.workerId ?? `worker-${newId()}`,
    concurrency: Math.max(1, opts.concurrency ?? 4),
    leaseMs,
    renewMs: opts.renewMs ?? Math.max(20, Math.min(200, Math.floor(leaseMs / 3))),
    pollMs: opts.pollMs ?? 1000,
    recoverMs: opts.recoverMs ?? Math.max(100, Math.floor(leaseMs / 2)),
    checkpointMs: opts.checkpointMs ?? 1000,
    sliceMs: opts.sliceMs ?? 20,
    maxRecoveries: opts.maxRecoveries ?? 2,
    claims: opts.claim ?? true,
    onInline: opts.onInline,
    pollCancels: opts.pollCancels,
    afterSlice: opts.afterSlice,
    log: opts.logger ?? silent,
    runLimits: opts.runLimits,
    mail: opts.mail,
    dateOrder: opts.dateOrder,
  };
}
