// What a worker starts from once it holds a run, built from the claimed row in one place for
// every path (an inline slice inside the claim, a launch after it, a recovery, an adoption,
// and a run failed for too many recoveries, which ends from its stored state).
import { type ExecState, start } from "../../interpreter/index.ts";
import type { Value } from "../../interpreter/types.ts";
import type { Program } from "../../language/index.ts";
import type { ClaimedRun } from "../../store/index.ts";
import type { HeldRun } from "./runWrites.ts";

/** The record of a run this worker holds, for the writes of the segment beginning now. */
export function heldRun(row: ClaimedRun, owner: string, segmentStart: number): HeldRun {
  return {
    id: row.id,
    owner,
    timeUsedBefore: row.time_used_ms,
    segmentStart,
    inputsJson: row.inputs,
  };
}

/** The run's stored state (a checkpoint, a question answered, a hand-back), if it has one. */
export function storedState(row: ClaimedRun): ExecState | undefined {
  return row.exec_state ? (JSON.parse(row.exec_state) as ExecState) : undefined;
}

/** The run's state to execute from: its stored state, or its program's start with its inputs. */
export function startingState(row: ClaimedRun, program: Program): ExecState {
  return storedState(row) ?? start(program, JSON.parse(row.input_values) as Record<string, Value>);
}
