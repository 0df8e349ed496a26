// Suite runs: the cases of one or more processes run against the draft or the published
// version, each through startRun (trigger `test`) and the workers, several at a time. A
// question is answered from the case's stored answers, in order; a question with none left
// fails the case (Error) instead of waiting. Results are written as cases end, in batches.
// A suite run is executed by the process that started it, its owner, which renews a heartbeat
// on it; cancel reaches it through the store. When the owner stops (killed, or handing back on
// a graceful stop), a server's recovery sweep takes the suite run over and resumes it
// (recovery.ts); a suite run taken over more than MAX_SUITE_RECOVERIES times is ended.
import type { Json } from "../../interpreter/types.ts";
import {
  type CaseResult,
  claimSuiteRun,
  countTestCases,
  findProcess,
  getRuns,
  getSuiteRun,
  insertSuiteResults,
  insertSuiteRun,
  isFinalStatus,
  lastResultsByProcess,
  listProcesses,
  listSuiteResults,
  listSuiteRuns,
  listTestCases,
  type ProcessRow,
  type RunRow,
  releaseSuiteRuns,
  renewSuiteRun,
  STAGES,
  type Stage,
  type Store,
  type SuiteResultRow,
  type SuiteRunRow,
  staleSuiteRuns,
  type TestCaseRow,
  updateSuiteRun,
} from "../../store/index.ts";
import type { EngineBus } from "../bus.ts";
import { EngineError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { EngineLimits } from "../limits.ts";
import type { RunService } from "../runs.ts";
import type { RunStarter } from "../startRun.ts";
import { placeholders, readJson } from "../storedJson.ts";
import { diffOutputs } from "./diff.ts";
import {
  freshProgress,
  type InFlight,
  RESULT_COLUMN,
  resumeProgress,
  type SuiteProgress,
} from "./recovery.ts";
import {
  type CaseResultView,
  type SuiteProcess,
  type SuiteRun,
  type SuiteRunDetail,
  toCaseResult,
  toSuiteRun,
} from "./views.ts";

export const DEFAULT_SUITE_CONCURRENCY = 64;
const MAX_SUITE_CONCURRENCY = 1000;
/** A suite run whose owner is not heard for this long is taken over (default). */
export const DEFAULT_SUITE_LEASE_MS = 30_000;
/** Takeovers after which a suite run is ended instead of resumed again. */
export const MAX_SUITE_RECOVERIES = 3;

export interface SuiteRecoveryOptions {
  /** How long an owner may go unheard before its suite runs are taken over. */
  leaseMs?: number;
  /** Told when a suite run is resumed or ended by the sweep. */
  onRecover?: (suiteRunId: string, how: "resumed" | "ended") => void;
}

export interface RunSuiteOptions {
  /** Process ids or names; default: every process. */
  processes?: string[];
  /** Default "draft". */
  stage?: Stage;
  by?: string;
  /** "manual" (default), "publish"… */
  reason?: string;
  /** Cases in flight at once (default 64). */
  concurrency?: number;
}

export interface ProcessSuiteSummary {
  id: string;
  name: string;
  cases: number;
  /** The latest suite run that ran this process's cases, with its counts for them. */
  last: {
    suite_run_id: string;
    passed: number;
    failed: number;
    error: number;
    cancelled: number;
  } | null;
}

export interface CaseChange {
  case_id: string;
  case_name: string;
  process_id: string;
  /** null: the case was not in that suite run. */
  before: CaseResult | null;
  after: CaseResult | null;
  before_result: CaseResultView | null;
  after_result: CaseResultView | null;
}

export interface SuiteComparison {
  before: SuiteRun;
  after: SuiteRun;
  /** Cases whose result changed (or whose diff did), or that only one of the two ran. */
  changed: CaseChange[];
  /** Cases with the same result (and the same diff) in both. */
  unchanged: number;
}

export interface SuitePage {
  items: SuiteRun[];
  next_cursor: string | null;
}

interface Active {
  cancel: boolean;
  /** Stop executing without ending it: handed back (a graceful stop) or taken over. */
  leave: boolean;
  wake: () => void;
  done: Promise<void>;
}

/** This process no longer owns the suite run: another server took it over. */
class Lost extends Error {}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

export class SuiteService {
  private readonly active = new Map<string, Active>();
  /** This process, as the owner of the suite runs it executes. */
  readonly owner = `suite-${newId()}`;
  private leaseMs = DEFAULT_SUITE_LEASE_MS;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly bus: EngineBus,
    private readonly starter: RunStarter,
    private readonly runs: RunService,
    private readonly limits: EngineLimits,
  ) {}

  private async suiteRow(id: string): Promise<SuiteRunRow> {
    const row = typeof id === "string" ? await getSuiteRun(this.store.db, id) : undefined;
    if (!row) throw new EngineError("not_found", `No suite run with id "${id}".`);
    return row;
  }

  async get(id: string): Promise<SuiteRunDetail> {
    const row = await this.suiteRow(id);
    const results = await listSuiteResults(this.store.db, row.id);
    return { ...toSuiteRun(row), results: results.map(toCaseResult) };
  }

  async list(opts: { limit?: number; cursor?: string } = {}): Promise<SuitePage> {
    const limit = opts.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.limits.maxPage) {
      throw new EngineError("invalid", `limit is a whole number from 1 to ${this.limits.maxPage}.`);
    }
    let beforeId: string | undefined;
    if (opts.cursor !== undefined) {
      beforeId = Buffer.from(opts.cursor, "base64url").toString();
      if (!/^[0-9a-f-]{36}$/.test(beforeId))
        throw new EngineError("invalid", "The cursor is not one this API gave.");
    }
    const rows = await listSuiteRuns(this.store.db, {
      limit: limit + 1,
      ...(beforeId ? { beforeId } : {}),
    });
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(toSuiteRun);
    const last = items[items.length - 1];
    return { items, next_cursor: more && last ? Buffer.from(last.id).toString("base64url") : null };
  }

  /** Every process with its case count and its last result. */
  async overview(): Promise<ProcessSuiteSummary[]> {
    const [processes, counts, last] = await Promise.all([
      listProcesses(this.store.db),
      countTestCases(this.store.db),
      lastResultsByProcess(this.store.db),
    ]);
    const lastBy = new Map(last.map((l) => [l.process_id, l]));
    return processes.map((p) => {
      const l = lastBy.get(p.id);
      return {
        id: p.id,
        name: p.name,
        cases: counts.get(p.id) ?? 0,
        last: l
          ? {
              suite_run_id: l.suite_run_id,
              passed: l.counts.Passed,
              failed: l.counts.Failed,
              error: l.counts.Error,
              cancelled: l.counts.Cancelled,
            }
          : null,
      };
    });
  }

  /** Starts a suite run and answers at once (Running); its cases run in this process. */
  async start(opts: RunSuiteOptions = {}): Promise<SuiteRun> {
    const stage = opts.stage ?? "draft";
    if (!STAGES.includes(stage)) {
      throw new EngineError(
        "invalid",
        `The stage is "draft" or "published", not "${String(stage)}".`,
      );
    }
    const concurrency = opts.concurrency ?? DEFAULT_SUITE_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_SUITE_CONCURRENCY) {
      throw new EngineError(
        "invalid",
        `concurrency is a whole number from 1 to ${MAX_SUITE_CONCURRENCY}.`,
      );
    }
    let processes: ProcessRow[];
    if (opts.processes === undefined || opts.processes.length === 0) {
      processes = await listProcesses(this.store.db);
    } else {
      if (!Array.isArray(opts.processes) || !opts.processes.every((p) => typeof p === "string")) {
        throw new EngineError("invalid", "processes must be a list of process names or ids.");
      }
      processes = [];
      for (const ref of new Set(opts.processes)) {
        const p = await findProcess(this.store.db, ref);
        if (!p) throw new EngineError("not_found", `No process named or with id "${ref}".`);
        if (!processes.some((q) => q.id === p.id)) processes.push(p);
      }
    }
    const cases = await listTestCases(
      this.store.db,
      processes.map((p) => p.id),
    );
    const byProcess = new Map<string, number>();
    for (const c of cases) byProcess.set(c.process_id, (byProcess.get(c.process_id) ?? 0) + 1);
    const ran: SuiteProcess[] = [];
    const missing: Array<{ id: string; name: string }> = [];
    for (const p of processes) {
      const n = byProcess.get(p.id) ?? 0;
      if (n === 0) {
        missing.push({ id: p.id, name: p.name });
        continue;
      }
      ran.push({
        id: p.id,
        name: p.name,
        version: stage === "draft" ? null : p.latest_version || null,
        source_hash: stage === "draft" ? p.draft_hash : p.published_hash,
        cases: n,
      });
    }
    const now = Date.now();
    const row: SuiteRunRow = {
      id: newId(),
      stage,
      status: cases.length === 0 ? "Passed" : "Running",
      reason: opts.reason ?? "manual",
      processes: JSON.stringify(ran),
      missing: JSON.stringify(missing),
      started_by: opts.by ?? null,
      total: cases.length,
      passed: 0,
      failed: 0,
      errored: 0,
      cancelled: 0,
      cancel_requested: 0,
      created_at: now,
      finished_at: cases.length === 0 ? now : null,
      owner: cases.length === 0 ? null : this.owner,
      heartbeat_at: cases.length === 0 ? null : now,
      recoveries: 0,
    };
    await insertSuiteRun(this.store.db, row);
    if (cases.length > 0) this.launch(row, freshProgress(cases), concurrency);
    return toSuiteRun(row);
  }

  /** Executes a suite run owned here, from where it stands, in the background. */
  private launch(row: SuiteRunRow, progress: SuiteProgress, concurrency: number): void {
    let wake = () => {};
    const active: Active = {
      cancel: false,
      leave: false,
      wake: () => wake(),
      done: Promise.resolve(),
    };
    active.done = (async () => {
      const processes = await Promise.all(
        (JSON.parse(row.processes) as SuiteProcess[]).map((p) => findProcess(this.store.db, p.id)),
      );
      const starred = new Map(
        processes.flatMap((p) => (p ? [[p.id, JSON.parse(p.starred_outputs) as string[]]] : [])),
      ) as Map<string, string[]>;
      await this.execute(row, progress, starred, concurrency, active, (w) => {
        wake = w;
      });
    })()
      // execute() ends the suite run on its own errors; a store gone before it began leaves
      // the suite run to recovery elsewhere (its heartbeat goes stale), never unhandled.
      .catch(() => {})
      .finally(() => this.active.delete(row.id));
    this.active.set(row.id, active);
  }

  /**
   * Looks for suite runs whose owner went unheard for the lease (every half lease) and
   * resumes them here. A server calls it once; close() stops it and hands back what runs here.
   */
  startRecovery(opts: SuiteRecoveryOptions = {}): void {
    if (this.sweeper || this.closed) return;
    this.leaseMs = opts.leaseMs ?? DEFAULT_SUITE_LEASE_MS;
    const sweep = () => {
      this.sweeping ??= this.recover(opts.onRecover)
        .catch(() => {})
        .finally(() => {
          this.sweeping = undefined;
        });
    };
    this.sweeper = setInterval(sweep, Math.max(100, Math.floor(this.leaseMs / 2)));
    this.sweeper.unref();
    sweep();
  }

  /** One recovery sweep: takes over and resumes (or ends) each stale suite run. */
  async recover(onRecover?: SuiteRecoveryOptions["onRecover"]): Promise<void> {
    const now = Date.now();
    for (const seen of await staleSuiteRuns(this.store.db, now - this.leaseMs)) {
      if (this.closed) return;
      if (this.active.has(seen.id)) continue;
      const row = await claimSuiteRun(this.store.db, seen, this.owner, Date.now());
      if (!row) continue; // another server took it first
      const progress = await resumeProgress(this.store.db, row);
      if (row.recoveries > MAX_SUITE_RECOVERIES) {
        // Its owners kept stopping while running it: end it rather than take another down.
        const why = `The suite run was ended: the servers executing it stopped ${plural(row.recoveries, "time")}.`;
        this.launch(row, { ...progress, endWith: why }, DEFAULT_SUITE_CONCURRENCY);
        onRecover?.(row.id, "ended");
        continue;
      }
      this.launch(row, progress, DEFAULT_SUITE_CONCURRENCY);
      onRecover?.(row.id, "resumed");
    }
  }

  /**
   * Stops the sweep and the suite runs executing here without ending them: they are handed
   * back (no owner), so the next sweep of any server resumes them at once.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.sweeping;
    const ids = [...this.active.keys()];
    for (const a of this.active.values()) {
      a.leave = true;
      a.wake();
    }
    await Promise.all([...this.active.values()].map((a) => a.done));
    await releaseSuiteRuns(this.store.db, this.owner, ids);
  }

  /** Waits until the suite run is final; onProgress sees its counts as cases end. */
  async wait(id: string, onProgress?: (s: SuiteRun) => void): Promise<SuiteRunDetail> {
    for (;;) {
      const row = await this.suiteRow(id);
      onProgress?.(toSuiteRun(row));
      if (row.status !== "Running") return this.get(id);
      const active = this.active.get(id);
      await Promise.race([
        active?.done ?? Promise.resolve(),
        new Promise((r) => setTimeout(r, 200)),
      ]);
    }
  }

  /** Runs a suite to its end. */
  async run(
    opts: RunSuiteOptions = {},
    onProgress?: (s: SuiteRun) => void,
  ): Promise<SuiteRunDetail> {
    const started = await this.start(opts);
    return this.wait(started.id, onProgress);
  }

  /** Cancels a Running suite run: its runs in flight are cancelled, the cases left are too. */
  async cancel(id: string): Promise<SuiteRun> {
    const row = await this.suiteRow(id);
    if (row.status !== "Running") {
      throw new EngineError(
        "conflict",
        `Suite run ${id} is already ${row.status}; only a Running suite run can be cancelled.`,
      );
    }
    await updateSuiteRun(this.store.db, row.id, { cancel_requested: 1 });
    let local = this.active.get(row.id);
    if (!local && (row.heartbeat_at === null || row.heartbeat_at < Date.now() - this.leaseMs)) {
      // Its server stopped: take it over here and end it now rather than at the next sweep.
      const taken = await claimSuiteRun(this.store.db, row, this.owner, Date.now());
      if (taken) {
        this.launch(taken, await resumeProgress(this.store.db, taken), DEFAULT_SUITE_CONCURRENCY);
        local = this.active.get(row.id);
      }
    }
    if (local) {
      local.cancel = true;
      local.wake();
      await local.done;
    } else {
      // Another process executes it and hears the request within a second: answer when it did.
      for (let i = 0; i < 50; i++) {
        if ((await this.suiteRow(id)).status !== "Running") break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return toSuiteRun(await this.suiteRow(id));
  }

  /** What changed between two suite runs, case by case. */
  async compare(beforeId: string, afterId: string): Promise<SuiteComparison> {
    const [before, after] = await Promise.all([this.get(beforeId), this.get(afterId)]);
    const a = new Map(before.results.map((r) => [r.case_id, r]));
    const b = new Map(after.results.map((r) => [r.case_id, r]));
    const changed: CaseChange[] = [];
    let unchanged = 0;
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(id) ?? null;
      const y = b.get(id) ?? null;
      if (x && y && x.status === y.status && JSON.stringify(x.diff) === JSON.stringify(y.diff)) {
        unchanged++;
        continue;
      }
      const any = (y ?? x) as CaseResultView;
      changed.push({
        case_id: id,
        case_name: any.case_name,
        process_id: any.process_id,
        before: x?.status ?? null,
        after: y?.status ?? null,
        before_result: x,
        after_result: y,
      });
    }
    const strip = ({ results: _r, ...s }: SuiteRunDetail): SuiteRun => s;
    return { before: strip(before), after: strip(after), changed, unchanged };
  }

  /**
   * The publish gate: runs the draft's cases and refuses (listing the failing cases) unless
   * every one passes. A process with no case is refused too: there is nothing to pass.
   */
  async gate(p: { id: string; name: string }, by?: string): Promise<void> {
    const result = await this.run({
      processes: [p.id],
      stage: "draft",
      reason: "publish",
      ...(by !== undefined ? { by } : {}),
    });
    if (result.counts.total === 0) {
      throw new EngineError(
        "conflict",
        `"${p.name}" was not published: its publish gate needs its test cases to pass, and it has none (Missing test cases).`,
        { suite_run_id: result.id, failing_cases: [] },
      );
    }
    const failing = result.results.filter((r) => r.status !== "Passed");
    if (failing.length > 0) {
      throw new EngineError(
        "conflict",
        `"${p.name}" was not published: ${plural(failing.length, "test case")} of its draft did not pass: ${failing
          .slice(0, 20)
          .map((f) => `"${f.case_name}" (${f.status})`)
          .join(", ")}${failing.length > 20 ? ", …" : ""}.`,
        {
          suite_run_id: result.id,
          failing_cases: failing.map((f) => ({
            id: f.case_id,
            name: f.case_name,
            status: f.status,
          })),
        },
      );
    }
  }

  private async execute(
    suite: SuiteRunRow,
    progress: SuiteProgress,
    starred: Map<string, string[]>,
    concurrency: number,
    active: Active,
    setWake: (w: () => void) => void,
  ): Promise<void> {
    const { queue, counts, total } = progress;
    const inflight = new Map(progress.inflight.map((f) => [f.runId, f]));
    const results: SuiteResultRow[] = [];
    const heartbeatMs = Math.max(20, Math.min(5000, Math.floor(this.leaseMs / 3)));
    let lastBeat = Date.now();
    let signal: (() => void) | undefined;
    let dirty = false;
    const wake = () => {
      dirty = true;
      signal?.();
    };
    setWake(wake);
    const off = this.bus.onAnyRun((n) => {
      if (inflight.has(n.runId)) wake();
    });
    let lastFlush = Date.now();
    let lastCancelCheck = Date.now();
    const record = (
      c: TestCaseRow,
      status: CaseResult,
      runId: string | null,
      extra: { diff?: unknown[]; reason?: string } = {},
    ) => {
      results.push({
        suite_run_id: suite.id,
        case_id: c.id,
        process_id: c.process_id,
        case_name: c.name,
        status,
        run_id: runId,
        diff: JSON.stringify(extra.diff ?? []),
        reason: extra.reason ?? null,
        finished_at: Date.now(),
      });
      counts[RESULT_COLUMN[status]]++;
    };
    // Results and counts are written only while this process still owns the suite run: one
    // that was taken over (this process was presumed dead) writes nothing more and stops.
    const flush = async (final?: "Passed" | "Failed" | "Cancelled") => {
      const rows = results.splice(0);
      lastFlush = Date.now();
      await this.store.dialect.writeTransaction(async (trx) => {
        const owned = await updateSuiteRun(
          trx,
          suite.id,
          {
            ...counts,
            total,
            heartbeat_at: lastFlush,
            ...(final ? { status: final, finished_at: Date.now(), owner: null } : {}),
          },
          { owner: this.owner },
        );
        if (!owned) throw new Lost();
        await insertSuiteResults(trx, rows);
      });
      lastBeat = lastFlush;
    };
    const start = async (c: TestCaseRow) => {
      try {
        const run = await this.starter.enqueue({
          id: newId(),
          processRef: c.process_id,
          stage: suite.stage,
          trigger: "test",
          triggerDetails: {
            suite_run: suite.id,
            test_case: c.id,
            ...(suite.started_by !== null ? { by: suite.started_by } : {}),
          },
          inputsJson: c.inputs,
          inputValuesJson: c.input_values,
          fileIds: JSON.parse(c.file_ids),
          newFiles: [],
          searchText: c.inputs.toLowerCase(),
        });
        inflight.set(run.id, { c, runId: run.id, answered: 0 });
      } catch (err) {
        if (!(err instanceof EngineError)) throw err;
        record(c, "Error", null, { reason: `The run could not start: ${err.message}` });
      }
    };
    const settle = async (f: InFlight, row: RunRow) => {
      if (row.status === "AwaitingAnswer") {
        const answers = JSON.parse(f.c.answers) as Json[];
        if (f.answered < answers.length) {
          const value = answers[f.answered] as Json;
          f.answered++;
          try {
            await this.runs.answer(row.id, value, { by: "test suite" });
          } catch (err) {
            if (!(err instanceof EngineError)) throw err;
            inflight.delete(row.id);
            await this.runs.cancel(row.id, { by: "test suite" }).catch(() => {});
            record(f.c, "Error", row.id, {
              reason: `The stored answer ${JSON.stringify(value)} was refused: ${err.message}`,
            });
          }
          return;
        }
        inflight.delete(row.id);
        const q = readJson<{ text?: string; line?: number } | null>(row.question, null, () => null);
        await this.runs.cancel(row.id, { by: "test suite" }).catch(() => {});
        record(f.c, "Error", row.id, {
          reason: `The run asked ${q?.text ? `"${q.text}"` : "a question"}${q?.line ? ` (line ${q.line})` : ""} and the test case has no stored answer for it${f.answered > 0 ? ` (it has ${plural(f.answered, "answer")})` : ""}.`,
        });
        return;
      }
      if (!isFinalStatus(row.status)) return;
      inflight.delete(row.id);
      if (row.status === "Succeeded") {
        const actual = readJson(row.outputs, {}, placeholders.outputs);
        const expected = JSON.parse(f.c.expected) as Record<string, Json>;
        const own = f.c.compare === null ? null : (JSON.parse(f.c.compare) as string[]);
        const stars = starred.get(f.c.process_id) ?? [];
        const compared = own ?? (stars.length > 0 ? stars : null);
        const diff = diffOutputs(expected, actual, compared, JSON.parse(f.c.ignore) as string[]);
        record(f.c, diff.length === 0 ? "Passed" : "Failed", row.id, { diff });
        return;
      }
      const error = readJson<{ message?: string; line?: number | null } | null>(
        row.error,
        null,
        () => null,
      );
      const why =
        row.status === "Failed"
          ? `The run failed${error?.line ? ` at line ${error.line}` : ""}: ${error?.message ?? "no reason kept"}`
          : row.status === "TimedOut"
            ? "The run timed out."
            : `The run was cancelled${row.cancelled_by ? ` by ${row.cancelled_by}` : ""}.`;
      record(f.c, "Error", row.id, { reason: why });
    };
    let cancelled = false;
    try {
      if (progress.endWith !== undefined) {
        for (const f of inflight.values()) {
          await this.runs.cancel(f.runId, { by: "test suite" }).catch(() => {});
          record(f.c, "Error", f.runId, { reason: progress.endWith });
        }
        inflight.clear();
        for (const c of queue.splice(0)) record(c, "Error", null, { reason: progress.endWith });
      }
      while (queue.length > 0 || inflight.size > 0) {
        if (active.leave) return;
        if (active.cancel) {
          cancelled = true;
          break;
        }
        const starts: Array<Promise<void>> = [];
        while (inflight.size + starts.length < concurrency && queue.length > 0) {
          starts.push(start(queue.shift() as TestCaseRow));
        }
        await Promise.all(starts);
        if (inflight.size > 0 && !dirty) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(done, 100);
            signal = done;
            function done() {
              clearTimeout(t);
              resolve();
            }
          });
          signal = undefined;
        }
        dirty = false;
        if (inflight.size > 0) {
          const rows = await getRuns(this.store.db, [...inflight.keys()]);
          for (const row of rows) {
            const f = inflight.get(row.id);
            if (f) await settle(f, row);
          }
        }
        const now = Date.now();
        if (now - lastBeat >= heartbeatMs) {
          lastBeat = now;
          if (!(await renewSuiteRun(this.store.db, suite.id, this.owner, now))) throw new Lost();
        }
        if (now - lastCancelCheck > 250) {
          lastCancelCheck = now;
          const current = await getSuiteRun(this.store.db, suite.id);
          if (current && current.owner !== this.owner) throw new Lost();
          if (!current || current.cancel_requested === 1 || current.status !== "Running") {
            active.cancel = true;
          }
        }
        if (results.length > 0 && (results.length >= 500 || now - lastFlush > 250)) await flush();
      }
      if (cancelled) {
        for (const f of inflight.values()) {
          await this.runs.cancel(f.runId, { by: "test suite" }).catch(() => {});
          record(f.c, "Cancelled", f.runId, { reason: "The suite run was cancelled." });
        }
        inflight.clear();
        for (const c of queue.splice(0)) {
          record(c, "Cancelled", null, {
            reason: "The suite run was cancelled before this case started.",
          });
        }
      }
      await flush(
        cancelled ? "Cancelled" : counts.failed + counts.errored > 0 ? "Failed" : "Passed",
      );
    } catch (err) {
      if (err instanceof Lost) return; // another server resumes it
      // Something outside any one case broke (the store went away): end the suite run with
      // every case left as Error, so nothing waits on it for ever.
      const why = `The suite run stopped: ${err instanceof Error ? err.message : String(err)}`;
      for (const f of inflight.values()) record(f.c, "Error", f.runId, { reason: why });
      for (const c of queue.splice(0)) record(c, "Error", null, { reason: why });
      await flush("Failed").catch(() => {});
    } finally {
      off();
    }
  }
}
