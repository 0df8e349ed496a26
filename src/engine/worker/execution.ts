// The execution loop: a run this pool holds is executed slice by slice with the interpreter,
// yielding to the event loop between slices; it checkpoints, sends its emails (outbox.ts),
// and ends in one write (results.ts): a final status, a question, or a hand-back when the
// pool stops. A run whose lease was lost stops and writes nothing.
import { type ExecState, notStarted, runSlice } from "../../interpreter/index.ts";
import type { FileHost } from "../../interpreter/types.ts";
import type { ClaimedRun, Store } from "../../store/index.ts";
import type { CompileCache } from "../compileCache.ts";
import type { GroupCommit } from "../groupCommit.ts";
import type { PoolConfig } from "./config.ts";
import { loadFileHost } from "./fileHost.ts";
import { noFiles, type Started } from "./inline.ts";
import { deliverEmail, type Mailer } from "./outbox.ts";
import type { RunResults } from "./results.ts";
import { type Progress, progressOf } from "./runWrites.ts";
import type { Execution, Slots } from "./slots.ts";
import { heldRun, startingState, storedState } from "./startingState.ts";

export interface ExecutionContext {
  store: Store;
  cache: CompileCache;
  group: GroupCommit;
  cfg: PoolConfig;
  mailer: Mailer | undefined;
  slots: Slots;
  results: RunResults;
  /** Told when an execution is over (its slot may be free). */
  over: () => void;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Executes a run this pool has just claimed (or adopted): `started` when its first slice ran
 * inline in the claim's transaction, `recovered` when its previous worker died.
 */
export function launch(
  x: ExecutionContext,
  row: ClaimedRun,
  recovered: boolean,
  started?: Started,
): void {
  const held = started?.held ?? heldRun(row, x.cfg.workerId, Date.now());
  const e: Execution = {
    held,
    signal: { aborted: x.slots.cancelledEarly(row.id) || row.cancel_requested === 1 },
    lost: false,
    handBack: false,
    done: Promise.resolve(),
  };
  x.slots.running.set(row.id, e);
  e.done = execute(x, row, e, recovered, started)
    .catch((err) => x.cfg.log.error({ err, runId: row.id }, "execution failed"))
    .finally(() => {
      if (x.slots.running.get(row.id) === e) x.slots.running.delete(row.id);
      x.over();
    });
}

async function execute(
  x: ExecutionContext,
  row: ClaimedRun,
  e: Execution,
  recovered: boolean,
  started?: Started,
): Promise<void> {
  const { cfg, results } = x;
  // Every path ends in finish() (or returns early when the lease was lost).
  let state: ExecState | undefined;
  let progress: Progress = { logged: 0, lastStep: 0 };
  const fail = (message: string) =>
    results.finish(
      e,
      state ?? notStarted(),
      progress,
      { kind: "final", status: "Failed" },
      { line: null, message },
    );
  try {
    if (recovered && row.recoveries > cfg.maxRecoveries) {
      state = storedState(row);
      if (state) progress = progressOf(state);
      return fail(
        `The run was stopped: the worker executing it stopped responding ${row.recoveries} times (it may be too heavy to run).`,
      );
    }
    const compiled = x.cache.peek(row.source_hash) ?? (await x.cache.get(row.source_hash));
    if (compiled.errors.length > 0) {
      return fail(`The process source does not compile: ${compiled.errors[0]?.message}`);
    }
    const program = compiled.program;
    if (started) {
      // Begun inline in the claim's transaction: continue from there.
      state = started.state;
      progress = started.progress;
    } else {
      state = startingState(row, program);
      progress = progressOf(state);
    }
    const fileIds = row.file_ids === "[]" ? [] : (JSON.parse(row.file_ids) as string[]);
    const files: FileHost = fileIds.length === 0 ? noFiles : await loadFileHost(x.store, fileIds);
    const deadline = e.held.segmentStart + Math.max(0, row.time_limit_ms - row.time_used_ms);
    const poll = cfg.pollCancels;
    const signal = poll
      ? {
          get aborted() {
            if (!e.signal.aborted) poll();
            return e.signal.aborted;
          },
        }
      : e.signal;
    let lastCheckpoint = Date.now();
    for (;;) {
      const status = runSlice(program, state, {
        files,
        deadline,
        signal,
        sliceMs: cfg.sliceMs,
        ...(cfg.runLimits ? { limits: cfg.runLimits } : {}),
        dateOrder: cfg.dateOrder,
      });
      cfg.afterSlice?.(state);
      if (e.lost) return;
      if (status === "AwaitingAnswer")
        return results.finish(e, state, progress, { kind: "waiting" });
      if (status === "Sending") {
        const mail = { store: x.store, group: x.group, settings: cfg.mail, mailer: x.mailer };
        if (!(await deliverEmail(mail, e.held, state, progress, files))) {
          e.lost = true;
          return;
        }
        progress = progressOf(state);
        lastCheckpoint = Date.now();
        continue;
      }
      if (status !== "Running")
        return results.finish(e, state, progress, { kind: "final", status });
      if (e.handBack) {
        return results.finish(e, state, progress, {
          kind: "handback",
          reason: "its worker stopped",
        });
      }
      if (Date.now() - lastCheckpoint >= cfg.checkpointMs) {
        const ok = await results.write(e, state, progress, { kind: "checkpoint" });
        if (!ok) return;
        progress = progressOf(state);
        lastCheckpoint = Date.now();
      }
      await tick();
    }
  } catch (err) {
    if (e.lost) return;
    cfg.log.error({ err, runId: row.id }, "internal error while executing a run");
    return fail(
      `Internal error while running: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
