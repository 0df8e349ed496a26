// Test cases: made from Succeeded runs (one or many; any other run refused, per run, with
// why), renamed, their expected values and compared outputs edited, deleted.
import type { Json } from "../../interpreter/types.ts";
import { normalizeName } from "../../language/index.ts";
import {
  casesFromRuns,
  deleteTestCase,
  findProcess,
  getRun,
  getTestCase,
  insertTestCase,
  isUniqueViolation,
  listTestCases,
  runAnswers,
  type Store,
  type TestCaseRow,
  testCaseNames,
  updateTestCase,
} from "../../store/index.ts";
import { EngineError } from "../errors.ts";
import { newId } from "../ids.ts";
import { checkJsonDepth, isPlainObject } from "../inputs.ts";
import type { EngineLimits } from "../limits.ts";
import { readJson } from "../storedJson.ts";
import { type TestCase, toTestCase } from "./views.ts";

export const MAX_CASE_NAME = 200;

export interface AddTestCaseOptions {
  /** Who made it. */
  by?: string;
  /** The case's name (one run only); default: made from the inputs. */
  name?: string;
}

export type AddTestCaseResult =
  | { id: string; ok: true; test_case: TestCase }
  | { id: string; ok: false; error: { code: string; message: string } };

export interface UpdateTestCaseOptions {
  name?: string;
  /** Merged into the expected outputs: each output named gets this expected value. */
  expected?: Record<string, Json>;
  /** The outputs compared (null: back to the process's starred outputs). */
  compare?: string[] | null;
  /** Outputs never compared. */
  ignore?: string[];
}

function preview(v: Json): string {
  if (v === null) return "nothing";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `${v.length} item${v.length === 1 ? "" : "s"}`;
  if (typeof v.name === "string" && typeof v.file_id === "string") return v.name;
  return "a record";
}

function nameTaken(name: string): EngineError {
  return new EngineError("conflict", `The process already has a test case named "${name}".`);
}

/** A readable default name from the inputs: "customer name Ada, amount 10". */
export function defaultCaseName(inputs: Record<string, Json>): string {
  const parts = Object.entries(inputs).map(([k, v]) => `${k} ${preview(v)}`.replace(/\s+/g, " "));
  const text = parts.length === 0 ? "No inputs" : parts.join(", ");
  return text.length > 80 ? `${text.slice(0, 79).trimEnd()}…` : text;
}

function uniqueName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const n = `${base} (${i})`;
    if (!taken.has(n)) return n;
  }
}

function checkCaseName(name: unknown): string {
  if (typeof name !== "string" || !name.trim())
    throw new EngineError("invalid", "A test case needs a name.");
  const n = name.trim();
  if (n.length > MAX_CASE_NAME) {
    throw new EngineError("invalid", `A test case name has at most ${MAX_CASE_NAME} characters.`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(n)) {
    throw new EngineError("invalid", "A test case name must not contain control characters.");
  }
  return n;
}

function checkOutputNames(list: unknown, what: string): string[] {
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string" && x.trim())) {
    throw new EngineError("invalid", `${what} must be a list of output names.`);
  }
  return [...new Set(list.map((x) => normalizeName(x)))];
}

export class TestCaseService {
  constructor(
    private readonly store: Store,
    private readonly limits: EngineLimits,
  ) {}

  private async row(id: string): Promise<TestCaseRow> {
    const row = typeof id === "string" ? await getTestCase(this.store.db, id) : undefined;
    if (!row) throw new EngineError("not_found", `No test case with id "${id}".`);
    return row;
  }

  async get(id: string): Promise<TestCase> {
    return toTestCase(await this.row(id));
  }

  /** A process's cases (or every case), oldest first. */
  async list(process?: string): Promise<TestCase[]> {
    let ids: string[] | undefined;
    if (process !== undefined) {
      const p = await findProcess(this.store.db, process);
      if (!p) throw new EngineError("not_found", `No process named or with id "${process}".`);
      ids = [p.id];
    }
    return (await listTestCases(this.store.db, ids)).map(toTestCase);
  }

