// A new schedule: a preset (every N minutes, hourly, daily, weekdays, weekly, monthly) or a
// cron expression, a time zone (the browser's by default), the stored inputs (the Run form's
// fields), the overlap policy and optional start and end; the summary and the next fire times
// follow what is typed (a debounced preview from the server, which alone knows cron).
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import {
  api,
  ok,
  type Process,
  type Schedule,
  type SchedulePreset,
  type ScheduleSpec,
} from "../../api/client";
import { ErrorNote, errorText } from "../../ui/ErrorNote";
import { NextTimes } from "../../ui/schedules";
import { InputFields, readInputs } from "./InputFields";

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
const PREVIEW_DELAY_MS = 300;

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Every zone the browser knows, with UTC and the browser's own always among them. */
function zones(own: string): string[] {
  const known: string[] =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([...known, "UTC", own])].sort();
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
      return { kind: "monthly", day: Number(d.day), time: d.time };
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

function specOf(d: Draft): ScheduleSpec {
  const when = d.kind === "cron" ? { cron: d.cron.trim() } : { preset: presetOf(d) };
  return {
    ...when,
    timezone: d.timezone,
    starts_at: isoOrNull(d.startsAt),
    ends_at: isoOrNull(d.endsAt),
  } as ScheduleSpec;
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
  process,
  inputs,
  onCreated,
  onCancel,
}: {
  process: Process;
  /** The published version's inputs: a schedule runs it. */
  inputs: string[];
  onCreated: (s: Schedule) => void;
  onCancel: () => void;
}) {
  const own = useMemo(browserZone, []);
  const zoneList = useMemo(() => zones(own), [own]);
  const [d, setD] = useState<Draft>({
    kind: "daily",
    minutes: "15",
    minute: "0",
    time: "09:00",
    days: ["mon"],
    day: "1",
    cron: "",
    timezone: own,
    startsAt: "",
    endsAt: "",
  });
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

  const create = useMutation({
    mutationFn: async (form: FormData) => {
      const name = String(form.get("name") ?? "").trim();
      return ok(
        api.POST("/api/v2/processes/{id}/schedules", {
          params: { path: { id: process.id } },
          body: {
            ...spec,
            ...(name ? { name } : {}),
            overlap: form.get("overlap") === "skip" ? "skip" : "allow",
            inputs: await readInputs(form, inputs),
          },
        }),
      );
    },
    onSuccess: onCreated,
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate(new FormData(e.currentTarget));
  };
  const withTime =
    d.kind === "daily" || d.kind === "weekdays" || d.kind === "weekly" || d.kind === "monthly";

  return (
    <form onSubmit={submit} aria-label="New schedule">
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
        <NumberField
          id="schedule-day"
          label="On day of the month"
          min={1}
          max={31}
          value={d.day}
          onChange={(v) => set({ day: v })}
        />
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
        ) : preview.error ? (
          <p className="error-note">{errorText(preview.error)}</p>
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
        <input id="schedule-name" name="name" maxLength={100} />
      </div>
      <fieldset className="choices">
        <legend>When a slot comes while the previous run is still going</legend>
        <label className="row">
          <input type="radio" name="overlap" value="allow" defaultChecked />
          Start another run
        </label>
        <label className="row">
          <input type="radio" name="overlap" value="skip" />
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
        <InputFields inputs={inputs} idPrefix="schedule" />
      )}
      <ErrorNote error={create.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create schedule
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
