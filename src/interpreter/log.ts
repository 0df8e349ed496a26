// The run's log: what `say` wrote, bounded in lines and line length.
import { grow, MAX_LOG_LINE_CHARS, MAX_LOG_LINES } from "./limits.ts";
import type { ExecState } from "./state.ts";
import { MEMORY } from "./weights.ts";

export function appendLog(state: ExecState, line: string): void {
  if (state.log.length < MAX_LOG_LINES) {
    const kept = line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS)}…` : line;
    state.log.push(kept);
    grow(kept.length + MEMORY.text + MEMORY.item);
    return;
  }
  if (state.logDropped === 0) {
    state.log.push(
      `(the log is full: further lines were dropped after ${MAX_LOG_LINES.toLocaleString("en-US")} lines)`,
    );
  }
  state.logDropped++;
}
