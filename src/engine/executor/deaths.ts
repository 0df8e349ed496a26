// What becomes of the runs of an executor that died (it passed its memory bound, its event
// loop stopped answering, or it crashed). They are the suspects: the Running runs it leased
// and the Pending runs it was executing inline in a claim's transaction. The supervisor
// seizes them under its own lease owner name (so no other worker, here or on another
// server, takes them over meanwhile), then fails a suspect that was alone with the reason,
// or hands several to the quarantine, one at a time, so that only the guilty one fails.
import { notStarted, view } from "../../interpreter/index.ts";
import {
  type FinishedRun,
  getRuns,
  type NewEvent,
  numberEvents,
  type RunRow,
  runsLeasedBy,
  updateRun,
} from "../../store/index.ts";
import { type GroupCommit, PHASE_WRITE } from "../groupCommit.ts";

export type DeathReason =
  | { kind: "memory"; limitMb: number }
  | { kind: "unresponsive"; afterMs: number }
  | { kind: "crashed"; message: string };

/** The sentence a run failed by its executor's death carries. */
export function deathSentence(r: DeathReason): string {
  switch (r.kind) {
    case "memory":
      return `The run was stopped: it used more memory than an executor may (${r.limitMb} MB).`;
    case "unresponsive":
      return `The run was stopped: it kept its executor busy without a pause for more than ${Math.round(r.afterMs / 1000)} s.`;
    case "crashed":
      return `The run was stopped: its executor failed (${r.message}).`;
  }
}

/**
 * Moves the dead executor's runs to `seizer` in one transaction: the Running runs it held
 * (their time counted up to its last heartbeat, as a recovery does) and those of
 * `inlineIds` still Pending. Returns them as seized.
 */
export function seizeRuns(
  group: GroupCommit,
  opts: { dead: string; inlineIds: readonly string[]; seizer: string; leaseMs: number },
): Promise<RunRow[]> {
  return group.submit(PHASE_WRITE, async (trx, ctx) => {
    const now = Date.now();
    const leased = await runsLeasedBy(trx, opts.dead);
    const pending = (await getRuns(trx, opts.inlineIds)).filter((r) => r.status === "Pending");
    const out: RunRow[] = [];
    for (const r of [...leased, ...pending]) {
      const wasRunning = r.status === "Running";
      const since = r.running_since ?? now;
      const set = {
        status: "Running" as const,
        lease_owner: opts.seizer,
        lease_expires_at: now + opts.leaseMs,
        heartbeat_at: now,
        running_since: now,
        updated_at: now,
        time_used_ms: wasRunning
          ? r.time_used_ms + Math.max(0, (r.heartbeat_at ?? since) - since)
          : r.time_used_ms,
        attempts: wasRunning ? r.attempts : r.attempts + 1,
        started_at: r.started_at ?? now,
      };
      const events: NewEvent[] = wasRunning
        ? []
        : [
            {
              type: "status",
              data: { status: "Running", worker: opts.seizer, attempt: set.attempts },
            },
          ];
      const guard = wasRunning
        ? { statuses: ["Running" as const], owner: opts.dead }
        : { statuses: ["Pending" as const] };
      const last = await updateRun(trx, r.id, guard, set, events.length);
      if (last === undefined) continue;
      ctx.events.push(...numberEvents(r.id, last, events, now));
      out.push({ ...r, ...set, event_seq: last });
    }
    return out;
  });
}

const EMPTY = view(notStarted());

/**
 * Ends a run held by `owner` Failed with `message`, keeping the outputs, log and timeline
 * of its last checkpoint as stored (never parsing its state here: it may be huge).
 * Resolves with its last event seq, or undefined when it was no longer `owner`'s.
 */
export function failHeld(
  group: GroupCommit,
  run: RunRow,
  owner: string,
  message: string,
): Promise<number | undefined> {
  const now = Date.now();
  const error = { line: null, message };
  const outputs = run.outputs ?? JSON.stringify(EMPTY.outputs);
  const row: FinishedRun = {
    id: run.id,
    owner,
    status: "Failed",
    outputs,
    log: run.log ?? JSON.stringify(EMPTY.log),
    timeline: run.timeline ?? JSON.stringify(EMPTY.timeline),
    error: JSON.stringify(error),
    finished_at: now,
    time_used_ms: run.time_used_ms,
    search_text: `${run.inputs}\n${outputs}`.toLowerCase(),
    eventCount: 1,
  };
  return group.finish(row, [{ type: "status", data: { status: "Failed", error } }], now);
}
