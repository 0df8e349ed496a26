import type { RunStatus } from "../api/client";

/** A run's status: the state's own name as text, its colour only a help. */
export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}
