// Managing runs: read, list, follow events, cancel, answer, re-run, archive. Every change
// is one guarded updateRun (see store/queries/updateRun.ts), so a final state never changes
// and two people acting at once cannot both win.
import { answer as answerState } from "../interpreter/index.ts";
import type { Json } from "../interpreter/types.ts";
import {
  findProcess,
  getRun,
  insertEvents,
  isFinalStatus,
  listEvents,
  listRuns,
  listSentEmails,
  type NewEvent,
  numberEvents,
  RUN_STATUSES,
  type RunFilter,
  type RunRow,
  type RunStatus,
  STAGES,
  type Stage,
  type Store,
  TRIGGER_TYPES,
  type TriggerType,
  updateRun,
} from "../store/index.ts";
import { type EngineBus, noticesOf } from "./bus.ts";
import type { CompileCache } from "./compileCache.ts";
import { EngineError } from "./errors.ts";
import { checkJsonDepth } from "./inputs.ts";
import type { EngineLimits } from "./limits.ts";
import type { RunStarter } from "./startRun.ts";
import { stateJson } from "./storedJson.ts";
import {
  type Run,
  type RunDetail,
  type RunEvent,
  toRun,
  toRunDetail,
  toRunEvent,
} from "./views.ts";

/** How often a watch reads again when nothing told it of new events (only a fallback). */
export const DEFAULT_WATCH_POLL_MS = 5000;

export interface ListRunsOptions {
  /** Process id or name. */
  process?: string;
  status?: RunStatus | RunStatus[];
  stage?: Stage;
  trigger?: TriggerType | TriggerType[];
  /** false (default): hide archived runs; true: only archived; "all": both. */
  archived?: boolean | "all";
  /** Created at or after (ISO text, Date or epoch ms). */
  createdFrom?: string | number | Date;
  /** Created before. */
  createdTo?: string | number | Date;
  /** Text that appears in the inputs or outputs (ignoring case). */
  text?: string;
  rerunOf?: string;
  /** Default 50. */
  limit?: number;
  /** next_cursor of the previous page. */
  cursor?: string;
}

export interface RunPage {
  items: Run[];
  next_cursor: string | null;
}

export type BulkResult =
  | { id: string; ok: true; run?: Run }
  | { id: string; ok: false; error: { code: string; message: string } };

export interface Actor {
  /** Who did it (a user, an API key name…), recorded on the run. */
  by?: string;
}

export interface RerunOptions extends Actor {
  /** Run the original's exact version instead of the stage's current one. */
  exactVersion?: boolean;
}

function toEpoch(v: string | number | Date, what: string): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === "number" ? v : Date.parse(v);
  if (!Number.isFinite(ms))
    throw new EngineError("invalid", `${what} is not a date: "${String(v)}".`);
  return ms;
}

