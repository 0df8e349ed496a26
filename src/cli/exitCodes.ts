// The exit code of a command that waited for runs: 0 when every run Succeeded, 3 when none
// failed but one waits for an answer (not a failure: the run goes on once answered), else 1.
// docs/cli.md, "Output, errors and exit codes", lists them.

/** A run's ending as an exit code. */
export const WAITING_FOR_ANSWER = 3;

export function outcomeExitCode(statuses: readonly string[]): number {
  if (statuses.some((s) => s !== "Succeeded" && s !== "AwaitingAnswer")) return 1;
  return statuses.includes("AwaitingAnswer") ? WAITING_FOR_ANSWER : 0;
}
