// What compiled code sees while it runs: the state, the current scope, the host.
import type { ExecState, Scope } from "./state.ts";
import type { FileHost, Value } from "./types.ts";

/** An expression or a condition compiled to a closure over the runtime. */
export type CExpr = (rt: Rt) => Value;
export type CCond = (rt: Rt) => boolean;

export interface Rt {
  state: ExecState;
  /** The current scope (top level, or the innermost procedure call's). */
  scope: Scope;
  /** Whether `scope` is the top level (whose sets are outputs). */
  top: boolean;
  /** Index of the innermost call frame, -1 at top level. */
  scopeFrame: number;
  files: FileHost;
  now: () => number;
  /** Items being tested by `whose` conditions, innermost last. */
  items: Value[];
  /** Fact keys the current statement changed, when the timeline stores it; else null. */
  changed: string[] | null;
}

export function syncScope(rt: Rt): void {
  const frames = rt.state.frames;
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i]!;
    if (f.t === "c") {
      rt.scope = f.scope;
      rt.top = false;
      rt.scopeFrame = i;
      return;
    }
  }
  rt.scope = rt.state.top;
  rt.top = true;
  rt.scopeFrame = -1;
}
