// startRun: the one entry point for every trigger. Checks that can be made alone (inputs'
// shape, files) happen at once; the rest (process, stage rules, idempotency) happen in the
// write transaction, which groups every startRun waiting at that moment (group commit), so
// many concurrent triggers cost one transaction.
import type { Json } from "../interpreter/types.ts";
import {
  type Db,
  type FileRow,
  findProcess,
  getFiles,
  getIdempotencyKey,
  getRuns,
  insertFiles,
  insertIdempotencyKeys,
  insertRuns,
  newRunRow,
  type ProcessRow,
  type RunRow,
  STAGES,
  type Stage,
  type Store,
  TRIGGER_TYPES,
  type TriggerType,
} from "../store/index.ts";
import type { EngineBus } from "./bus.ts";
import { EngineError } from "./errors.ts";
import { type GroupCommit, PHASE_INSERT, type WriteContext } from "./groupCommit.ts";
import { canonicalJson, newId, sha256 } from "./ids.ts";
import { checkInputsShape, convertInputs, isPlainObject, referencedFileIds } from "./inputs.ts";
import type { EngineLimits } from "./limits.ts";
import { type Run, toRun } from "./views.ts";

export interface StartRunOptions {
  /** Process id or name. */
  process: string;
  /** Default "published". */
  stage?: Stage;
  /** A JSON object: input names (as in LANGUAGE.md) to values; `{file_id}` refers to a stored file. */
  inputs?: Record<string, Json>;
  /** Stored files to attach to the run (from files.put). */
  fileIds?: string[];
  /**
   * New files stored in the same transaction as the run (none is left behind when the run is
   * refused); inputs refer to them as `{file_id}` with the sha-256 of their bytes.
   */
  files?: Array<{ bytes: Uint8Array; name: string; type: string }>;
  /** Default manual. */
  trigger?: { type: TriggerType; details?: Record<string, Json> };
  /** The same key with the same request returns the first run; with another request it is refused. */
  idempotencyKey?: string;
  /** Whose keys these are (an API key's id, a user's id): keys of one scope never meet another's. */
  idempotencyScope?: string;
}

/** A run whose inputs are ready, waiting for the next group commit. */
export interface PreparedRun {
  id: string;
  processRef: string;
  stage: Stage;
  trigger: TriggerType;
  triggerDetails: Record<string, Json>;
  inputsJson: string;
  inputValuesJson: string;
  fileIds: string[];
  newFiles: FileRow[];
  /** `key` as stored (with its scope); `shown` as the client sent it. */
  idempotency?: { key: string; bodyHash: string; shown: string };
  rerunOf?: string;
  /** Re-run on this exact source instead of the stage's current one. */
  exactSource?: { version: number | null; sourceHash: string };
  searchText: string;
}

/** What a re-run carries from its original besides the request. */
export interface RerunOrigin {
  /** The original run's id. */
  of: string;
  /** Run on this exact source instead of the stage's current one. */
  exactSource?: { version: number | null; sourceHash: string };
}

/** The stored form of a key: its scope first, so equal keys of two scopes are two keys. */
function scopedKey(key: string, scope: string | undefined): string {
  return scope === undefined ? key : `${scope}|${key}`;
}

interface Waiting {
  run: PreparedRun;
  resolve: (run: Run) => void;
  reject: (err: unknown) => void;
}

interface CommitResult {
  inserted: Array<{ w: Waiting; row: RunRow }>;
  rejected: Array<{ w: Waiting; err: unknown }>;
  existingKeys: Array<{ w: Waiting; runId: string; bodyHash: string }>;
}

const MAX_BATCH = 1000;
const MAX_KEY = 255;

function stageRule(
  p: ProcessRow,
  run: PreparedRun,
): { version: number | null; sourceHash: string } {
  if (run.trigger === "schedule" && run.stage !== "published") {
    throw new EngineError("stage", "A schedule can only run the published version of a process.");
  }
  if (run.exactSource) return run.exactSource;
  if (run.stage === "published") {
    if (p.latest_version === 0 || p.published_hash === null) {
      throw new EngineError(
        "stage",
        `"${p.name}" has no published version yet: publish it, or run its draft.`,
      );
    }
    return { version: p.latest_version, sourceHash: p.published_hash };
  }
  if (!p.draft_source.trim()) {
    throw new EngineError("stage", `"${p.name}" has an empty draft: there is nothing to run.`);
  }
  return { version: null, sourceHash: p.draft_hash };
}

