// Bounded measures of values: how deep they nest and about how large they are. Both walk
// without recursion and stop as soon as the bound is passed, so measuring costs at most the
// bound, even for shared structure that would serialize many times.
//
// The run's state is measured by what its values take in memory (MEMORY), which is never
// less than their JSON text: an empty list is 2 bytes of JSON but about 40 of V8's heap, so a
// state measured as JSON could fill an executor's heap (512 MB) with 64 MB of "JSON".
import { spend } from "./limits.ts";
import type { ExecState } from "./state.ts";
import { MAX_ENTRY_BYTES } from "./timeline.ts";
import type { Json, Value } from "./types.ts";
import { MEMORY, plainSize, type Weights } from "./weights.ts";

/** How deep lists and records nest in `v` (0 for a plain value); stops once past `max`. */
export function depthOf(v: Value | Json, max: number): number {
  if (v === null || typeof v !== "object") return 0;
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (d > deepest) {
      deepest = d;
      if (deepest > max) return deepest;
    }
    const children = childrenOf(x);
    if (children === null) continue;
    spend(children.length + 1);
    for (const c of children) if (c !== null && typeof c === "object") stack.push([c, d + 1]);
  }
  return deepest;
}

/** The nested values of a list, a record (`{k:"record"}`) or a JSON object; null for others. */
function childrenOf(x: unknown): unknown[] | null {
  if (Array.isArray(x)) return x;
  if (x === null || typeof x !== "object") return null;
  const o = x as Record<string, unknown>;
  if (o.k === "record" && o.f !== null && typeof o.f === "object") return Object.values(o.f);
  if (typeof o.k === "string" && o.k !== "record") return null;
  return Object.values(o);
}

/**
 * Adds the size of `roots` (by `w`: memory unless told) to `start`, stopping as soon as the
 * total passes `cap` (returns a number above `cap` then).
 */
export function sizeOf(roots: unknown[], cap: number, start = 0, w: Weights = MEMORY): number {
  let total = start;
  const stack: unknown[] = roots.slice();
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== "object") {
      total += plainSize(x, w);
      if (total > cap) return total;
      continue;
    }
    if (Array.isArray(x)) {
      total += w.list + w.item * x.length;
      spend(x.length + 1);
      for (let i = 0; i < x.length; i++) {
        const c = x[i];
        if (c !== null && typeof c === "object") stack.push(c);
        else total += plainSize(c, w);
      }
    } else {
      const o = x as Record<string, unknown>;
      const record = o.k === "record" && o.f !== null && typeof o.f === "object";
      const inner = record ? o.f : o;
      const keys = Object.keys(inner as object);
      total += (record ? w.record : w.object) + keys.length * w.field;
      spend(keys.length + 1);
      for (const k of keys) {
        total += k.length;
        const c = (inner as Record<string, unknown>)[k];
        if (c !== null && typeof c === "object") stack.push(c);
        else total += plainSize(c, w);
      }
    }
    if (total > cap) return total;
  }
  return total;
}

/** About how large the run's whole state is in memory (MEMORY), stopping once past `cap`. */
export function stateSize(state: ExecState, cap: number): number {
  const roots: unknown[] = [
    state.top,
    state.above,
    state.inputs,
    state.log,
    state.question,
    state.answered,
    state.error,
    state.set,
    state.loopNames,
    state.timeline.byLine,
  ];
  for (const f of state.frames) {
    if (f.t === "c") roots.push(f.scope);
    else if (f.t === "e") roots.push(f.list);
  }
  // Timeline entries hold bounded previews (timeline.ts): counted at their bound, unread.
  const timeline = state.timeline.entries.length * MAX_ENTRY_BYTES;
  return sizeOf(roots, cap, 200 + state.frames.length * 40 + timeline);
}
