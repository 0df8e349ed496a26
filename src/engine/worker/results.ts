// The writes of a pool's runs: each segment's end (a final status, a question, a hand-back)
// and its checkpoints go through the group commit, guarded by "still Running and leased by
// this worker" (runWrites.ts builds them). A run's end frees its slot at once; the lease is
// still held until the write commits, so nothing can race it.
import type { ExecState } from "../../interpreter/index.ts";
import type { ErrorInfo } from "../../interpreter/types.ts";
import { type GroupCommit, PHASE_WRITE } from "../groupCommit.ts";
import type { Logger } from "./config.ts";
import { applyUpdate, type Progress, type SegmentEnd, segmentWrite } from "./runWrites.ts";
import type { Execution, Slots } from "./slots.ts";

export class RunResults {
  constructor(
    private readonly group: GroupCommit,
    private readonly slots: Slots,
    private readonly log: Logger,
  ) {}

  /**
   * Ends this segment of the run: frees the slot once the write is taken into a transaction
   * (the claim queued now joins that transaction, after it) and lets the write commit with
   * others.
   */
  finish(
    e: Execution,
    state: ExecState,
    progress: Progress,
    end: SegmentEnd,
    error?: ErrorInfo,
  ): void {
    const taken = this.slots.ended(e.held.id);
    void this.write(e, state, progress, end, error, taken)
      .finally(taken)
      .catch((err) => this.log.error({ err, runId: e.held.id }, "could not write a run's end"));
  }

  /** Queues a guarded write; false when the lease turned out to be lost or the run ended. */
  async write(
    e: Execution,
    state: ExecState,
    progress: Progress,
    end: SegmentEnd,
    error?: ErrorInfo,
    taken?: () => void,
  ): Promise<boolean> {
    const held = e.held;
    const now = Date.now();
    const w = segmentWrite(held, state, progress, end, now, error);
    const seq =
      w.kind === "finish"
        ? await this.group.finish(w.row, w.events, now, taken)
        : await this.group.submit(
            PHASE_WRITE,
            (trx, ctx) => applyUpdate(trx, ctx, held, w, now),
            taken,
          );
    if (seq === undefined) {
      e.lost = true;
      return false;
    }
    // A checkpoint whose state could not be stored ended the run (segmentWrite): stop here.
    return w.kind === "update" || end.kind === "final";
  }
}
