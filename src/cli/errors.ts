// How every command reports a failure: one line `plainrun: sentence` on stderr (a JSON
// object with --json), then the diagnostics if any, and the exit code: 1 when the command
// failed or was refused, 2 when it was called wrongly.
import { isEngineError } from "../engine/errors.ts";
import { type Diagnostic, formatDiagnostic } from "../language/diagnostics.ts";

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A refusal or failure to report as it is: exit code 1 (more lines may follow the message). */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly lines: string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A problem with the store flags themselves (exit code 2). */
export class StoreFlagsError extends Error {
  override readonly name = "StoreFlagsError";
}

/** A store that could not be opened (bad path, database down…): exit code 1. */
export class StoreOpenError extends Error {
  override readonly name = "StoreOpenError";
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "is a directory, not a file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is not a directory",
};

/** Why a file could not be read, as a few words (never a raw `ENOENT: …`). */
export function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (code && FILE_ERRORS[code]) ?? (err instanceof Error ? err.message : String(err));
}

/**
 * Prints an error on stderr (a JSON object with --json) and gives the exit code. Source
 * diagnostics are printed as `FILE:LINE:COLUMN: message`, FILE being the file the source
 * came from (or the process it is stored in).
 */
export function reportError(err: unknown, json: boolean, sourceName = "(source)"): number {
  let code = 1;
  let kind = "error";
  let message: string;
  let lines: string[] = [];
  let diagnostics: unknown;
  if (isEngineError(err)) {
    kind = err.code;
    message = err.message;
    diagnostics = err.details?.diagnostics;
    if (Array.isArray(diagnostics))
      lines = diagnostics.map((d: Diagnostic) => formatDiagnostic(sourceName, d));
  } else if (err instanceof CliError) {
    message = err.message;
    lines = err.lines;
    code = err.exitCode;
  } else if (err instanceof UsageError || err instanceof StoreFlagsError) {
    kind = "usage";
    message = err.message;
    code = 2;
  } else if (err instanceof StoreOpenError) {
    kind = "store";
    message = err.message;
  } else if ((err as NodeJS.ErrnoException | undefined)?.code && err instanceof Error) {
    // A system error that no command turned into a sentence: still one line, no errno dump.
    const e = err as NodeJS.ErrnoException;
    message = e.path ? `${e.path}: ${fileProblem(e)}` : e.message;
  } else {
    // Not a user's mistake: still one line, the stack only when asked for.
    kind = "internal";
    message = err instanceof Error ? err.message || err.name : String(err);
    if (process.env.PLAINRUN_DEBUG && err instanceof Error && err.stack) lines = [err.stack];
  }
  if (json) {
    const error: Record<string, unknown> = { code: kind, message };
    if (diagnostics !== undefined) error.diagnostics = diagnostics;
    process.stderr.write(`${JSON.stringify({ error })}\n`);
  } else {
    process.stderr.write(`plainrun: ${message}\n${lines.map((l) => `${l}\n`).join("")}`);
  }
  return code;
}
