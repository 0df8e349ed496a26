// Processes and their versions: a draft that must compile to be saved, published versions
// that never change, restore from a version into the draft.
import type { Json } from "../interpreter/types.ts";
import { normalizeName } from "../language/index.ts";
import {
  type Db,
  findProcess,
  findProcessByName,
  getVersion,
  insertProcess,
  insertSource,
  insertVersion,
  listProcesses,
  listVersions,
  type Store,
  updateProcess,
} from "../store/index.ts";
import type { CompileCache, Diagnostic } from "./compileCache.ts";
import type { CompileSummary, CompileWorkers } from "./compileWorkers.ts";
import { EngineError } from "./errors.ts";
import { newId } from "./ids.ts";
import { DEFAULT_TIME_LIMIT_MS } from "./limits.ts";
import { type Process, type ProcessSettings, toProcess, toVersion, type Version } from "./views.ts";

export interface CreateProcessOptions {
  name: string;
  description?: string;
  source?: string;
  settings?: Partial<ProcessSettings>;
  starredOutputs?: string[];
}

export interface UpdateProcessOptions {
  name?: string;
  description?: string;
  /** The new draft source: refused (with every diagnostic) when it has errors. */
  source?: string;
  /** Merged into the current settings. */
  settings?: Partial<ProcessSettings>;
  starredOutputs?: string[];
}

export interface CheckResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  inputs: string[];
}

// A name is used as a URL path segment, which the API bounds at 100 characters.
const MAX_NAME = 100;
const MAX_SOURCE = 1024 * 1024;
const MAX_TIME_LIMIT_MS = 7 * 24 * 3600 * 1000;

function checkName(name: unknown): string {
  if (typeof name !== "string" || !name.trim()) {
    throw new EngineError("invalid", "A process needs a name.");
  }
  const n = name.trim();
  if (n.length > MAX_NAME) {
    throw new EngineError("invalid", `A process name has at most ${MAX_NAME} characters.`);
  }
  return n;
}

function checkSource(source: unknown): string {
  if (typeof source !== "string") throw new EngineError("invalid", "Source must be text.");
  if (source.length > MAX_SOURCE) {
    throw new EngineError(
      "too_large",
      `Source has at most ${MAX_SOURCE} characters (this one has ${source.length}).`,
    );
  }
  return source;
}

function checkSettings(current: ProcessSettings, patch: Partial<ProcessSettings> | undefined) {
  const next: ProcessSettings = { ...current };
  for (const [k, v] of Object.entries(patch ?? {})) if (v !== undefined) next[k] = v as Json;
  if (next.test_gate !== undefined && typeof next.test_gate !== "boolean") {
    throw new EngineError("invalid", "settings.test_gate is true or false.");
  }
  const limit = next.time_limit_ms;
  if (!Number.isInteger(limit) || limit <= 0 || limit > MAX_TIME_LIMIT_MS) {
    throw new EngineError(
      "invalid",
      `settings.time_limit_ms must be a whole number of milliseconds from 1 to ${MAX_TIME_LIMIT_MS}.`,
    );
  }
  return next;
}

function checkStarred(list: unknown): string[] {
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) {
    throw new EngineError("invalid", "Starred outputs must be a list of output names.");
  }
  return [...new Set(list.map((x) => normalizeName(x)))];
}

function refuseErrors(c: CompileSummary, what: string): void {
  if (c.errors.length === 0) return;
  const first = c.errors[0] as Diagnostic;
  throw new EngineError(
    "invalid",
    `${what}: the source has ${c.errors.length} error${c.errors.length === 1 ? "" : "s"} (line ${first.line}: ${first.message}).`,
    { diagnostics: c.diagnostics },
  );
}

export class ProcessService {
  constructor(
    private readonly store: Store,
    private readonly cache: CompileCache,
    /** Checks large sources off this thread (see compileWorkers.ts). */
    private readonly compiler: CompileWorkers,
    /** The publish gate: runs the draft's test cases, throws unless they all pass. */
    private readonly gate?: (p: { id: string; name: string }, by?: string) => Promise<void>,
    /** Told of each new version in its publish transaction (schedules needing new inputs turn off). */
    private readonly onPublished?: (
      trx: Db,
      processId: string,
      version: number,
      sourceHash: string,
    ) => Promise<void>,
  ) {}

  /** Diagnostics and input names of source text, saving nothing. */
  async check(source: string): Promise<CheckResult> {
    const c = await this.compiler.compile(checkSource(source));
    return { ok: c.errors.length === 0, diagnostics: c.diagnostics, inputs: c.inputs };
  }

  private async compileForSave(source: unknown, what: string): Promise<CompileSummary> {
    const c = await this.compiler.compile(checkSource(source));
    refuseErrors(c, what);
    if ("program" in c) this.cache.remember(c);
    return c;
  }

