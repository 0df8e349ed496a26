import { expect } from "vitest";
import type { ExecState, Json, SliceOptions, Value } from "../../src/interpreter/index.ts";
import { drive, inputsFromJson, MemoryFiles, start, view } from "../../src/interpreter/index.ts";
import type { Program } from "../../src/language/ast.ts";
import { parse } from "../../src/language/index.ts";

export const files = new MemoryFiles();

export async function run(
  p: Program,
  inputs: Record<string, Value> = {},
  opts: Partial<SliceOptions> = {},
) {
  const state = start(p, inputs);
  await drive(p, state, { files, ...opts });
  return { state, ...view(state) };
}

export async function resume(p: Program, state: ExecState, opts: Partial<SliceOptions> = {}) {
  await drive(p, state, { files, ...opts });
  return { state, ...view(state) };
}

/** Parses source text that must have no diagnostics. */
export function compile(source: string): Program {
  const r = parse(source);
  expect(r.diagnostics).toEqual([]);
  return r.program;
}

/** Runs source text end to end with JSON inputs, as a run would. */
export async function runText(source: string, inputs: Record<string, Json> = {}) {
  const p = compile(source);
  const state = start(p, inputsFromJson(inputs, files));
  await drive(p, state, { files });
  return { state, ...view(state) };
}
