// A new schedule, or a saved one changed: a preset (every N minutes, hourly, daily, weekdays,
// weekly, monthly) or a cron expression, a time zone (the browser's by default), the stored
// inputs (the Run form's fields), the overlap policy and optional start and end; the summary
// and the next fire times follow what is typed (a debounced preview from the server, which
// alone knows cron). A saved schedule's change sends only the fields that differ.
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import {
  api,
  ok,
  type Schedule,
  type ScheduleChange,
  type SchedulePreset,
  type ScheduleSpec,
} from "../../api/client";
import { ErrorNote, errorText } from "../../ui/ErrorNote";
import { NextTimes } from "../../ui/schedules";
import { editedInputs, InputFields, readInputs } from "./InputFields";

type Kind = SchedulePreset["kind"] | "cron";
type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

const KINDS: { kind: Kind; label: string }[] = [
  { kind: "every_minutes", label: "Every N minutes" },
  { kind: "hourly", label: "Hourly" },
  { kind: "daily", label: "Daily" },
  { kind: "weekdays", label: "On weekdays (Monday to Friday)" },
  { kind: "weekly", label: "Weekly, on chosen days" },
  { kind: "monthly", label: "Monthly" },
  { kind: "cron", label: "Cron expression" },
];
const DAYS: { day: Day; label: string }[] = [
  { day: "mon", label: "Monday" },
  { day: "tue", label: "Tuesday" },
  { day: "wed", label: "Wednesday" },
  { day: "thu", label: "Thursday" },
  { day: "fri", label: "Friday" },
  { day: "sat", label: "Saturday" },
  { day: "sun", label: "Sunday" },
];
const MONTH_DAYS = Array.from({ length: 31 }, (_, i) => String(i + 1));
const PREVIEW_DELAY_MS = 300;

