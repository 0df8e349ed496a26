// The inline first slice: a fresh run of a compiled source without files is executed for
// one short slice inside its claim's transaction. A run that ends in it is written
// Pending → final in that transaction, with the same events as the long path (claims.ts).
// That is safe for the reason crash recovery is (../index.ts): execution has no effect
// outside the run's record, so a transaction that does not commit leaves the run Pending as
// if nothing had happened.
import { type ExecState, runSlice } from "../../interpreter/index.ts";
import type { FileHost } from "../../interpreter/types.ts";
import type { ClaimedRun } from "../../store/index.ts";
import type { CompileCache } from "../compileCache.ts";
import type { PoolConfig } from "./config.ts";
import {
  type HeldRun,
  type Progress,
  progressOf,
  type SegmentEnd,
  type SegmentWrite,
  segmentWrite,
} from "./runWrites.ts";
import { heldRun, startingState } from "./startingState.ts";

/** Interpreter time for one run executed inline in its claim's transaction. */
const INLINE_SLICE_MS = 2;
/** Interpreter time for all the runs executed inline in one claim's transaction. */
export const INLINE_BUDGET_MS = 10;
/**
 * The hard end of an inline slice: a statement still executing then is abandoned with the
 * inline state, and the run executes from its start after the claim commits. So one long
 * statement never holds the claim's transaction (on SQLite, every writer of the process).
 */
const INLINE_STOP_MS = 10;

/** A run begun inline, to continue after its claim commits. */
export interface Started {
  held: HeldRun;
  state: ExecState;
  progress: Progress;
}

export type FinishWrite = Extract<SegmentWrite, { kind: "finish" }>;
type UpdateWrite = Extract<SegmentWrite, { kind: "update" }>;

/** What one inline slice came to. */
export type Inline =
  | { kind: "finish"; held: HeldRun; w: FinishWrite }
  | { kind: "update"; held: HeldRun; w: UpdateWrite }
  | { kind: "running"; started: Started };

export const noFiles: FileHost = { read: () => undefined };

/**
 * Executes a Pending run (as if claimed at `now`) for one short slice, inside the claim's
 * transaction; undefined when it is not for inline execution (stored state, a cancel, files,
 * a source not compiled yet) or its slice threw (the usual path executes it again and
 * reports the error on the run).
 */
export function runInline(
  cache: CompileCache,
  cfg: PoolConfig,
  row: ClaimedRun,
  now: number,
): Inline | undefined {
  if (row.exec_state !== null || row.cancel_requested === 1 || row.file_ids !== "[]") return;
  try {
    return sliceInline(cache, cfg, row, now);
  } catch {
    return undefined;
  }
}

function sliceInline(
  cache: CompileCache,
  cfg: PoolConfig,
  row: ClaimedRun,
  now: number,
): Inline | undefined {
  const compiled = cache.peek(row.source_hash);
  if (!compiled || compiled.errors.length > 0) return;
  const program = compiled.program;
  const held = heldRun(row, cfg.workerId, now);
  const state = startingState(row, program);
  const progress = progressOf(state);
  const status = runSlice(program, state, {
    files: noFiles,
    deadline: now + Math.max(0, row.time_limit_ms - row.time_used_ms),
    signal: { aborted: false },
    sliceMs: INLINE_SLICE_MS,
    stopBy: Date.now() + INLINE_STOP_MS,
    ...(cfg.runLimits ? { limits: cfg.runLimits } : {}),
    dateOrder: cfg.dateOrder,
  });
  if (status === "Running" || status === "Sending")
    return { kind: "running", started: { held, state, progress } };
  const end: SegmentEnd =
    status === "AwaitingAnswer" ? { kind: "waiting" } : { kind: "final", status };
  const w = segmentWrite(held, state, progress, end, Date.now());
  return w.kind === "finish" ? { kind: "finish", held, w } : { kind: "update", held, w };
}
