// Writing facts: the one place that marks top-level names as set (outputs) and
// reports changes to the timeline.
import type { Rt } from "./runtime.ts";
import type { Value } from "./types.ts";
import { putOwn } from "./values.ts";

const hasOwn = Object.hasOwn;

/** The key a write to `key` lands on (a `use` alias redirects to its fact). */
export function resolveKey(rt: Rt, key: string): string {
  const a = rt.scope.aliases;
  return hasOwn(a, key) ? a[key]! : key;
}

export function setFact(rt: Rt, key: string, v: Value): void {
  const s = rt.scope;
  if (hasOwn(s.aliases, key)) key = s.aliases[key]!;
  if (key === "__proto__") putOwn(s.facts, key, v);
  else s.facts[key] = v;
  touch(rt, key);
}

/** Mark `key` (already stored) as set by this statement. */
export function touch(rt: Rt, key: string): void {
  if (rt.top) {
    const set = rt.state.set;
    if (!hasOwn(set, key)) putOwn(set, key, true);
  }
  if (rt.changed !== null) rt.changed.push(key);
}

export function setAbove(rt: Rt, v: Value): void {
  rt.state.above = v;
  rt.state.hasAbove = true;
  if (rt.state.aboveMissing !== undefined) delete rt.state.aboveMissing;
}
