// Run inputs: checks their shape and size, turns JSON into interpreter values (files
// stored content-addressed), and back into the JSON people see (files as references).

import { inputsFromJson, toJson } from "../interpreter/index.ts";
import type { FileValue, Json, Value } from "../interpreter/types.ts";
import { normalizeName } from "../language/index.ts";
import type { FileRow } from "../store/index.ts";
import { EngineError } from "./errors.ts";
import { sha256 } from "./ids.ts";
import type { EngineLimits } from "./limits.ts";

/** How a stored file appears inside inputs: `{ "file_id": "…" }` (name/type/size optional). */
export interface FileRefJson {
  file_id: string;
  name?: string;
  type?: string;
  size?: number;
}

const REF_KEYS = new Set(["file_id", "name", "type", "size"]);

export function isFileRef(j: unknown): j is FileRefJson {
  if (!j || typeof j !== "object" || Array.isArray(j)) return false;
  const o = j as Record<string, unknown>;
  return typeof o.file_id === "string" && Object.keys(o).every((k) => REF_KEYS.has(k));
}

export function isPlainObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Refuses inputs that are not a JSON object of bounded size. */
export function checkInputsShape(inputs: unknown, limits: EngineLimits): Record<string, Json> {
  if (inputs === undefined) return {};
  if (!isPlainObject(inputs)) {
    throw new EngineError(
      "invalid",
      `Inputs must be a JSON object of names and values, not ${Array.isArray(inputs) ? "a list" : inputs === null ? "null" : `a ${typeof inputs}`}.`,
    );
  }
  const keys = Object.keys(inputs);
  if (keys.length > limits.maxInputKeys) {
    throw new EngineError(
      "too_large",
      `Inputs have ${keys.length} names; at most ${limits.maxInputKeys} are allowed.`,
    );
  }
  checkJsonDepth(inputs, "Inputs");
  let text: string;
  try {
    text = JSON.stringify(inputs);
  } catch {
    throw new EngineError("invalid", "Inputs must be plain JSON.");
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxInputBytes) {
    throw new EngineError(
      "too_large",
      `Inputs are ${bytes} bytes of JSON; at most ${limits.maxInputBytes} are allowed (upload large files first and refer to them by file_id).`,
    );
  }
  const seen = new Map<string, string>();
  for (const k of keys) {
    const norm = normalizeName(k);
    if (!norm) throw new EngineError("invalid", `Input name "${k}" is empty.`);
    const prev = seen.get(norm);
    if (prev !== undefined) {
      throw new EngineError("invalid", `Inputs "${prev}" and "${k}" name the same fact.`);
    }
    seen.set(norm, k);
  }
  return inputs;
}

/** How deep inputs and answers may nest: deeper values are refused before anything recurses over them. */
export const MAX_JSON_DEPTH = 64;

/**
 * The dotted path ("" for the value itself) where a JSON value nests deeper than
 * MAX_JSON_DEPTH, else undefined. Without recursion, so no value can overflow the stack
 * (the API checks request bodies with it too).
 */
export function tooDeep(value: unknown): string | undefined {
  const stack: Array<[unknown, number, string]> = [[value, 0, ""]];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop() as [unknown, number, string];
    if (v === null || typeof v !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) return path;
    for (const [k, child] of Object.entries(v)) {
      if (child !== null && typeof child === "object") {
        stack.push([child, depth + 1, path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}

/** Refuses a JSON value nested deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(value: unknown, what: string): void {
  const where = tooDeep(value);
  if (where === undefined) return;
  const at = where ? ` (at ${where})` : "";
  throw new EngineError("invalid", `${what} are nested deeper than ${MAX_JSON_DEPTH} levels${at}.`);
}

/** All file ids referenced by `{file_id}` objects anywhere in the inputs. */
export function referencedFileIds(j: Json, out = new Set<string>()): Set<string> {
  if (Array.isArray(j)) for (const x of j) referencedFileIds(x, out);
  else if (isFileRef(j)) out.add(j.file_id);
  else if (isPlainObject(j)) for (const v of Object.values(j)) referencedFileIds(v, out);
  return out;
}

/** A value as people see it: files as `{file_id, name, type, size}`. */
export function valueToDisplayJson(v: Value): Json {
  if (Array.isArray(v)) return v.map(valueToDisplayJson);
  if (v !== null && typeof v === "object") {
    if (v.k === "file") return { file_id: v.ref, name: v.name, type: v.type, size: v.size };
    if (v.k === "record") {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v.f)) out[k] = valueToDisplayJson(x);
      return out;
    }
  }
  return toJson(v);
}

export interface ConvertedInputs {
  values: Record<string, Value>;
  display: Record<string, Json>;
  /** Inline files found in the inputs, to store with the run. */
  newFiles: FileRow[];
  /** Every file the inputs use. */
  fileIds: string[];
}

export function convertInputs(
  inputs: Record<string, Json>,
  storedFiles: Map<string, FileRow>,
  limits: EngineLimits,
  now: number,
): ConvertedInputs {
  const newFiles = new Map<string, FileRow>();
  const used = new Set<string>();
  const sink = {
    put(bytes: Uint8Array, name: string, type: string): FileValue {
      if (bytes.byteLength > limits.maxFileBytes) {
        throw new EngineError(
          "too_large",
          `File "${name}" is ${bytes.byteLength} bytes; the limit is ${limits.maxFileBytes}.`,
        );
      }
      const ref = sha256(bytes);
      used.add(ref);
      if (!storedFiles.has(ref) && !newFiles.has(ref)) {
        newFiles.set(ref, { id: ref, name, type, size: bytes.byteLength, bytes, created_at: now });
      }
      return { k: "file", name, type, size: bytes.byteLength, ref };
    },
    // A `{file_id}` reference: the stored (or given) file as it is, not read and hashed again.
    known(o: Record<string, Json>): FileValue | undefined {
      if (!isFileRef(o)) return undefined;
      const f = storedFiles.get(o.file_id) as FileRow;
      used.add(f.id);
      const name = typeof o.name === "string" && o.name ? o.name : f.name;
      const type = typeof o.type === "string" && o.type ? o.type : f.type;
      return { k: "file", name, type, size: f.size, ref: f.id };
    },
  };
  let values: Record<string, Value>;
  try {
    values = inputsFromJson(inputs, sink);
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError("invalid", `Inputs could not be read: ${(err as Error).message}`);
  }
  const display: Record<string, Json> = {};
  for (const [k, v] of Object.entries(values)) display[k] = valueToDisplayJson(v);
  return { values, display, newFiles: [...newFiles.values()], fileIds: [...used] };
}