/** The inputs of the process's published version (the one a schedule runs), once `enabled`. */
export function usePublishedInputs(processId: string, version: number, enabled: boolean) {
  const latest = useQuery({
    queryKey: ["version", processId, version],
    queryFn: () =>
      ok(
        api.GET("/api/v2/processes/{id}/versions/{version}", {
          params: { path: { id: processId, version } },
        }),
      ),
    enabled: enabled && version > 0,
  });
  return { inputs: latest.data?.inputs, error: latest.error };
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Every zone the browser knows, with UTC and the given ones (the browser's, the saved one). */
function zones(own: string[]): string[] {
  const known: string[] =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([...known, "UTC", ...own])].sort();
}

/** A value once it has stopped changing for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

interface Draft {
  kind: Kind;
  minutes: string;
  minute: string;
  time: string;
  days: Day[];
  day: string;
  cron: string;
  timezone: string;
  startsAt: string;
  endsAt: string;
}

const NEW_DRAFT: Omit<Draft, "timezone"> = {
  kind: "daily",
  minutes: "15",
  minute: "0",
  time: "09:00",
  days: ["mon"],
  day: "1",
  cron: "",
  startsAt: "",
  endsAt: "",
};

/** An ISO time as a datetime-local value (the browser's time), "" for none. */
function localInput(iso: string | null): string {
  if (!iso) return "";
  const t = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}T${two(t.getHours())}:${two(t.getMinutes())}`;
}

/** A saved schedule's fields; its cron is there too, should the person switch to cron. */
function draftOf(s: Schedule): Draft {
  const p = s.preset;
  return {
    ...NEW_DRAFT,
    ...(p && "minutes" in p ? { minutes: String(p.minutes) } : {}),
    ...(p && "minute" in p ? { minute: String(p.minute) } : {}),
    ...(p && "time" in p ? { time: p.time } : {}),
    ...(p && "days" in p ? { days: p.days } : {}),
    ...(p && "day" in p ? { day: String(p.day) } : {}),
    kind: p?.kind ?? "cron",
    cron: s.cron,
    timezone: s.timezone,
    startsAt: localInput(s.starts_at),
    endsAt: localInput(s.ends_at),
  };
}

/** The preset the fields describe (numbers as typed: the server says what is out of range). */
function presetOf(d: Draft): SchedulePreset | undefined {
  switch (d.kind) {
    case "every_minutes":
      return { kind: "every_minutes", minutes: Number(d.minutes) };
    case "hourly":
      return { kind: "hourly", minute: Number(d.minute) };
    case "daily":
      return { kind: "daily", time: d.time };
    case "weekdays":
      return { kind: "weekdays", time: d.time };
    case "weekly":
      return { kind: "weekly", days: d.days, time: d.time };
    case "monthly":
      return { kind: "monthly", day: d.day === "last" ? "last" : Number(d.day), time: d.time };
    default:
      return undefined;
  }
}

/** A datetime-local value (the browser's time) as ISO, or null when empty. */
function isoOrNull(local: string): string | null {
  if (!local) return null;
  const ms = Date.parse(local);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The cron expression or the preset. */
function whenOf(d: Draft) {
  return d.kind === "cron" ? { cron: d.cron.trim() } : { preset: presetOf(d) };
}

function specOf(d: Draft): ScheduleSpec {
  const when = whenOf(d);
  return {
    ...when,
    timezone: d.timezone,
    starts_at: isoOrNull(d.startsAt),
    ends_at: isoOrNull(d.endsAt),
  } as ScheduleSpec;
}

/** What the form holds besides the timing. */
interface Rest {
  name: string;
  overlap: Schedule["overlap"];
  inputs: Record<string, unknown>;
}

/**
 * A saved schedule's change: the fields that differ from it. An empty name is the summary,
 * so it follows a changed timing (null asks the server for it).
 */
function changeOf(saved: Schedule, initial: Draft, d: Draft, rest: Rest): ScheduleChange {
  const change: ScheduleChange = {};
  const when = whenOf(d);
  if (JSON.stringify(when) !== JSON.stringify(whenOf(initial))) Object.assign(change, when);
  if (d.timezone !== initial.timezone) change.timezone = d.timezone;
  if (d.startsAt !== initial.startsAt) change.starts_at = isoOrNull(d.startsAt);
  if (d.endsAt !== initial.endsAt) change.ends_at = isoOrNull(d.endsAt);
  const timing = Object.keys(change).length > 0;
  if (rest.name ? rest.name !== saved.name : timing || saved.name !== saved.summary) {
    change.name = rest.name || null;
  }
  if (rest.overlap !== saved.overlap) change.overlap = rest.overlap;
  if (JSON.stringify(rest.inputs) !== JSON.stringify(saved.inputs)) {
    change.inputs = rest.inputs as ScheduleChange["inputs"];
  }
  return change;
}

/** A labelled whole-number field (the presets' minutes, minute and day). */
function NumberField(props: {
  id: string;
  label: string;
  min: number;
  max: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        min={props.min}
        max={props.max}
        required
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

export function ScheduleForm({
  processId,
  inputs,
  saved,
  onSaved,
  onCancel,
}: {
  processId: string;
  /** The published version's inputs: a schedule runs it. */
  inputs: string[];
  /** The schedule to change, filled in; without it the form makes a new one. */
  saved?: Schedule;
  onSaved: (s: Schedule) => void;
  onCancel: () => void;
}) {
  const own = useMemo(browserZone, []);
  const [initial] = useState<Draft>(() =>
    saved ? draftOf(saved) : { ...NEW_DRAFT, timezone: own },
  );
  const zoneList = useMemo(() => zones([own, initial.timezone]), [own, initial]);
  const [d, setD] = useState<Draft>(initial);
  const set = (patch: Partial<Draft>) => setD((prev) => ({ ...prev, ...patch }));
  const spec = useMemo(() => specOf(d), [d]);
  const settled = useSettled(spec, PREVIEW_DELAY_MS);
  const key = JSON.stringify(settled);
  const empty = d.kind === "cron" && d.cron.trim() === "";
  const preview = useQuery({
    queryKey: ["schedule-preview", key],
    queryFn: () => ok(api.POST("/api/v2/schedules/preview", { body: settled })),
    enabled: !(settled.cron === "" && !settled.preset),
    retry: false,
    staleTime: 60_000,
  });
  const typing = key !== JSON.stringify(spec);

  const save = useMutation({
    mutationFn: async (form: FormData): Promise<Schedule> => {
      const name = String(form.get("name") ?? "").trim();
      const overlap = form.get("overlap") === "skip" ? "skip" : "allow";
      if (saved) {
        const stored = await editedInputs(form, inputs, saved.inputs);
        const change = changeOf(saved, initial, d, { name, overlap, inputs: stored });
        if (Object.keys(change).length === 0) return saved;
        return ok(
          api.PATCH("/api/v2/schedules/{id}", {
            params: { path: { id: saved.id } },
            body: change,
          }),
        );
      }
      return ok(
        api.POST("/api/v2/processes/{id}/schedules", {
          params: { path: { id: processId } },
          body: {
            ...spec,
            ...(name ? { name } : {}),
            overlap,
            inputs: await readInputs(form, inputs),
          },
        }),
      );
    },
    onSuccess: onSaved,
  });
  const previewError = preview.error ? errorText(preview.error) : undefined;
  // The preview does not repeat the words of the last refused save (its alert says them).
  const repeatsRefusal =
    previewError !== undefined && save.error && errorText(save.error) === previewError;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate(new FormData(e.currentTarget));
  };
  const withTime =
    d.kind === "daily" || d.kind === "weekdays" || d.kind === "weekly" || d.kind === "monthly";

  return (
    <form onSubmit={submit} aria-label={saved ? "Edit schedule" : "New schedule"}>
      <div className="field">
        <label htmlFor="schedule-kind">Repeats</label>
        <select
          id="schedule-kind"
          value={d.kind}
          onChange={(e) => set({ kind: e.target.value as Kind })}
        >
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      {d.kind === "every_minutes" && (
        <NumberField
          id="schedule-minutes"
          label="Every how many minutes"
          min={1}
          max={1440}
          value={d.minutes}
          onChange={(v) => set({ minutes: v })}
        />
      )}
      {d.kind === "hourly" && (
        <NumberField
          id="schedule-minute"
          label="At minute past the hour"
          min={0}
          max={59}
          value={d.minute}
          onChange={(v) => set({ minute: v })}
        />
      )}
      {d.kind === "weekly" && (
        <fieldset className="choices">
          <legend>On days</legend>
          <div className="row">
            {DAYS.map(({ day, label }) => (
              <label key={day} className="row">
                <input
                  type="checkbox"
                  checked={d.days.includes(day)}
                  onChange={(e) =>
                    set({
                      days: e.target.checked
                        ? DAYS.map((x) => x.day).filter((x) => x === day || d.days.includes(x))
                        : d.days.filter((x) => x !== day),
                    })
                  }
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {d.kind === "monthly" && (
        <div className="field">
          <label htmlFor="schedule-day">On day of the month</label>
          <select id="schedule-day" value={d.day} onChange={(e) => set({ day: e.target.value })}>
            {MONTH_DAYS.map((day) => (
              <option key={day} value={day}>
                {day}
              </option>
            ))}
            <option value="last">The last day</option>
          </select>
        </div>
      )}
      {withTime && (
        <div className="field">
          <label htmlFor="schedule-time">At (hours:minutes)</label>
          <input
            id="schedule-time"
            type="time"
            required
            value={d.time}
            onChange={(e) => set({ time: e.target.value })}
          />
        </div>
      )}
      {d.kind === "cron" && (
        <div className="field">
          <label htmlFor="schedule-cron">Cron expression</label>
          <input
            id="schedule-cron"
            className="mono"
            required
            value={d.cron}
            placeholder="0 9 * * 1-5"
            aria-describedby="schedule-cron-help"
            onChange={(e) => set({ cron: e.target.value })}
          />
          <p id="schedule-cron-help" className="muted">
            Five fields (minute hour day-of-month month day-of-week), or six with seconds first.
          </p>
        </div>
      )}
      <div className="field">
        <label htmlFor="schedule-zone">Time zone</label>
        <select
          id="schedule-zone"
          value={d.timezone}
          onChange={(e) => set({ timezone: e.target.value })}
        >
          {zoneList.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </div>

      <section aria-label="Preview" aria-live="polite" className="notice">
        {empty ? (
          <p className="muted">Type a cron expression to see when it fires.</p>
        ) : repeatsRefusal ? (
          <p className="muted">No fire times: the expression is refused (see below).</p>
        ) : previewError ? (
          <p className="error-note">{previewError}</p>
        ) : preview.data ? (
          <>
            <p>
              <strong>{preview.data.summary}</strong>
              {typing && <span className="muted"> (updating…)</span>}
            </p>
            <NextTimes
              next={preview.data.next}
              timeZone={preview.data.timezone}
              label="Next fire times (preview)"
            />
          </>
        ) : (
          <p className="muted">Working out the fire times…</p>
        )}
      </section>

      <div className="field">
        <label htmlFor="schedule-name">Name (optional: the summary by default)</label>
        <input
          id="schedule-name"
          name="name"
          maxLength={100}
          defaultValue={saved && saved.name !== saved.summary ? saved.name : ""}
        />
      </div>
      <fieldset className="choices">
        <legend>When a slot comes while the previous run is still going</legend>
        <label className="row">
          <input
            type="radio"
            name="overlap"
            value="allow"
            defaultChecked={saved?.overlap !== "skip"}
          />
          Start another run
        </label>
        <label className="row">
          <input
            type="radio"
            name="overlap"
            value="skip"
            defaultChecked={saved?.overlap === "skip"}
          />
          Skip the slot (recorded in the history)
        </label>
      </fieldset>
      <div className="grid2">
        <div className="field">
          <label htmlFor="schedule-starts">Not before (optional, your local time)</label>
          <input
            id="schedule-starts"
            type="datetime-local"
            value={d.startsAt}
            onChange={(e) => set({ startsAt: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="schedule-ends">Not after (optional, your local time)</label>
          <input
            id="schedule-ends"
            type="datetime-local"
            value={d.endsAt}
            onChange={(e) => set({ endsAt: e.target.value })}
          />
        </div>
      </div>
      <h3>Inputs stored with the schedule</h3>
      {inputs.length === 0 ? (
        <p className="muted">The published version takes no inputs.</p>
      ) : (
        <InputFields inputs={inputs} idPrefix="schedule" values={saved?.inputs} />
      )}
      <ErrorNote error={save.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {saved ? "Save schedule" : "Create schedule"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