  async create(opts: CreateProcessOptions): Promise<Process> {
    const name = checkName(opts.name);
    const source = opts.source ?? "";
    const c = await this.compileForSave(source, `Process "${name}" was not created`);
    const settings = checkSettings({ time_limit_ms: DEFAULT_TIME_LIMIT_MS }, opts.settings);
    const starred = checkStarred(opts.starredOutputs ?? []);
    const now = Date.now();
    const id = newId();
    await this.store.dialect.writeTransaction(async (trx) => {
      if (await findProcessByName(trx, name)) {
        throw new EngineError("conflict", `A process named "${name}" already exists.`);
      }
      await insertSource(trx, {
        hash: c.hash,
        source,
        inputs: JSON.stringify(c.inputs),
        created_at: now,
      });
      await insertProcess(trx, {
        id,
        name,
        description: opts.description ?? "",
        draft_source: source,
        draft_hash: c.hash,
        draft_inputs: JSON.stringify(c.inputs),
        published_hash: null,
        settings: JSON.stringify(settings),
        starred_outputs: JSON.stringify(starred),
        latest_version: 0,
        created_at: now,
        updated_at: now,
      });
    });
    return this.get(id);
  }

  async get(idOrName: string): Promise<Process> {
    const row = await findProcess(this.store.db, String(idOrName));
    if (!row) throw new EngineError("not_found", `No process named or with id "${idOrName}".`);
    return toProcess(row);
  }

  async list(): Promise<Process[]> {
    return (await listProcesses(this.store.db)).map(toProcess);
  }

  async update(idOrName: string, opts: UpdateProcessOptions): Promise<Process> {
    const current = await this.get(idOrName);
    const now = Date.now();
    const name = opts.name === undefined ? undefined : checkName(opts.name);
    const c =
      opts.source === undefined
        ? undefined
        : await this.compileForSave(opts.source, `The draft of "${current.name}" was not saved`);
    const settings =
      opts.settings === undefined ? undefined : checkSettings(current.settings, opts.settings);
    const starred =
      opts.starredOutputs === undefined ? undefined : checkStarred(opts.starredOutputs);
    if (opts.description !== undefined && typeof opts.description !== "string") {
      throw new EngineError("invalid", "A description must be text.");
    }
    await this.store.dialect.writeTransaction(async (trx) => {
      if (name !== undefined && name !== current.name) {
        const other = await findProcessByName(trx, name);
        if (other && other.id !== current.id) {
          throw new EngineError("conflict", `A process named "${name}" already exists.`);
        }
      }
      if (c) {
        await insertSource(trx, {
          hash: c.hash,
          source: opts.source as string,
          inputs: JSON.stringify(c.inputs),
          created_at: now,
        });
      }
      await updateProcess(trx, current.id, {
        ...(name !== undefined ? { name } : {}),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(c
          ? {
              draft_source: opts.source as string,
              draft_hash: c.hash,
              draft_inputs: JSON.stringify(c.inputs),
            }
          : {}),
        ...(settings ? { settings: JSON.stringify(settings) } : {}),
        ...(starred ? { starred_outputs: JSON.stringify(starred) } : {}),
        updated_at: now,
      });
    });
    return this.get(current.id);
  }

  /** Snapshots the draft as the next version (see publishDraft). */
  async publish(idOrName: string, opts: { by?: string } = {}): Promise<Version> {
    return (await this.publishDraft(idOrName, opts)).version;
  }

  /**
   * Snapshots the draft as the next version, unless the latest version already has the
   * draft's source: then it answers with that version and creates nothing (created false).
   */
  async publishDraft(
    idOrName: string,
    opts: { by?: string } = {},
  ): Promise<{ version: Version; created: boolean }> {
    const current = await this.get(idOrName);
    // Parsed already when a run of the draft ran here; otherwise checked off this thread.
    const c =
      this.cache.peek(current.draft_hash) ?? (await this.compiler.compile(current.draft_source));
    refuseErrors(c, `"${current.name}" was not published`);
    const unchanged = current.latest_version > 0 && current.published_hash === current.draft_hash;
    if (current.settings.test_gate === true && !unchanged && this.gate) {
      await this.gate(current, opts.by);
    }
    const now = Date.now();
    const { version, created } = await this.store.dialect.writeTransaction(async (trx) => {
      // Re-read inside the write transaction so two publishers get distinct numbers.
      const row = await findProcess(trx, current.id);
      if (!row) throw new EngineError("not_found", `No process with id "${current.id}".`);
      if (row.latest_version > 0 && row.published_hash === row.draft_hash) {
        return { version: row.latest_version, created: false };
      }
      const next = row.latest_version + 1;
      await insertVersion(trx, {
        process_id: row.id,
        version: next,
        source_hash: row.draft_hash,
        created_at: now,
      });
      await updateProcess(trx, row.id, {
        latest_version: next,
        published_hash: row.draft_hash,
        updated_at: now,
      });
      await this.onPublished?.(trx, row.id, next, row.draft_hash);
      return { version: next, created: true };
    });
    return { version: await this.version(current.id, version), created };
  }

  /** Copies a published version's source into the draft. */
  async restore(idOrName: string, version: number): Promise<Process> {
    const v = await this.version(idOrName, version);
    return this.update(v.process_id, { source: v.source });
  }

  async versions(idOrName: string): Promise<Version[]> {
    const p = await this.get(idOrName);
    return (await listVersions(this.store.db, p.id)).map(toVersion);
  }

  async version(idOrName: string, version: number): Promise<Version> {
    const p = await this.get(idOrName);
    if (!Number.isInteger(version) || version < 1) {
      throw new EngineError("invalid", `A version is a whole number from 1 (got ${version}).`);
    }
    const row = await getVersion(this.store.db, p.id, version);
    if (!row) throw new EngineError("not_found", `"${p.name}" has no version ${version}.`);
    return toVersion(row);
  }
}