export class RunStarter {
  private queue: Waiting[] = [];
  private submitted = false;

  constructor(
    private readonly store: Store,
    private readonly bus: EngineBus,
    private readonly limits: EngineLimits,
    private readonly group: GroupCommit,
  ) {}

  /**
   * Checks a trigger's request and turns it into a prepared run (every trigger's, re-run's
   * too: `rerun` names the original and, for its exact version, its source).
   */
  async prepare(opts: StartRunOptions, rerun?: RerunOrigin): Promise<PreparedRun> {
    if (!opts || typeof opts !== "object")
      throw new EngineError("invalid", "startRun needs options.");
    if (typeof opts.process !== "string" || !opts.process) {
      throw new EngineError("invalid", "Say which process to run (its id or name).");
    }
    const stage = opts.stage ?? "published";
    if (!STAGES.includes(stage)) {
      throw new EngineError(
        "invalid",
        `The stage is "draft" or "published", not "${String(stage)}".`,
      );
    }
    const trigger = opts.trigger ?? { type: "manual" as const };
    if (!TRIGGER_TYPES.includes(trigger.type)) {
      throw new EngineError(
        "invalid",
        `The trigger is one of ${TRIGGER_TYPES.join(", ")}, not "${String(trigger.type)}".`,
      );
    }
    const details = trigger.details ?? {};
    if (!isPlainObject(details))
      throw new EngineError("invalid", "Trigger details must be a JSON object.");
    const inputs = checkInputsShape(opts.inputs, this.limits);
    const fileIds = opts.fileIds ?? [];
    if (!Array.isArray(fileIds) || !fileIds.every((f) => typeof f === "string")) {
      throw new EngineError("invalid", "fileIds must be a list of file ids.");
    }
    const now = Date.now();
    const given = this.givenFiles(opts.files, now);
    const wanted = new Set([...fileIds, ...referencedFileIds(inputs), ...given.keys()]);
    if (wanted.size > this.limits.maxFilesPerRun) {
      throw new EngineError("too_large", `A run has at most ${this.limits.maxFilesPerRun} files.`);
    }
    const lookup = [...wanted].filter((id) => !given.has(id));
    const stored = new Map((await getFiles(this.store.db, lookup)).map((f) => [f.id, f]));
    for (const [id, row] of given) stored.set(id, row);
    const missing = [...wanted].filter((id) => !stored.has(id));
    if (missing.length > 0) {
      throw new EngineError(
        "not_found",
        `No file with id ${missing.map((m) => `"${m}"`).join(", ")}.`,
      );
    }
    const converted = convertInputs(inputs, stored, this.limits, now);
    const allFiles = [...new Set([...fileIds, ...converted.fileIds, ...given.keys()])];
    const newFiles = new Map(converted.newFiles.map((f) => [f.id, f]));
    for (const [id, row] of given) newFiles.set(id, row);
    if (allFiles.length > this.limits.maxFilesPerRun) {
      throw new EngineError("too_large", `A run has at most ${this.limits.maxFilesPerRun} files.`);
    }
    let idempotency: PreparedRun["idempotency"];
    if (opts.idempotencyKey !== undefined) {
      const key = opts.idempotencyKey;
      if (typeof key !== "string" || !key || key.length > MAX_KEY) {
        throw new EngineError("invalid", `An idempotency key is 1 to ${MAX_KEY} characters.`);
      }
      const bodyHash = sha256(
        canonicalJson({ process: opts.process, stage, inputs, fileIds, trigger: trigger.type }),
      );
      idempotency = { key: scopedKey(key, opts.idempotencyScope), bodyHash, shown: key };
    }
    const inputsJson = JSON.stringify(converted.display);
    return {
      id: newId(),
      processRef: opts.process,
      stage,
      trigger: trigger.type,
      triggerDetails: details,
      inputsJson,
      inputValuesJson: JSON.stringify(converted.values),
      fileIds: allFiles,
      newFiles: [...newFiles.values()],
      ...(idempotency ? { idempotency } : {}),
      ...(rerun ? { rerunOf: rerun.of } : {}),
      ...(rerun?.exactSource ? { exactSource: rerun.exactSource } : {}),
      searchText: inputsJson.toLowerCase(),
    };
  }