  /** One test case per run; each run that cannot be one is refused with why. */
  async fromRuns(runIds: unknown, opts: AddTestCaseOptions = {}): Promise<AddTestCaseResult[]> {
    if (!Array.isArray(runIds) || !runIds.every((i) => typeof i === "string")) {
      throw new EngineError("invalid", "Give a list of run ids.");
    }
    if (runIds.length > this.limits.maxBulk) {
      throw new EngineError(
        "too_large",
        `At most ${this.limits.maxBulk} runs at once (got ${runIds.length}).`,
      );
    }
    const ids = [...new Set(runIds as string[])];
    if (opts.name !== undefined && ids.length !== 1) {
      throw new EngineError("invalid", "A name can be given when adding one run only.");
    }
    const given = opts.name === undefined ? undefined : checkCaseName(opts.name);
    const already = new Map(
      (await casesFromRuns(this.store.db, ids)).map((c) => [c.source_run_id, c]),
    );
    const names = new Map<string, Set<string>>();
    const out: AddTestCaseResult[] = [];
    const refuse = (id: string, code: string, message: string) =>
      out.push({ id, ok: false, error: { code, message } });
    for (const id of ids) {
      const run = await getRun(this.store.db, id);
      if (!run) {
        refuse(id, "not_found", `No run with id "${id}".`);
        continue;
      }
      if (run.status !== "Succeeded") {
        refuse(
          id,
          "conflict",
          `Run ${id} is ${run.status}: only a Succeeded run can become a test case.`,
        );
        continue;
      }
      if (run.trigger === "test") {
        refuse(
          id,
          "conflict",
          `Run ${id} is a test run: add the run its test case came from instead.`,
        );
        continue;
      }
      const existing = already.get(id);
      if (existing) {
        refuse(id, "conflict", `Run ${id} is already the test case "${existing.name}".`);
        continue;
      }
      const outputs = readJson<Record<string, Json> | null>(run.outputs, null, () => null);
      if (!outputs || !isPlainObject(outputs) || Object.hasOwn(outputs, "(outputs not shown)")) {
        refuse(
          id,
          "conflict",
          `Run ${id}'s outputs were not kept whole (too large), so they cannot be a baseline.`,
        );
        continue;
      }
      let taken = names.get(run.process_id);
      if (!taken) {
        taken = new Set(await testCaseNames(this.store.db, run.process_id));
        names.set(run.process_id, taken);
      }
      const inputs = readJson<Record<string, Json>>(run.inputs, {}, () => ({}));
      const name = given ?? uniqueName(defaultCaseName(inputs), taken);
      if (taken.has(name)) {
        refuse(id, "conflict", nameTaken(name).message);
        continue;
      }
      taken.add(name);
      const answers = (await runAnswers(this.store.db, id)).map(
        (d) => (readJson<{ answer?: Json }>(d, {}, () => ({})).answer ?? null) as Json,
      );
      const now = Date.now();
      const row: TestCaseRow = {
        id: newId(),
        process_id: run.process_id,
        name,
        inputs: run.inputs,
        input_values: run.input_values,
        file_ids: run.file_ids,
        expected: JSON.stringify(outputs),
        compare: null,
        ignore: "[]",
        answers: JSON.stringify(answers),
        source_run_id: id,
        created_by: opts.by ?? null,
        created_at: now,
        updated_at: now,
      };
      if (!(await insertTestCase(this.store.db, row))) {
        refuse(id, "conflict", nameTaken(name).message);
        continue;
      }
      out.push({ id, ok: true, test_case: toTestCase(row) });
    }
    return out;
  }

  async update(id: string, opts: UpdateTestCaseOptions): Promise<TestCase> {
    const current = await this.row(id);
    if (!opts || typeof opts !== "object") throw new EngineError("invalid", "Say what to change.");
    const patch: Partial<TestCaseRow> = {};
    if (opts.name !== undefined) {
      const name = checkCaseName(opts.name);
      if (name !== current.name) {
        const taken = await testCaseNames(this.store.db, current.process_id);
        if (taken.includes(name)) throw nameTaken(name);
        patch.name = name;
      }
    }
    if (opts.expected !== undefined) {
      if (!isPlainObject(opts.expected)) {
        throw new EngineError("invalid", "expected is an object of output names to values.");
      }
      checkJsonDepth(opts.expected, "Expected values");
      const expected = JSON.parse(current.expected) as Record<string, Json>;
      for (const [k, v] of Object.entries(opts.expected)) expected[normalizeName(k)] = v;
      patch.expected = JSON.stringify(expected);
    }
    if (opts.compare !== undefined) {
      patch.compare =
        opts.compare === null ? null : JSON.stringify(checkOutputNames(opts.compare, "compare"));
    }
    if (opts.ignore !== undefined) {
      patch.ignore = JSON.stringify(checkOutputNames(opts.ignore, "ignore"));
    }
    const row = await updateTestCase(this.store.db, current.id, {
      ...patch,
      updated_at: Date.now(),
    }).catch((e: unknown) => {
      // Another rename to the same name committed between the check and this write.
      throw patch.name !== undefined && isUniqueViolation(e) ? nameTaken(patch.name) : e;
    });
    if (!row) throw new EngineError("not_found", `No test case with id "${id}".`);
    return toTestCase(row);
  }

  /** Deletes a case; answers with it as it was. Its past results stay in the history. */
  async delete(id: string): Promise<TestCase> {
    const row = await this.row(id);
    await deleteTestCase(this.store.db, row.id);
    return toTestCase(row);
  }
}
