// createEngine: the services that the CLI, the server and the benchmarks share.
import type { Store } from "../store/index.ts";
import { EngineBus } from "./bus.ts";
import { CompileCache } from "./compileCache.ts";
import { type CompileWorkerOptions, CompileWorkers } from "./compileWorkers.ts";
import { EventRelay } from "./eventRelay.ts";
import {
  type ExecutorsHandle,
  type ExecutorsOptions,
  startExecutors,
} from "./executor/executors.ts";
import { FileService } from "./files.ts";
import { GroupCommit } from "./groupCommit.ts";
import { DEFAULT_LIMITS, type EngineLimits } from "./limits.ts";
import { ProcessService } from "./processes.ts";
import { RunService } from "./runs.ts";
import { ScheduleService } from "./schedules/service.ts";
import { RunStarter, type StartRunOptions } from "./startRun.ts";
import { TestCaseService } from "./suite/cases.ts";
import { SuiteService } from "./suite/suites.ts";
import type { Run } from "./views.ts";
import {
  type Logger,
  type WorkerOptions,
  WorkerPool,
  type WorkerPoolHandle,
} from "./worker/pool.ts";

export interface EngineOptions {
  store: Store;
  limits?: Partial<EngineLimits>;
  /** Parsed sources kept in memory (default 500). */
  compileCacheSize?: number;
  /** Threads that check large sources off the caller's thread (create, edit, check, publish). */
  compileWorkers?: CompileWorkerOptions;
  logger?: Logger;
  /** The schedules' clock (epoch ms; tests drive it). Default Date.now. */
  clock?: () => number;
  /**
   * Announce the events committed here to other processes (PostgreSQL NOTIFY; default
   * true). An executor thread does not: its supervisor announces what it posts.
   */
  announceEvents?: boolean;
}

export interface Engine {
  readonly store: Store;
  /** In-process signals: new runs, cancels, runs' new events (bus.ts). */
  readonly bus: EngineBus;
  readonly limits: EngineLimits;
  readonly processes: ProcessService;
  readonly runs: RunService;
  readonly files: FileService;
  /** Test cases: Succeeded runs kept as baselines (docs/test-suite.md). */
  readonly testCases: TestCaseService;
  /** Suite runs: the test cases run again, compared, kept as history. */
  readonly suites: SuiteService;
  /** Schedules of published processes; the scheduler role fires them (docs/schedules.md). */
  readonly schedules: ScheduleService;
  /** The one entry point for every trigger: stores a Pending run and wakes the workers. */
  startRun(opts: StartRunOptions): Promise<Run>;
  /** Starts a worker pool in this process; several pools (and processes) may share a store. */
  startWorkers(opts?: WorkerOptions): Promise<WorkerPoolHandle>;
  /**
   * Executes runs in executor threads under a memory bound, replaced when one dies, the runs
   * of a dead executor failed or quarantined (executor/executors.ts). Stop it before close().
   */
  startExecutors(opts: ExecutorsOptions): Promise<ExecutorsHandle>;
  /** Stops every pool started here (handing unfinished runs back). Does not close the store. */
  close(): Promise<void>;
}

const silentLogger: Logger = { warn() {}, error() {} };

export function createEngine(opts: EngineOptions): Engine {
  const { store } = opts;
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const bus = new EngineBus();
  const cache = new CompileCache(store, opts.compileCacheSize ?? 500);
  const group = new GroupCommit(store, bus, store.dialect.writeConcurrency);
  const relay = new EventRelay(store, bus, opts.logger ?? silentLogger, {
    announce: opts.announceEvents ?? true,
  });
  const starter = new RunStarter(store, bus, limits, group);
  const pools = new Set<WorkerPool>();
  const compiler = new CompileWorkers(opts.compileWorkers);
  const runs = new RunService(store, bus, cache, starter, limits, () => relay.listen());
  const suites = new SuiteService(store, bus, starter, runs, limits);
  const schedules = new ScheduleService(store, starter, limits, group, bus, opts.clock);
  return {
    store,
    limits,
    processes: new ProcessService(
      store,
      cache,
      compiler,
      (p, by) => suites.gate(p, by),
      (trx, p, version, hash) => schedules.onPublished(trx, p, version, hash),
    ),
    bus,
    runs,
    files: new FileService(store, limits),
    testCases: new TestCaseService(store, limits),
    suites,
    schedules,
    startRun: (o) => starter.start(o),
    async startWorkers(w = {}) {
      const pool = new WorkerPool(store, bus, cache, group, {
        ...(opts.logger ? { logger: opts.logger } : {}),
        ...w,
      });
      await pool.start();
      pools.add(pool);
      return {
        get workerId() {
          return pool.workerId;
        },
        get active() {
          return pool.active;
        },
        adopt: (runId, from) => pool.adopt(runId, from),
        async stop(s) {
          pools.delete(pool);
          await pool.stop(s);
        },
      };
    },
    startExecutors: (o) =>
      startExecutors({ store, group, bus, logger: opts.logger ?? silentLogger }, o),
    async close() {
      // Suite runs executing here are handed back first (another server resumes them).
      await suites.close();
      await Promise.all([...pools].map((p) => p.stop({ graceMs: 0 })));
      pools.clear();
      await compiler.close();
      await relay.close();
    },
  };
}