  /** New files given with the request, as rows to store with the run. */
  private givenFiles(files: StartRunOptions["files"], now: number): Map<string, FileRow> {
    const out = new Map<string, FileRow>();
    if (files === undefined) return out;
    if (!Array.isArray(files)) throw new EngineError("invalid", "files must be a list of files.");
    for (const f of files) {
      if (!(f?.bytes instanceof Uint8Array) || typeof f.name !== "string" || !f.name) {
        throw new EngineError("invalid", "Each file needs bytes and a name.");
      }
      if (f.bytes.byteLength > this.limits.maxFileBytes) {
        throw new EngineError(
          "too_large",
          `File "${f.name}" is ${f.bytes.byteLength} bytes; the limit is ${this.limits.maxFileBytes}.`,
        );
      }
      const id = sha256(f.bytes);
      const type = f.type || "application/octet-stream";
      out.set(id, {
        id,
        name: f.name,
        type,
        size: f.bytes.byteLength,
        bytes: f.bytes,
        created_at: now,
      });
    }
    return out;
  }

  async start(opts: StartRunOptions): Promise<Run> {
    if (opts?.idempotencyKey !== undefined && typeof opts.idempotencyKey === "string") {
      // A retry usually finds its key: answer without preparing (or storing) anything.
      const existing = await getIdempotencyKey(
        this.store.db,
        scopedKey(opts.idempotencyKey, opts.idempotencyScope),
      );
      if (existing) {
        const prepared = await this.prepare(opts);
        return this.resolveExistingKey(existing.run_id, existing.body_hash, prepared);
      }
    }
    return this.enqueue(await this.prepare(opts));
  }

  private async resolveExistingKey(
    runId: string,
    bodyHash: string,
    run: PreparedRun,
  ): Promise<Run> {
    if (bodyHash !== run.idempotency?.bodyHash) {
      throw new EngineError(
        "idempotency_mismatch",
        `Idempotency key "${run.idempotency?.shown}" was used before with a different request.`,
      );
    }
    const [row] = await getRuns(this.store.db, [runId]);
    if (!row)
      throw new EngineError(
        "not_found",
        `The run of idempotency key "${run.idempotency.shown}" is gone.`,
      );
    return toRun(row);
  }

  /** Stores a prepared run at the next group commit. */
  enqueue(run: PreparedRun): Promise<Run> {
    return new Promise<Run>((resolve, reject) => {
      this.queue.push({ run, resolve, reject });
      if (!this.submitted) {
        this.submitBatch();
        // Local workers queue their claim now, so it joins the transaction that stores
        // this run (claims come after stores in a batch): the run starts at its commit.
        this.bus.wake();
      }
    });
  }

  /**
   * One group-commit op stores every startRun waiting when its transaction begins (the
   * batch is taken then, so calls made meanwhile still join it).
   */
  private submitBatch(): void {
    this.submitted = true;
    let batch: Waiting[] = [];
    const taken = () => {
      batch = this.queue.splice(0, MAX_BATCH);
      this.submitted = false;
      if (this.queue.length > 0) this.submitBatch();
    };
    this.group
      .submit(PHASE_INSERT, (trx, ctx) => this.commit(trx, ctx, batch), taken)
      .then(
        (result) => this.settle(result),
        (err) => {
          for (const w of batch) w.reject(err);
        },
      );
  }

  /**
   * Stores prepared runs inside a caller's group-commit op (the scheduler claims its slots
   * and starts their runs in one transaction); answers the rows stored and the refusals.
   * The caller wakes the workers (bus.wake) once its op committed.
   */
  async commitPrepared(
    trx: Db,
    ctx: WriteContext,
    runs: PreparedRun[],
  ): Promise<{ stored: Map<string, RunRow>; refused: Map<string, unknown> }> {
    const noop = () => {};
    const batch = runs.map((run) => ({ run, resolve: noop, reject: noop }));
    const r = await this.commit(trx, ctx, batch);
    return {
      stored: new Map(r.inserted.map((a) => [a.row.id, a.row])),
      refused: new Map(r.rejected.map((x) => [x.w.run.id, x.err])),
    };
  }

