// The interpreter's public API: the engine and the CLI use only what is exported here.
import "./conditions.ts";

export { fromJson, inputsFromJson, toJson } from "./convert.ts";
export { AnswerError } from "./errors.ts";
export { drive, runSlice } from "./execute.ts";
export { MemoryFiles } from "./files.ts";
export { answer, notStarted, type RunView, resolveEmail, start, view } from "./run.ts";
export type { ExecState, Frame, PendingQuestion, Scope, TimelineState } from "./state.ts";
export { formatValue } from "./text.ts";
export type * from "./types.ts";
