// In-process signals between startRun, the run services and the worker pools, so a run
// started (or answered, or cancelled) here reaches a local worker at once, without polling.
import { EventEmitter } from "node:events";

export interface RunEventNotice {
  runId: string;
  /** The run's last event seq after the write. */
  seq: number;
}

export class EngineBus {
  private readonly emitter = new EventEmitter();
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
  /** A run got new events (written by this process). */
  runEvents(notice: RunEventNotice): void {
    this.emitter.emit("events", notice);
  }
  onRunEvents(fn: (notice: RunEventNotice) => void): () => void {
    this.emitter.on("events", fn);
    return () => this.emitter.off("events", fn);
  }
}
