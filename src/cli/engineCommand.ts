// Runs a command's body with the engine open over the store its flags name, reports what
// went wrong (see errors.ts) and sets the exit code.
import type { Engine } from "../engine/index.ts";
import { reportError } from "./errors.ts";
import { withEngine } from "./openEngine.ts";
import type { CommonFlags } from "./options.ts";

/**
 * Runs a command's body with the engine open: reports errors, sets the exit code (the
 * body's result, 0 by default) and never shows a stack trace for a user's error.
 * sourceName names the file source diagnostics came from.
 */
export async function engineCommand(
  flags: CommonFlags,
  /** Resolves to the exit code, or to anything else for 0. */
  body: (engine: Engine) => Promise<unknown>,
  sourceName?: string,
): Promise<void> {
  let code: number;
  try {
    const result = await withEngine(flags, body);
    code = typeof result === "number" ? result : 0;
  } catch (err) {
    code = reportError(err, flags.json === true, sourceName);
  }
  process.exitCode = code;
}
