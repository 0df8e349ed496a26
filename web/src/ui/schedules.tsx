// What the process page's Schedules panel and a schedule's page share: fire times in the
// schedule's zone, its state in words, and Pause, Resume and Delete.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { api, ok, type Schedule } from "../api/client";
import { ErrorNote } from "./ErrorNote";

/** A fire time as the schedule's zone reads it, seconds only when it has some. */
export function zoneTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  try {
    return new Intl.DateTimeFormat(undefined, {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      ...(d.getUTCSeconds() !== 0 ? { second: "2-digit" } : {}),
      hourCycle: "h23",
    }).format(d);
  } catch {
    // A zone this browser does not know: UTC, said so.
    return `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
  }
}

/** The next fire times, in the zone (the list's name says which). */
export function NextTimes({
  next,
  timeZone,
  label = "Next fire times",
}: {
  next: string[];
  timeZone: string;
  label?: string;
}) {
  if (next.length === 0) return <p className="muted">No upcoming fire times.</p>;
  return (
    <ol aria-label={label} className="next-times">
      {next.map((t) => (
        <li key={t}>
          <time dateTime={t}>{zoneTime(t, timeZone)}</time>
        </li>
      ))}
    </ol>
  );
}

/** Active, Paused, or Disabled with why. */
export function scheduleState(s: Schedule): string {
  if (s.disabled_reason) return "Disabled";
  return s.enabled ? "Active" : "Paused";
}

/** Why a schedule does not fire, when the system turned it off (new inputs needed…). */
export function DisabledReason({ schedule }: { schedule: Schedule }) {
  if (!schedule.disabled_reason) return null;
  return (
    <p className="error-note">
      Schedule “{schedule.name}” is disabled: {schedule.disabled_reason}
    </p>
  );
}

/** Pause or Resume, and Delete (after a confirmation); named after the schedule. */
export function ScheduleActions({
  schedule,
  onDeleted,
  children,
}: {
  schedule: Schedule;
  onDeleted?: () => void;
  /** Buttons before Pause (a schedule's page: Edit). */
  children?: ReactNode;
}) {
  const queryClient = useQueryClient();
  const changed = (next?: Schedule) => {
    if (next) queryClient.setQueryData(["schedule", next.id], next);
    queryClient.invalidateQueries({ queryKey: ["schedules", schedule.process_id] });
    queryClient.invalidateQueries({ queryKey: ["schedule", schedule.id] });
  };
  const path = { params: { path: { id: schedule.id } } };
  const toggle = useMutation({
    mutationFn: () =>
      ok(
        schedule.enabled
          ? api.POST("/api/v2/schedules/{id}/pause", path)
          : api.POST("/api/v2/schedules/{id}/resume", path),
      ),
    onSuccess: changed,
  });
  const remove = useMutation({
    mutationFn: () => ok(api.DELETE("/api/v2/schedules/{id}", path)),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["schedule", schedule.id] });
      queryClient.invalidateQueries({ queryKey: ["schedules", schedule.process_id] });
      onDeleted?.();
    },
  });
  const busy = toggle.isPending || remove.isPending;
  return (
    <>
      <div className="row">
        {children}
        <button
          type="button"
          disabled={busy}
          aria-label={`${schedule.enabled ? "Pause" : "Resume"} schedule ${schedule.name}`}
          onClick={() => toggle.mutate()}
        >
          {schedule.enabled ? "Pause" : "Resume"}
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          aria-label={`Delete schedule ${schedule.name}`}
          onClick={() => {
            if (window.confirm(`Delete the schedule “${schedule.name}”? It will not fire again.`))
              remove.mutate();
          }}
        >
          Delete
        </button>
      </div>
      <ErrorNote error={toggle.error ?? remove.error} />
    </>
  );
}