function asList<T>(v: T | T[] | undefined): T[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

export class RunService {
  constructor(
    private readonly store: Store,
    private readonly bus: EngineBus,
    private readonly cache: CompileCache,
    private readonly starter: RunStarter,
    private readonly limits: EngineLimits,
    /** Starts hearing other processes' events (eventRelay.ts), once something watches. */
    private readonly listen: () => void = () => {},
  ) {}

  private async row(id: string): Promise<RunRow> {
    const row = typeof id === "string" ? await getRun(this.store.db, id) : undefined;
    if (!row) throw new EngineError("not_found", `No run with id "${id}".`);
    return row;
  }

  async get(id: string): Promise<RunDetail> {
    const row = await this.row(id);
    return toRunDetail(row, await listSentEmails(this.store.db, row.id));
  }

  async list(opts: ListRunsOptions = {}): Promise<RunPage> {
    const limit = opts.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.limits.maxPage) {
      throw new EngineError("invalid", `limit is a whole number from 1 to ${this.limits.maxPage}.`);
    }
    const statuses = asList(opts.status);
    for (const s of statuses ?? []) {
      if (!RUN_STATUSES.includes(s))
        throw new EngineError(
          "invalid",
          `Unknown status "${s}" (one of ${RUN_STATUSES.join(", ")}).`,
        );
    }
    const triggers = asList(opts.trigger);
    for (const t of triggers ?? []) {
      if (!TRIGGER_TYPES.includes(t)) throw new EngineError("invalid", `Unknown trigger "${t}".`);
    }
    if (opts.stage !== undefined && !STAGES.includes(opts.stage)) {
      throw new EngineError("invalid", `The stage is "draft" or "published", not "${opts.stage}".`);
    }
    let processId: string | undefined;
    if (opts.process !== undefined) {
      const p = await findProcess(this.store.db, opts.process);
      if (!p) throw new EngineError("not_found", `No process named or with id "${opts.process}".`);
      processId = p.id;
    }
    const filter: RunFilter = { limit: limit + 1 };
    if (processId !== undefined) filter.processId = processId;
    if (statuses) filter.statuses = statuses;
    if (opts.stage) filter.stage = opts.stage;
    if (triggers) filter.triggers = triggers;
    if (opts.archived !== undefined) filter.archived = opts.archived;
    if (opts.createdFrom !== undefined)
      filter.createdFrom = toEpoch(opts.createdFrom, "createdFrom");
    if (opts.createdTo !== undefined) filter.createdTo = toEpoch(opts.createdTo, "createdTo");
    if (opts.text) filter.text = opts.text;
    if (opts.rerunOf) filter.rerunOf = opts.rerunOf;
    if (opts.cursor !== undefined) {
      const before = Buffer.from(opts.cursor, "base64url").toString();
      if (!/^[0-9a-f-]{36}$/.test(before))
        throw new EngineError("invalid", "The cursor is not one this API gave.");
      filter.beforeId = before;
    }
    const rows = await listRuns(this.store.db, filter, this.store.dialect.name);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(toRun);
    const last = items[items.length - 1];
    return { items, next_cursor: more && last ? Buffer.from(last.id).toString("base64url") : null };
  }

  /** The run's events after `afterSeq` (0: from the start), oldest first. */
  async events(id: string, afterSeq = 0, limit = this.limits.maxPage): Promise<RunEvent[]> {
    await this.row(id);
    const rows = await listEvents(
      this.store.db,
      id,
      afterSeq,
      Math.min(limit, this.limits.maxPage),
    );
    return rows.map(toRunEvent);
  }

  /**
   * Calls onEvents with each new batch of the run's events, from afterSeq on, until the
   * returned stop() is called. New events are pushed: written by this process (its executor
   * threads included) they are read at once; on PostgreSQL, written by another process, once
   * its notification is heard. Reading again every pollMs (default 5 s) is only the
   * fallback for what no notification tells: another process's writes on SQLite, a lost
   * notification connection. SSE uses this.
   */
  watch(
    id: string,
    afterSeq: number,
    onEvents: (events: RunEvent[]) => void,
    opts: { pollMs?: number; onError?: (err: unknown) => void } = {},
  ): () => void {
    let seq = afterSeq;
    let stopped = false;
    let busy = false;
    let again = false;
    const pull = async () => {
      if (stopped) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const rows = await listEvents(this.store.db, id, seq, this.limits.maxPage);
          if (rows.length > 0 && !stopped) {
            seq = rows[rows.length - 1]?.seq ?? seq;
            onEvents(rows.map(toRunEvent));
            if (rows.length === this.limits.maxPage) again = true;
          }
        } while (again && !stopped);
      } catch (err) {
        opts.onError?.(err);
      } finally {
        busy = false;
      }
    };
    this.listen();
    const offRun = this.bus.onRun(id, (n) => {
      if (n.seq > seq) void pull();
    });
    const offResync = this.bus.onResync(() => void pull());
    const timer = setInterval(() => void pull(), opts.pollMs ?? DEFAULT_WATCH_POLL_MS);
    timer.unref?.();
    void pull();
    return () => {
      stopped = true;
      offRun();
      offResync();
      clearInterval(timer);
    };
  }

  /**
   * Calls onChange for every run whose status changes (or that gets events, with `all`),
   * pushed as watch() is, until the returned stop() is called. onResync: changes may have
   * been missed (a lost notification connection is back): read the list again.
   */
  watchAll(
    onChange: (change: { id: string; seq: number; status?: string }) => void,
    opts: { all?: boolean; onResync?: () => void } = {},
  ): () => void {
    this.listen();
    const off = this.bus.onAnyRun((n) => {
      if (!opts.all && n.status === undefined) return;
      onChange({ id: n.runId, seq: n.seq, ...(n.status ? { status: n.status } : {}) });
    });
    const offResync = opts.onResync ? this.bus.onResync(opts.onResync) : () => undefined;
    return () => {
      off();
      offResync();
    };
  }

  /** Waits until the run is final (or, with `orWaiting`, AwaitingAnswer too). */
  async waitFor(
    id: string,
    opts: { timeoutMs?: number; orWaiting?: boolean; pollMs?: number } = {},
  ): Promise<RunDetail> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    const settled = (s: RunStatus) =>
      isFinalStatus(s) || (opts.orWaiting === true && s === "AwaitingAnswer");
    for (;;) {
      const run = await this.get(id);
      if (settled(run.status)) return run;
      if (Date.now() > deadline) {
        throw new EngineError("conflict", `Run ${id} is still ${run.status} after waiting.`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, opts.pollMs ?? 100);
        const off = this.bus.onRun(id, done);
        function done() {
          clearTimeout(t);
          off();
          resolve();
        }
      });
    }
  }

  /** Applies a guarded change and its events; returns false when the guard did not hold. */
  private async change(
    row: RunRow,
    guard: Parameters<typeof updateRun>[2],
    set: Parameters<typeof updateRun>[3],
    events: NewEvent[],
    opts: { wake?: boolean } = {},
  ): Promise<boolean> {
    const now = Date.now();
    const written = await this.store.dialect.writeTransaction(async (trx) => {
      const last = await updateRun(trx, row.id, guard, { ...set, updated_at: now }, events.length);
      if (last === undefined) return undefined;
      const rows = numberEvents(row.id, last, events, now);
      await insertEvents(this.store.dialect, trx, rows);
      if (opts.wake) await this.store.dialect.notify(trx, this.store.channels.wake, "");
      return rows;
    });
    if (written === undefined) return false;
    if (opts.wake) this.bus.wake();
    for (const n of noticesOf(written)) this.bus.runEvents(n);
    return true;
  }

  /**
   * Cancels a run that is not final: a Pending or waiting run at once; a Running run is
   * asked to stop, and its worker ends it Cancelled within a second.
   */
  async cancel(id: string, actor: Actor = {}): Promise<Run> {
    const by = actor.by ?? null;
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.row(id);
      if (isFinalStatus(row.status)) {
        throw new EngineError(
          "conflict",
          `Run ${id} is already ${row.status}; only a run that is not final can be cancelled.`,
        );
      }
      if (row.status === "Running") {
        if (row.cancel_requested === 1) return toRun(row);
        const ok = await this.change(
          row,
          { statuses: ["Running"] },
          { cancel_requested: 1, cancelled_by: by },
          [{ type: "status", data: { status: "Running", cancel_requested: true, by } }],
        );
        if (ok) {
          this.bus.cancel(id);
          await this.store.dialect.notify(this.store.db, this.store.channels.cancel, id);
          return toRun(await this.row(id));
        }
        continue;
      }
      const now = Date.now();
      const ok = await this.change(
        row,
        { statuses: [row.status], eventSeq: row.event_seq },
        {
          status: "Cancelled",
          cancel_requested: 1,
          cancelled_by: by,
          exec_state: null,
          finished_at: now,
          lease_owner: null,
          lease_expires_at: null,
        },
        [{ type: "status", data: { status: "Cancelled", from: row.status, by } }],
      );
      if (ok) return toRun(await this.row(id));
    }
    throw new EngineError("conflict", `Run ${id} kept changing; try cancelling again.`);
  }

  /** Answers the question a run waits on; the run goes back to the queue and resumes there. */
  async answer(id: string, value: Json, actor: Actor = {}): Promise<Run> {
    const row = await this.row(id);
    if (row.status !== "AwaitingAnswer" || row.exec_state === null) {
      throw new EngineError(
        "conflict",
        `Run ${id} is not waiting for an answer (it is ${row.status}${row.status === "Pending" || row.status === "Running" ? ", perhaps answered already" : ""}).`,
      );
    }
    if (value === undefined) throw new EngineError("invalid", "An answer is needed.");
    checkJsonDepth(value, "Answers");
    const compiled = await this.cache.get(row.source_hash);
    const state = JSON.parse(row.exec_state);
    try {
      answerState(compiled.program, state, value);
    } catch (err) {
      throw new EngineError("invalid", err instanceof Error ? err.message : String(err));
    }
    const saved = stateJson(state);
    if ("error" in saved) throw new EngineError("invalid", saved.error);
    const ok = await this.change(
      row,
      { statuses: ["AwaitingAnswer"], eventSeq: row.event_seq },
      { status: "Pending", exec_state: saved.json, question: null },
      [
        { type: "answer", data: { answer: value, by: actor.by ?? null } },
        { type: "status", data: { status: "Pending", from: "AwaitingAnswer" } },
      ],
      { wake: true },
    );
    if (!ok) {
      const now = await this.row(id);
      throw new EngineError(
        "conflict",
        `Run ${id} was answered or changed meanwhile (it is ${now.status}).`,
      );
    }
    return toRun(await this.row(id));
  }

  /**
   * A new run with the same inputs and files, on the stage's current version or the
   * original's, prepared as every trigger's run is (the stored inputs, files as `file_id`
   * references, read back to the same values).
   */
  async rerun(id: string, opts: RerunOptions = {}): Promise<Run> {
    const row = await this.row(id);
    const details: Record<string, Json> = { of: row.id, exact_version: opts.exactVersion === true };
    if (opts.by !== undefined) details.by = opts.by;
    const prepared = await this.starter.prepare(
      {
        process: row.process_id,
        stage: row.stage,
        inputs: JSON.parse(row.inputs) as Record<string, Json>,
        fileIds: JSON.parse(row.file_ids) as string[],
        trigger: { type: "rerun", details },
      },
      {
        of: row.id,
        ...(opts.exactVersion
          ? { exactSource: { version: row.version, sourceHash: row.source_hash } }
          : {}),
      },
    );
    return this.starter.enqueue(prepared);
  }

  /** Archive is a flag: the run leaves default lists; its execution goes on. */
  async setArchived(id: string, archived: boolean, actor: Actor = {}): Promise<Run> {
    const row = await this.row(id);
    const flag = archived ? 1 : 0;
    if (row.archived === flag) return toRun(row);
    await this.change(row, {}, { archived: flag }, [
      { type: "archive", data: { archived, by: actor.by ?? null } },
    ]);
    return toRun(await this.row(id));
  }

  archive(id: string, actor: Actor = {}): Promise<Run> {
    return this.setArchived(id, true, actor);
  }

  unarchive(id: string, actor: Actor = {}): Promise<Run> {
    return this.setArchived(id, false, actor);
  }

  private async bulk(ids: unknown, fn: (id: string) => Promise<Run>): Promise<BulkResult[]> {
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === "string")) {
      throw new EngineError("invalid", "Give a list of run ids.");
    }
    if (ids.length > this.limits.maxBulk) {
      throw new EngineError(
        "too_large",
        `At most ${this.limits.maxBulk} runs at once (got ${ids.length}).`,
      );
    }
    const out: BulkResult[] = [];
    for (const id of new Set(ids as string[])) {
      try {
        out.push({ id, ok: true, run: await fn(id) });
      } catch (err) {
        if (!(err instanceof EngineError)) throw err;
        out.push({ id, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    return out;
  }

  rerunMany(ids: string[], opts: RerunOptions = {}): Promise<BulkResult[]> {
    return this.bulk(ids, (id) => this.rerun(id, opts));
  }
  archiveMany(ids: string[], actor: Actor = {}): Promise<BulkResult[]> {
    return this.bulk(ids, (id) => this.archive(id, actor));
  }
  unarchiveMany(ids: string[], actor: Actor = {}): Promise<BulkResult[]> {
    return this.bulk(ids, (id) => this.unarchive(id, actor));
  }
  cancelMany(ids: string[], actor: Actor = {}): Promise<BulkResult[]> {
    return this.bulk(ids, (id) => this.cancel(id, actor));
  }
}
