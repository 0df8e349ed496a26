// The engine's bounds, all configurable through createEngine({ limits }).

export interface EngineLimits {
  /** Largest file accepted by files.put and inside inputs (bytes). */
  maxFileBytes: number;
  /** Largest inputs object, as JSON text (bytes). */
  maxInputBytes: number;
  /** Most input keys. */
  maxInputKeys: number;
  /** Most files attached to one run. */
  maxFilesPerRun: number;
  /** Most ids in one bulk action. */
  maxBulk: number;
  /** Largest page of runs or events. */
  maxPage: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxFileBytes: 25 * 1024 * 1024,
  maxInputBytes: 1024 * 1024,
  maxInputKeys: 500,
  maxFilesPerRun: 100,
  maxBulk: 1000,
  maxPage: 500,
};

/** Default run time limit (PRODUCT.md: 10 minutes). */
export const DEFAULT_TIME_LIMIT_MS = 10 * 60 * 1000;
