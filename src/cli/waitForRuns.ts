// `--wait`: executes runs with a worker pool in this process until they are final or ask.
import type { Engine, RunDetail } from "../engine/index.ts";
import { CliError } from "./errors.ts";

/** Waits for runs with a worker pool in this process; Ctrl-C / SIGTERM stops waiting. */
export async function waitWithWorkers(engine: Engine, ids: string[]): Promise<RunDetail[]> {
  await engine.startWorkers({ concurrency: 4 });
  let onSignal: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onSignal = () =>
      reject(
        new CliError(
          `interrupted: ${ids.length === 1 ? `run ${ids[0]} goes` : `runs ${ids.join(", ")} go`} on with the next worker (plainrun runs work)`,
          [],
          130,
        ),
      );
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  interrupted.catch(() => {});
  try {
    const results: RunDetail[] = [];
    for (const id of ids) {
      results.push(
        await Promise.race([
          engine.runs.waitFor(id, { orWaiting: true, timeoutMs: Number.POSITIVE_INFINITY }),
          interrupted,
        ]),
      );
    }
    return results;
  } finally {
    if (onSignal) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }
}
