// One error class for every refusal the engine makes; the server maps `code` to HTTP.

export type EngineErrorCode =
  /** No such process, run, version or file. */
  | "not_found"
  /** The request is malformed (inputs' shape, a bad name, source with errors, a bad answer). */
  | "invalid"
  /** The thing is not in a state that allows it (answer to a run that is not waiting…). */
  | "conflict"
  /** The stage rules forbid it (draft with no draft, published with no version, schedule on draft). */
  | "stage"
  /** Over a size or count limit. */
  | "too_large"
  /** An idempotency key was reused with a different request. */
  | "idempotency_mismatch"
  /** Too much work queued already (large sources waiting to be checked): try again soon. */
  | "busy";

export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    /** Machine-readable extras, e.g. `diagnostics` for source with errors. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}
