// The statement loop: runs a slice of statements on the serializable frame stack.
import type { Program } from "../language/ast.ts";
import { type CStmt, compiled } from "./compile.ts";
import { installDateOrder } from "./dateText.ts";
import { NeedValue, RunError, SendEmail } from "./errors.ts";
import { setAbove, setFact } from "./facts.ts";
import {
  BoundError,
  depthBoundError,
  growth,
  Interrupt,
  install,
  limits,
  MAX_ERROR_CHARS,
  MAX_TIMELINE_ENTRIES,
  setRoom,
  stateBoundError,
} from "./limits.ts";
import { stateSize } from "./measure.ts";
import { type Rt, syncScope } from "./runtime.ts";
import type { ExecState, Frame } from "./state.ts";
import { MAX_PREVIEW_CHARS, type PreviewBudget, preview } from "./timeline.ts";
import type { ExecStatus, Json, SliceOptions } from "./types.ts";
import { copyValue, putOwn } from "./values.ts";

const CHECK_EVERY = 256;

function end(
  state: ExecState,
  status: ExecStatus,
  line: number | null,
  message: string | null,
): ExecStatus {
  state.status = status;
  state.question = null;
  state.answered = null;
  state.outbox = null;
  if (message !== null) {
    const m = message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS)}…` : message;
    state.error = { line, message: m };
  }
  return status;
}

/**
 * The run's values together are measured (measure.ts: bounded, stops at the cap) when
 * a slice stops, when the growth counted since the last measure passes its room (limits.ts
 * `grow`), and otherwise now and then inside long statements (at most once a second and
 * 1/20 of the time).
 */
interface Measured {
  /** Earliest time of the next measure by the clock. */
  next: number;
  /** Growth counted since the last measure, and the room it had. */
  grown: number;
  room: number;
}
const measured = new WeakMap<ExecState, Measured>();
const lastSize = new WeakMap<ExecState, number>();
let measuring = false;

/** Measures the state: throws the state bound past it, else gives growth new room. */
function measureState(state: ExecState): void {
  if (measuring) return;
  measuring = true;
  const t0 = performance.now();
  try {
    const cap = limits.stateBytes;
    const size = stateSize(state, cap);
    if (size > cap) throw stateBoundError();
    lastSize.set(state, size);
    // Room for growth: what is left under the cap, but at least a quarter of the size, so
    // that measuring costs a bounded share of the work that grows the state.
    setRoom(Math.max(cap - size, size / 4, 64 * 1024));
  } finally {
    measuring = false;
    const t1 = performance.now();
    // The clock's measure is a backstop to growth counting: at most once a second.
    const next = t1 + Math.max(1000, 20 * (t1 - t0));
    const m = measured.get(state);
    if (m) m.next = next;
    else measured.set(state, { next, grown: 0, room: 0 });
  }
}

/**
 * Whether the state passed its bound: `always` (a slice stops, the state is stored)
 * measures unless the growth counted since the last measure cannot have reached the
 * bound; otherwise only when the clock allows.
 */
function overStateBound(state: ExecState, always: boolean): boolean {
  if (always) {
    const size = lastSize.get(state);
    if (size !== undefined && size + growth().grown <= limits.stateBytes) return false;
  } else if (performance.now() < (measured.get(state)?.next ?? 0)) return false;
  try {
    measureState(state);
    return false;
  } catch (e) {
    if (e instanceof BoundError) return true;
    throw e;
  }
}

/**
 * The line the run is at: the next statement of the innermost block, or, when that
 * block has run to its end (a loop about to go round again), the statement that opened
 * it (the loop, the `if`, the call).
 */
function currentLine(program: Program, state: ExecState): number | null {
  const blocks = compiled(program).blocks;
  const frames = state.frames;
  for (let k = frames.length - 1; k >= 0; k--) {
    const f = frames[k]!;
    const block = blocks[f.b];
    if (!block) continue;
    if (k === frames.length - 1 && f.i < block.length) return block[f.i]!.line;
    if (f.t === "c") return f.line;
    const parent = frames[k - 1];
    const opener = parent ? blocks[parent.b]?.[parent.i - 1] : undefined;
    if (opener) return opener.line;
  }
  return null;
}

function endOfBlock(rt: Rt, frame: Frame): void {
  const state = rt.state;
  rt.changed = null;
  switch (frame.t) {
    case "b":
      state.frames.pop();
      return;
    case "r":
      if (frame.n < frame.times) {
        frame.n++;
        frame.i = 0;
        setFact(rt, "iteration", frame.n);
      } else state.frames.pop();
      return;
    case "e":
      if (frame.n + 1 < frame.list.length) {
        frame.n++;
        frame.i = 0;
        setFact(rt, frame.item, copyValue(frame.list[frame.n]!));
      } else state.frames.pop();
      return;
    case "c": {
      state.frames.pop();
      state.depth--;
      const f = frame.scope.facts;
      // `the result is E` or `the results are A, B`: the value the procedure returns.
      const key = Object.hasOwn(f, "result")
        ? "result"
        : Object.hasOwn(f, "results")
          ? "results"
          : null;
      if (key !== null) setAbove(rt, f[key]!);
      else {
        state.above = null;
        state.hasAbove = false;
        state.aboveMissing = `'the above' has no value: the procedure called on line ${frame.line} set no result (write 'the result is …' in it)`;
      }
      syncScope(rt);
      return;
    }
  }
}

/**
 * Execute statements until the process ends, asks, fails, or about `sliceMs` passes
 * (then "Running": call again). Mutates `state`.
 */
export function runSlice(program: Program, state: ExecState, opts: SliceOptions): ExecStatus {
  if (state.status !== "Running") return state.status;
  // Inside long statements too, the state's size is looked at now and then.
  const m = measured.get(state);
  const restore = install(
    opts.limits,
    opts.deadline,
    opts.signal,
    () => {
      if (overStateBound(state, false)) throw stateBoundError();
    },
    () => measureState(state),
    m,
    opts.stopBy,
  );
  // The process's own date order wins over the host's (a server's --date-order).
  const restoreOrder = installDateOrder(compiled(program).dateOrder ?? opts.dateOrder ?? null);
  try {
    // A state this runner has not measured yet (new, or read back from JSON) is measured
    // first; a large one takes a while, so the clock and the cancel signal may stop it.
    try {
      if (m === undefined && overStateBound(state, true)) {
        return end(state, "Failed", null, stateBoundError().message);
      }
    } catch (e) {
      if (!(e instanceof Interrupt) || e.reason === "Abandoned") throw e;
      const line = currentLine(program, state);
      if (e.reason === "Cancelled") return end(state, "Cancelled", line, null);
      return end(state, "TimedOut", line, "the run passed its time limit");
    }
    return sliceWithin(program, state, opts);
  } finally {
    const g = growth();
    const after = measured.get(state);
    if (after) {
      after.grown = g.grown;
      after.room = g.room;
    }
    restoreOrder();
    restore();
  }
}

function sliceWithin(program: Program, state: ExecState, opts: SliceOptions): ExecStatus {
  const clock = opts.now ?? Date.now;
  if (opts.signal?.aborted) return end(state, "Cancelled", currentLine(program, state), null);
  const deadline = opts.deadline;
  const started = Date.now();
  if (deadline !== undefined && started >= deadline) {
    return end(state, "TimedOut", currentLine(program, state), "the run passed its time limit");
  }
  const sliceEnd = started + (opts.sliceMs ?? 20);
  const c = compiled(program);
  const blocks = c.blocks;
  const rt: Rt = {
    state,
    scope: state.top,
    top: true,
    scopeFrame: -1,
    files: opts.files,
    now: clock,
    items: [],
    changed: null,
  };
  syncScope(rt);
  const frames = state.frames;
  const tl = state.timeline;
  const byLine = tl.byLine;
  const signal = opts.signal;
  let stmt: CStmt | null = null;
  let budget = CHECK_EVERY;
  try {
    for (;;) {
      if (--budget === 0) {
        budget = CHECK_EVERY;
        // The line of the statement that was executing (else where the run is).
        const line = stmt !== null ? stmt.line : currentLine(program, state);
        if (signal?.aborted) return end(state, "Cancelled", line, null);
        const t = Date.now();
        if (deadline !== undefined && t >= deadline) {
          return end(state, "TimedOut", line, "the run passed its time limit");
        }
        if (overStateBound(state, false)) throw stateBoundError();
        if (t >= sliceEnd) return "Running";
      }
      const frame = frames[frames.length - 1];
      if (frame === undefined) {
        state.status = "Succeeded";
        break;
      }
      const block = blocks[frame.b]!;
      if (frame.i >= block.length) {
        endOfBlock(rt, frame);
        continue;
      }
      const next = block[frame.i]!;
      if (!next.record) {
        frame.i++;
        continue;
      }
      stmt = next;
      if (tl.entries.length < MAX_TIMELINE_ENTRIES) {
        const changed: string[] = [];
        rt.changed = changed;
        stmt.exec(rt);
        rt.changed = null;
        const out: Record<string, Json> = {};
        const budget: PreviewBudget = { left: MAX_PREVIEW_CHARS };
        for (const k of changed) {
          const sc = rt.scope.facts;
          const key = k.length > 200 ? `${k.slice(0, 200)}…` : k;
          budget.left -= key.length + 4;
          putOwn(out, key, Object.hasOwn(sc, k) ? preview(sc[k]!, budget) : null);
        }
        tl.entries.push({
          seq: state.steps + 1,
          line: stmt.line,
          statement: stmt.label,
          changed: out,
        });
      } else {
        rt.changed = null;
        stmt.exec(rt);
        tl.omitted++;
      }
      const line = stmt.line;
      byLine[line] = (byLine[line] ?? 0) + 1;
      state.steps++;
      frame.i++;
      state.answered = null;
      if (state.status !== "Running") break;
    }
    if (overStateBound(state, true)) throw stateBoundError();
  } catch (e) {
    rt.items.length = 0;
    rt.changed = null;
    const line = stmt ? stmt.line : null;
    if (e instanceof NeedValue) {
      if (opts.canAsk === false) return end(state, "Failed", line, e.question);
      state.answered = null;
      state.question = {
        line: line ?? 0,
        text: e.question,
        choices: e.choices,
        bind: e.key !== null ? { t: "fact", key: e.key, frame: rt.scopeFrame } : { t: "stmt" },
      };
      state.status = "AwaitingAnswer";
      if (overStateBound(state, true)) return end(state, "Failed", line, stateBoundError().message);
      return state.status;
    }
    if (e instanceof SendEmail) {
      // Like a question: the statement changed nothing; it runs again once delivered.
      state.outbox = { step: state.steps + 1, line: line ?? 0, email: e.email };
      state.sent = null;
      state.status = "Sending";
      return state.status;
    }
    if (e instanceof RunError) return end(state, "Failed", line, e.message);
    if (e instanceof Interrupt) {
      if (e.reason === "Abandoned") throw e;
      if (e.reason === "Cancelled") return end(state, "Cancelled", line, null);
      return end(state, "TimedOut", line, "the run passed its time limit");
    }
    // Only a state written before the depth bound existed can still reach the stack's end.
    if (e instanceof RangeError && /call stack/i.test(e.message))
      return end(state, "Failed", line, depthBoundError().message);
    if (e instanceof RangeError)
      return end(state, "Failed", line, `the process ran out of room: ${e.message}`);
    return end(state, "Failed", line, `internal error: ${(e as Error)?.message ?? String(e)}`);
  }
  return state.status;
}

/** Run slices until the status is not "Running", yielding to the event loop between them. */
export async function drive(
  program: Program,
  state: ExecState,
  opts: SliceOptions,
): Promise<ExecStatus> {
  for (;;) {
    const s = runSlice(program, state, opts);
    if (s !== "Running") return s;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
