// A schedule: its summary, expression, zone, stored inputs, state (and why it is disabled),
// next fire times, Edit (the New schedule form, filled in), Pause/Resume/Delete, and its
// history of slots, newest first (fired: the run it started; skipped: why).
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, ok, type RunStatus, type Schedule, type ScheduleSlot } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";
import { show, when } from "../../ui/format";
import { StatusBadge } from "../../ui/StatusBadge";
import {
  DisabledReason,
  NextTimes,
  ScheduleActions,
  scheduleState,
  zoneTime,
} from "../../ui/schedules";
import { ScheduleForm, usePublishedInputs } from "../process/ScheduleForm";

const PAGE = 50;

export function SchedulePage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const schedule = useQuery({
    queryKey: ["schedule", id],
    queryFn: () => ok(api.GET("/api/v2/schedules/{id}", { params: { path: { id: id! } } })),
    // As often as the history: a fired slot moves the next fire times on.
    refetchInterval: 5_000,
  });
  const s = schedule.data;
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string>();
  if (schedule.isPending) return <p className="loading">Loading schedule…</p>;
  if (!s)
    return (
      <>
        <h1>Schedule</h1>
        <ErrorNote error={schedule.error} />
      </>
    );
  const inputs = Object.entries(s.inputs ?? {});
  return (
    <>
      <h1>{s.name}</h1>
      <p className="muted">
        Schedule of <Link to={`/processes/${s.process_id}`}>{s.process_name}</Link> ·{" "}
        {scheduleState(s)}
      </p>
      <DisabledReason schedule={s} />
      {notice && (
        <p role="status" className="muted">
          {notice}
        </p>
      )}
      {editing ? (
        <EditSchedule
          schedule={s}
          onDone={(message) => {
            setEditing(false);
            setNotice(message);
          }}
        />
      ) : (
        <div className="grid2">
          <section className="card" aria-labelledby="h-when">
            <h2 id="h-when">When</h2>
            <dl className="facts">
              <dt>Summary</dt>
              <dd>{s.summary}</dd>
              <dt>Cron</dt>
              <dd className="mono">{s.cron}</dd>
              <dt>Time zone</dt>
              <dd>{s.timezone}</dd>
              <dt>Not before</dt>
              <dd>{s.starts_at ? when(s.starts_at) : "—"}</dd>
              <dt>Not after</dt>
              <dd>{s.ends_at ? when(s.ends_at) : "—"}</dd>
              <dt>Overlap</dt>
              <dd>
                {s.overlap === "skip"
                  ? "Skip a slot while the previous run is not finished"
                  : "Start a run at every slot"}
              </dd>
            </dl>
            <h3>Next fire times ({s.timezone})</h3>
            <NextTimes next={s.next} timeZone={s.timezone} />
            <ScheduleActions schedule={s} onDeleted={() => navigate(`/processes/${s.process_id}`)}>
              <button
                type="button"
                onClick={() => {
                  setEditing(true);
                  setNotice(undefined);
                }}
              >
                Edit schedule
              </button>
            </ScheduleActions>
          </section>
          <section className="card" aria-labelledby="h-inputs">
            <h2 id="h-inputs">Stored inputs</h2>
            {inputs.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <dl className="facts">
                {inputs.map(([k, v]) => (
                  <div key={k} style={{ display: "contents" }}>
                    <dt>{k}</dt>
                    <dd>{show(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
        </div>
      )}
      <History scheduleId={s.id} timeZone={s.timezone} />
    </>
  );
}

/** The schedule's form, filled in; saving shows the schedule as the server now has it. */
function EditSchedule({
  schedule,
  onDone,
}: {
  schedule: Schedule;
  onDone: (message?: string) => void;
}) {
  const queryClient = useQueryClient();
  // The Edit button is gone with the facts it stood among: the form's heading takes focus.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const process = useQuery({
    queryKey: ["process", schedule.process_id],
    queryFn: () =>
      ok(api.GET("/api/v2/processes/{id}", { params: { path: { id: schedule.process_id } } })),
  });
  const latest = usePublishedInputs(
    schedule.process_id,
    process.data?.latest_version ?? 0,
    !!process.data,
  );
  return (
    <section className="card" aria-labelledby="h-edit">
      <h2 id="h-edit" ref={heading} tabIndex={-1}>
        Edit schedule
      </h2>
      {latest.inputs ? (
        <ScheduleForm
          processId={schedule.process_id}
          inputs={latest.inputs}
          saved={schedule}
          onSaved={(next) => {
            queryClient.setQueryData(["schedule", schedule.id], next);
            queryClient.invalidateQueries({ queryKey: ["schedules", schedule.process_id] });
            onDone(next === schedule ? undefined : `Schedule “${next.name}” saved.`);
          }}
          onCancel={() => onDone()}
        />
      ) : (
        <ErrorNote error={process.error ?? latest.error} />
      )}
    </section>
  );
}

function History({ scheduleId, timeZone }: { scheduleId: string; timeZone: string }) {
  const slots = useInfiniteQuery({
    queryKey: ["schedule-slots", scheduleId],
    queryFn: ({ pageParam }) =>
      ok(
        api.GET("/api/v2/schedules/{id}/slots", {
          params: {
            path: { id: scheduleId },
            query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // New slots arrive as the schedule fires, and a fired slot's run moves on.
    refetchInterval: 5_000,
  });
  const items: ScheduleSlot[] = slots.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="h-history">
      <h2 id="h-history">History</h2>
      {items.length === 0 && !slots.isPending && <p className="muted">No slot has come yet.</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby="h-history">
            <thead>
              <tr>
                <th scope="col">Due ({timeZone})</th>
                <th scope="col">Outcome</th>
                <th scope="col">Run or reason</th>
              </tr>
            </thead>
            <tbody>
              {items.map((slot) => (
                <tr key={slot.due_at}>
                  <td>
                    <time dateTime={slot.due_at}>{zoneTime(slot.due_at, timeZone)}</time>
                  </td>
                  <td>{slot.status === "fired" ? "Fired" : "Skipped"}</td>
                  <td className="wrap">
                    {slot.run_id ? (
                      <span className="row">
                        <Link to={`/runs/${slot.run_id}`}>
                          Run of {zoneTime(slot.due_at, timeZone)}
                        </Link>
                        {slot.run_status && <StatusBadge status={slot.run_status as RunStatus} />}
                      </span>
                    ) : (
                      (slot.reason ?? "—")
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {slots.hasNextPage && (
        <button
          type="button"
          disabled={slots.isFetchingNextPage}
          onClick={() => slots.fetchNextPage()}
        >
          Show older slots
        </button>
      )}
      <ErrorNote error={slots.error} />
    </section>
  );
}
