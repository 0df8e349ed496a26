// The writes a worker makes to a run it holds, each guarded by "still Running and still
// mine": a worker that lost its lease (another took the run over) changes nothing.
import { type ExecState, view } from "../../interpreter/index.ts";
import type { ErrorInfo } from "../../interpreter/types.ts";
import {
  type Db,
  type FinishedRun,
  type NewEvent,
  numberEvents,
  type RunEventRow,
  type RunStatus,
  updateRun,
} from "../../store/index.ts";
import { placeholders, stateJson, storeJson } from "../storedJson.ts";

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

/** What a segment's end writes: a finish (hot path, batched) or a guarded updateRun. */
export type SegmentWrite =
  | { kind: "finish"; row: FinishedRun; events: NewEvent[] }
  | { kind: "update"; set: Parameters<typeof updateRun>[3]; events: NewEvent[] };

/**
 * Builds the write for a run's progress (checkpoint), its suspension on a question, its
 * hand-back to the queue, or its end. Every JSON text is serialized once, here, bounded: a
 * state that cannot be stored (stateJson) ends the run Failed saying so instead.
 */
export function segmentWrite(
  run: HeldRun,
  state: ExecState,
  progress: Progress,
  end: SegmentEnd,
  now: number,
  errorOverride?: ErrorInfo,
): SegmentWrite {
  let execState = "";
  if (end.kind !== "final") {
    const saved = stateJson(state);
    if ("error" in saved) {
      const failed = { kind: "final", status: "Failed" } as const;
      return segmentWrite(run, state, progress, failed, now, { line: null, message: saved.error });
    }
    execState = saved.json;
  }
  const v = view(state);
  const events = newEvents(state, progress);
  const error = errorOverride ?? v.error;
  // Bounded when written (storedJson.ts): a value too deep or too large is stored as a placeholder.
  const outputsJson = storeJson(v.outputs, (size) =>
    placeholders.outputs(`they are ${size} of JSON`),
  );
  const logJson = storeJson(v.log, (size) => placeholders.log(`it is ${size} of JSON`));
  const timelineJson = storeJson(v.timeline, placeholders.timeline);
  const common = { outputs: outputsJson, log: logJson, timeline: timelineJson, updated_at: now };
  switch (end.kind) {
    case "checkpoint":
      return { kind: "update", set: { ...common, exec_state: execState }, events };
    case "waiting":
      events.push({ type: "question", data: v.question });
      events.push({ type: "status", data: { status: "AwaitingAnswer" } });
      return {
        kind: "update",
        events,
        set: {
          ...common,
          status: "AwaitingAnswer",
          question: storeJson(v.question, (size) => placeholders.question(`it is ${size}`)),
          exec_state: execState,
          lease_owner: null,
          lease_expires_at: null,
          time_used_ms: run.timeUsedBefore + (now - run.segmentStart),
        },
      };
    case "handback":
      events.push({ type: "status", data: { status: "Pending", reason: end.reason } });
      return {
        kind: "update",
        events,
        set: {
          ...common,
          status: "Pending",
          exec_state: execState,
          lease_owner: null,
          lease_expires_at: null,
          time_used_ms: run.timeUsedBefore + (now - run.segmentStart),
        },
      };
    case "final": {
      const data: Record<string, unknown> = { status: end.status };
      if (error && end.status !== "Succeeded") data.error = error;
      events.push({ type: "status", data });
      return {
        kind: "finish",
        events,
        row: {
          id: run.id,
          owner: run.owner,
          status: end.status,
          outputs: outputsJson,
          log: logJson,
          timeline: timelineJson,
          error: error ? storeJson(error, (size) => placeholders.error(`it is ${size}`)) : null,
          finished_at: now,
          time_used_ms: run.timeUsedBefore + (now - run.segmentStart),
          search_text: `${run.inputsJson}\n${outputsJson}`.toLowerCase(),
          eventCount: events.length,
        },
      };
    }
  }
}

/** Applies an "update" write; returns the run's last event seq, or undefined when the lease was lost. */
export async function applyUpdate(
  db: Db,
  out: { events: RunEventRow[] },
  run: HeldRun,
  w: Extract<SegmentWrite, { kind: "update" }>,
  now: number,
): Promise<number | undefined> {
  const last = await updateRun(
    db,
    run.id,
    { statuses: ["Running"], owner: run.owner },
    w.set,
    w.events.length,
  );
  if (last === undefined) return undefined;
  out.events.push(...numberEvents(run.id, last, w.events, now));
  return last;
}
