import type { ExecState, SliceOptions, Value } from "../../src/interpreter/index.ts";
import { drive, MemoryFiles, start, view } from "../../src/interpreter/index.ts";
import type { Program } from "../../src/language/ast.ts";

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