  /** The batch's writes; pure apart from the transaction, so it can be retried. */
  private async commit(trx: Db, ctx: WriteContext, batch: Waiting[]): Promise<CommitResult> {
    const now = Date.now();
    const result: CommitResult = { inserted: [], rejected: [], existingKeys: [] };
    const processes = new Map<string, { p: ProcessRow; limitMs: number } | undefined>();
    for (const w of batch) {
      const ref = w.run.processRef;
      if (processes.has(ref)) continue;
      const p = await findProcess(trx, ref);
      const settings = p ? (JSON.parse(p.settings) as { time_limit_ms?: number }) : {};
      processes.set(ref, p ? { p, limitMs: settings.time_limit_ms ?? 600_000 } : undefined);
    }
    const accepted: Array<{ w: Waiting; row: RunRow }> = [];
    for (const w of batch) {
      const found = processes.get(w.run.processRef);
      try {
        if (!found)
          throw new EngineError("not_found", `No process named or with id "${w.run.processRef}".`);
        const { version, sourceHash } = stageRule(found.p, w.run);
        accepted.push({
          w,
          row: this.newRow(w.run, found.p, version, sourceHash, now, found.limitMs),
        });
      } catch (err) {
        result.rejected.push({ w, err });
      }
    }
    // Idempotency keys first: a key that already exists (or repeats in this batch) stores no run.
    const keyed = accepted.filter((a) => a.w.run.idempotency);
    let toInsert = accepted;
    if (keyed.length > 0) {
      const firstByKey = new Map<string, (typeof accepted)[number]>();
      for (const a of keyed) {
        const k = a.w.run.idempotency?.key as string;
        if (!firstByKey.has(k)) firstByKey.set(k, a);
      }
      const fresh = await insertIdempotencyKeys(
        trx,
        [...firstByKey.values()].map((a) => ({
          key: a.w.run.idempotency?.key as string,
          body_hash: a.w.run.idempotency?.bodyHash as string,
          run_id: a.row.id,
          created_at: now,
        })),
      );
      const skip = new Set<Waiting>();
      for (const a of keyed) {
        const k = a.w.run.idempotency?.key as string;
        const first = firstByKey.get(k);
        if (first === a && fresh.has(k)) continue;
        skip.add(a.w);
        if (first === a || !fresh.has(k)) {
          const row = await getIdempotencyKey(trx, k);
          if (row) result.existingKeys.push({ w: a.w, runId: row.run_id, bodyHash: row.body_hash });
        } else {
          result.existingKeys.push({
            w: a.w,
            runId: first?.row.id as string,
            bodyHash: first?.w.run.idempotency?.bodyHash as string,
          });
        }
      }
      toInsert = accepted.filter((a) => !skip.has(a.w));
    }
    const files = new Map<string, FileRow>();
    for (const a of toInsert) for (const f of a.w.run.newFiles) files.set(f.id, f);
    if (files.size > 0) await insertFiles(trx, [...files.values()]);
    if (toInsert.length > 0) {
      await insertRuns(
        this.store.dialect,
        trx,
        toInsert.map((a) => a.row),
      );
      for (const a of toInsert) {
        ctx.events.push({
          run_id: a.row.id,
          seq: 1,
          at: now,
          type: "status",
          data: `{"status":"Pending","trigger":${JSON.stringify(a.row.trigger)}}`,
        });
      }
      ctx.notify = true;
    }
    result.inserted = toInsert;
    return result;
  }

  /** After commit: wake the local workers and answer every caller of the batch. */
  private settle(r: CommitResult): void {
    if (r.inserted.length > 0) this.bus.wake();
    for (const a of r.inserted) {
      a.w.resolve(toRun(a.row));
    }
    for (const x of r.rejected) x.w.reject(x.err);
    for (const e of r.existingKeys) {
      this.resolveExistingKey(e.runId, e.bodyHash, e.w.run).then(e.w.resolve, e.w.reject);
    }
  }

  private newRow(
    run: PreparedRun,
    p: ProcessRow,
    version: number | null,
    sourceHash: string,
    now: number,
    timeLimitMs: number,
  ): RunRow {
    return newRunRow({
      id: run.id,
      process_id: p.id,
      stage: run.stage,
      version,
      source_hash: sourceHash,
      trigger: run.trigger,
      trigger_details: JSON.stringify(run.triggerDetails),
      inputs: run.inputsJson,
      input_values: run.inputValuesJson,
      file_ids: JSON.stringify(run.fileIds),
      search_text: run.searchText,
      rerun_of: run.rerunOf ?? null,
      time_limit_ms: timeLimitMs,
      created_at: now,
    });
  }
}
