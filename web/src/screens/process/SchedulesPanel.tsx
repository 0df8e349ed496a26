// The process's schedules: each one's summary, state (and why it is disabled), next fire
// time, Pause/Resume and Delete, a link to its page (history); New schedule opens the form.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api, ok, type Process } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";
import { DisabledReason, NextTimes, ScheduleActions, scheduleState } from "../../ui/schedules";
import { ScheduleForm, usePublishedInputs } from "./ScheduleForm";

/** The process's schedules, shared by the panel and the page's warning. */
export function useSchedules(processId: string) {
  return useQuery({
    queryKey: ["schedules", processId],
    queryFn: () =>
      ok(api.GET("/api/v2/processes/{id}/schedules", { params: { path: { id: processId } } })),
    // Next fire times move on as slots pass.
    refetchInterval: 30_000,
  });
}

/** At the top of the process page: the schedules the system disabled, and why. */
export function DisabledSchedules({ processId }: { processId: string }) {
  const schedules = useSchedules(processId);
  const off = (schedules.data?.items ?? []).filter((s) => s.disabled_reason);
  if (off.length === 0) return null;
  return (
    <div role="status">
      {off.map((s) => (
        <DisabledReason key={s.id} schedule={s} />
      ))}
    </div>
  );
}

export function SchedulesPanel({ process }: { process: Process }) {
  const queryClient = useQueryClient();
  const schedules = useSchedules(process.id);
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string>();
  const published = process.latest_version > 0;
  const latest = usePublishedInputs(process.id, process.latest_version, published && open);
  const items = schedules.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="h-schedules">
      <div className="spread">
        <h2 id="h-schedules">Schedules</h2>
        {published && !open && (
          <button
            type="button"
            onClick={() => {
              setOpen(true);
              setNotice(undefined);
            }}
          >
            New schedule
          </button>
        )}
      </div>
      {!published && (
        <p className="muted">
          Schedules run the published version: publish this process to schedule it.
        </p>
      )}
      {notice && (
        <p role="status" className="muted">
          {notice}
        </p>
      )}
      {open &&
        (latest.inputs ? (
          <ScheduleForm
            processId={process.id}
            inputs={latest.inputs}
            onSaved={(s) => {
              setOpen(false);
              setNotice(`Schedule “${s.name}” created.`);
              queryClient.invalidateQueries({ queryKey: ["schedules", process.id] });
            }}
            onCancel={() => setOpen(false)}
          />
        ) : (
          <ErrorNote error={latest.error} />
        ))}
      {items.length === 0 && published && !open && (
        <p className="muted">No schedules: this process runs only when started.</p>
      )}
      <ul className="schedules">
        {items.map((s) => (
          <li key={s.id} aria-label={`Schedule ${s.name}`}>
            <p className="spread">
              <Link to={`/schedules/${s.id}`}>{s.name}</Link>
              <span className="muted">{scheduleState(s)}</span>
            </p>
            {s.summary !== s.name && <p>{s.summary}</p>}
            <DisabledReason schedule={s} />
            <NextTimes next={s.next} timeZone={s.timezone} label={`Next fire times of ${s.name}`} />
            <ScheduleActions schedule={s} />
          </li>
        ))}
      </ul>
      <ErrorNote error={schedules.error} />
    </section>
  );
}
