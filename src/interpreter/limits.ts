// Size caps that keep one run from exhausting a worker.
import { RunError } from "./errors.ts";

export const MAX_LIST_ITEMS = 1_000_000;
export const MAX_TEXT_CHARS = 10_000_000;
export const MAX_CALL_DEPTH = 200;
export const MAX_LOG_LINES = 10_000;
export const MAX_LOG_LINE_CHARS = 10_000;
export const MAX_TIMELINE_ENTRIES = 1_000;

export function checkListSize(n: number): void {
  if (n > MAX_LIST_ITEMS) {
    throw new RunError(`a list can hold at most ${MAX_LIST_ITEMS.toLocaleString("en-US")} items`);
  }
}

export function checkTextSize(s: string): string {
  if (s.length > MAX_TEXT_CHARS) {
    throw new RunError(
      `a text can hold at most ${MAX_TEXT_CHARS.toLocaleString("en-US")} characters`,
    );
  }
  return s;
}
