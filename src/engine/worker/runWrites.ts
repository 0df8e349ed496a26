// The writes a worker makes to a run it holds, each guarded by "still Running and still
// mine": a worker that lost its lease (another took the run over) changes nothing.
import { type ExecState, view } from "../../interpreter/index.ts";
import type { ErrorInfo } from "../../interpreter/types.ts";
import {
  type Db,
  type NewEvent,
  numberEvents,
  type RunEventRow,
  type RunStatus,
  updateRun,
} from "../../store/index.ts";

/** What a run's events already cover, so each write adds only what is new. */
export interface Progress {
  logged: number;
  lastStep: number;
}

export function progressOf(state: ExecState): Progress {
  const entries = state.timeline.entries;
  return { logged: state.log.length, lastStep: entries[entries.length - 1]?.seq ?? 0 };
}

function newEvents(state: ExecState, p: Progress): NewEvent[] {
  const events: NewEvent[] = [];
  for (const e of state.timeline.entries)
    if (e.seq > p.lastStep) events.push({ type: "step", data: e });
  for (const text of state.log.slice(p.logged)) events.push({ type: "log", data: { text } });
  return events;
}

export interface HeldRun {
  id: string;
  owner: string;
  /** Time used before this segment began. */
  timeUsedBefore: number;
  segmentStart: number;
  /** The run's inputs as stored, for the search text written with the outputs. */
  inputsJson: string;
}

export type SegmentEnd =
  | { kind: "final"; status: Extract<RunStatus, "Succeeded" | "Failed" | "Cancelled" | "TimedOut"> }
  | { kind: "waiting" }
  | { kind: "checkpoint" }
  | { kind: "handback"; reason: string };

/**
 * Writes a run's progress (checkpoint), its suspension on a question, its hand-back to the
 * queue, or its end. Returns the run's last event seq, or undefined when the lease was lost.
 */
export async function writeSegment(
  db: Db,
  out: { events: RunEventRow[] },
  run: HeldRun,
  state: ExecState,
  progress: Progress,
  end: SegmentEnd,
  now: number,
  errorOverride?: ErrorInfo,
): Promise<number | undefined> {
  const v = view(state);
  const events = newEvents(state, progress);
  const error = errorOverride ?? v.error;
  const outputsJson = JSON.stringify(v.outputs);
  const common = {
    outputs: outputsJson,
    log: JSON.stringify(v.log),
    timeline: JSON.stringify(v.timeline),
    updated_at: now,
  };
  let set: Parameters<typeof updateRun>[3];
  switch (end.kind) {
    case "checkpoint":
      set = { ...common, exec_state: JSON.stringify(state) };
      break;
    case "waiting":
      events.push({ type: "question", data: v.question });
      events.push({ type: "status", data: { status: "AwaitingAnswer" } });
      set = {
        ...common,
        status: "AwaitingAnswer",
        question: JSON.stringify(v.question),
        exec_state: JSON.stringify(state),
        lease_owner: null,
        lease_expires_at: null,
        time_used_ms: run.timeUsedBefore + (now - run.segmentStart),
      };
      break;
    case "handback":
      events.push({ type: "status", data: { status: "Pending", reason: end.reason } });
      set = {
        ...common,
        status: "Pending",
        exec_state: JSON.stringify(state),
        lease_owner: null,
        lease_expires_at: null,
        time_used_ms: run.timeUsedBefore + (now - run.segmentStart),
      };
      break;
    case "final": {
      const data: Record<string, unknown> = { status: end.status };
      if (error && end.status !== "Succeeded") data.error = error;
      events.push({ type: "status", data });
      set = {
        ...common,
        status: end.status,
        error: error ? JSON.stringify(error) : null,
        question: null,
        exec_state: null,
        lease_owner: null,
        lease_expires_at: null,
        finished_at: now,
        time_used_ms: run.timeUsedBefore + (now - run.segmentStart),
        search_text: `${run.inputsJson}\n${outputsJson}`.toLowerCase(),
      };
      break;
    }
  }
  const last = await updateRun(
    db,
    run.id,
    { statuses: ["Running"], owner: run.owner },
    set,
    events.length,
  );
  if (last === undefined) return undefined;
  out.events.push(...numberEvents(run.id, last, events, now));
  return last;
}
