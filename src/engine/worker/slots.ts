// Slot accounting: which runs this pool executes now, and how many more it may claim. A
// pool never holds more leases than its concurrency: the runs executing, the slots a claim
// in flight holds, and the finished runs whose write is not yet in a transaction all count.
import type { HeldRun } from "./runWrites.ts";

/** A run this pool executes (from its launch to the end of its segment). */
export interface Execution {
  held: HeldRun;
  signal: { aborted: boolean };
  /** The lease turned out to be lost (taken over, or the run ended elsewhere): write nothing. */
  lost: boolean;
  /** The pool stops: hand the run back to the queue at the end of this slice. */
  handBack: boolean;
  done: Promise<void>;
}

/** How many cancels heard for runs not executing here are kept (the latest). */
const EARLY_CANCELS = 1000;

export class Slots {
  readonly running = new Map<string, Execution>();
  /** Cancels heard for runs not executing here (yet). */
  private readonly earlyCancels = new Set<string>();
  /** Finished runs whose write is queued but not yet taken into a transaction. */
  private unbatched = 0;
  /** Runs claimed by a transaction in flight, not launched yet. */
  private reserved = 0;

  /** @param freed told when a run's segment ended: a freed slot is a reason to claim. */
  constructor(
    readonly concurrency: number,
    private readonly freed: () => void,
  ) {}

  /**
   * Slots a claim may fill: a finished run whose write is still queued keeps its slot until
   * that write is taken into a transaction, and a claim in the same transaction runs after
   * it. So this pool never holds more leases than its concurrency (on PostgreSQL, where a
   * few transactions commit concurrently, plus the finishes still committing elsewhere).
   */
  capacity(): number {
    return this.concurrency - this.running.size - this.reserved - this.unbatched;
  }

  /** Whether the claim loop should queue a claim (it learns the exact capacity inside it). */
  mayClaim(): boolean {
    return this.concurrency - this.running.size - this.reserved > 0;
  }

  /** Holds `n` slots for a claim in flight (negative: gives them back). */
  reserve(n: number): void {
    this.reserved += n;
  }

  /** A user asked to cancel `id`: its signal now, or its launch later. */
  cancel(id: string): void {
    const e = this.running.get(id);
    if (e) {
      e.signal.aborted = true;
      return;
    }
    // Claimed but not launched yet: its first statement may hold this thread before the
    // lease renewal could tell it, so the launch looks here.
    this.earlyCancels.add(id);
    if (this.earlyCancels.size > EARLY_CANCELS) {
      const [oldest] = this.earlyCancels;
      if (oldest !== undefined) this.earlyCancels.delete(oldest);
    }
  }

  /** Whether a cancel for `id` arrived before its launch (forgotten once asked). */
  cancelledEarly(id: string): boolean {
    return this.earlyCancels.delete(id);
  }

  /**
   * A run's segment ended: its slot frees once its write is taken into a transaction (call
   * the returned function then; more calls do nothing), and the claim queued now joins
   * that transaction, after it.
   */
  ended(id: string): () => void {
    this.running.delete(id);
    this.unbatched += 1;
    let counted = true;
    const taken = () => {
      if (counted) this.unbatched -= 1;
      counted = false;
    };
    this.freed();
    return taken;
  }
}
