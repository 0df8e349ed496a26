// In-process signals between startRun, the run services, the worker pools and the live
// streams, so a run started (or answered, or cancelled) here reaches a local worker at once,
// and a run's new events reach its watchers at once, without polling.
//
// Run events enter the bus from two sides: `committed` (written by this process: the group
// commit, a run service's change, an executor thread's commits posted to its supervisor),
// which eventRelay.ts also announces to other processes (PostgreSQL NOTIFY), and `heard`
// (announced by another process). Watchers see both alike.
import { EventEmitter } from "node:events";
import type { RunEventRow } from "../store/index.ts";

export interface RunEventNotice {
  runId: string;
  /** The run's last event seq after the write. */
  seq: number;
  /** The run's status after the write, when the write changed it (a status event). */
  status?: string;
}

type NoticeFn = (notice: RunEventNotice) => void;

export class EngineBus {
  private readonly emitter = new EventEmitter();
  /** Watchers of one run, by run id (a notice costs one lookup, not one call per watcher). */
  private readonly byRun = new Map<string, Set<NoticeFn>>();
  private readonly anyRun = new Set<NoticeFn>();
  private readonly local = new Set<NoticeFn>();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  /** New Pending runs exist. */
  wake(): void {
    this.emitter.emit("wake");
  }
  onWake(fn: () => void): () => void {
    this.emitter.on("wake", fn);
    return () => this.emitter.off("wake", fn);
  }
  /** A user asked to cancel a Running run. */
  cancel(runId: string): void {
    this.emitter.emit("cancel", runId);
  }
  onCancel(fn: (runId: string) => void): () => void {
    this.emitter.on("cancel", fn);
    return () => this.emitter.off("cancel", fn);
  }
  /** A run got new events, committed by this process. */
  runEvents(notice: RunEventNotice): void {
    for (const fn of this.local) fn(notice);
    this.deliver(notice);
  }
  /** A run got new events, committed by another process (heard through the store). */
  heard(notice: RunEventNotice): void {
    this.deliver(notice);
  }
  private deliver(notice: RunEventNotice): void {
    const set = this.byRun.get(notice.runId);
    if (set) for (const fn of set) fn(notice);
    for (const fn of this.anyRun) fn(notice);
  }
  /** Notices of one run (committed here or heard). */
  onRun(runId: string, fn: NoticeFn): () => void {
    let set = this.byRun.get(runId);
    if (!set) {
      set = new Set();
      this.byRun.set(runId, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.byRun.get(runId) === set) this.byRun.delete(runId);
    };
  }
  /** Notices of every run (committed here or heard). */
  onAnyRun(fn: NoticeFn): () => void {
    this.anyRun.add(fn);
    return () => this.anyRun.delete(fn);
  }
  /** Notices of the events this process committed (to announce them elsewhere). */
  onCommitted(fn: NoticeFn): () => void {
    this.local.add(fn);
    return () => this.local.delete(fn);
  }
  /**
   * Notices may have been missed (the store's listening connection was lost and is back):
   * watchers read again.
   */
  resync(): void {
    this.emitter.emit("resync");
  }
  onResync(fn: () => void): () => void {
    this.emitter.on("resync", fn);
    return () => this.emitter.off("resync", fn);
  }
}

/** One notice per run for event rows just committed: its last seq and last status. */
export function noticesOf(rows: readonly RunEventRow[]): RunEventNotice[] {
  const byRun = new Map<string, RunEventNotice>();
  for (const r of rows) {
    let n = byRun.get(r.run_id);
    if (!n) {
      n = { runId: r.run_id, seq: r.seq };
      byRun.set(r.run_id, n);
    } else if (r.seq > n.seq) {
      n.seq = r.seq;
    }
    if (r.type === "status") {
      const status = statusOf(r.data);
      if (status) n.status = status;
    }
  }
  return [...byRun.values()];
}

function statusOf(data: string): string | undefined {
  try {
    const s = (JSON.parse(data) as { status?: unknown } | null)?.status;
    return typeof s === "string" ? s : undefined;
  } catch {
    return undefined;
  }
}
