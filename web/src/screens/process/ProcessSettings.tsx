// The process's time limit and starred outputs (kept as a test case's expectations later).
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, ok, type Process } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";

export function ProcessSettings({
  process,
  onSaved,
}: {
  process: Process;
  onSaved: (p: Process) => void;
}) {
  const [saved, setSaved] = useState(false);
  const [gate, setGate] = useState(process.settings.test_gate === true);
  const update = useMutation({
    mutationFn: (body: {
      settings?: { time_limit_ms?: number; test_gate?: boolean };
      starred_outputs?: string[];
    }) => ok(api.PATCH("/api/v2/processes/{id}", { params: { path: { id: process.id } }, body })),
    onSuccess: (p) => {
      onSaved(p);
      setSaved(true);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const seconds = Number(new FormData(e.currentTarget).get("limit"));
    setSaved(false);
    update.mutate({ settings: { time_limit_ms: Math.round(seconds * 1000) } });
  };
  const starred = process.starred_outputs;
  return (
    <section className="card" aria-labelledby="h-settings">
      <h2 id="h-settings">Settings</h2>
      <form onSubmit={submit} className="row" key={process.settings.time_limit_ms}>
        <label htmlFor="time-limit">Time limit (seconds)</label>
        <input
          id="time-limit"
          name="limit"
          type="number"
          min={1}
          max={7 * 24 * 3600}
          step="any"
          defaultValue={process.settings.time_limit_ms / 1000}
          style={{ width: "8rem" }}
        />
        <button type="submit" disabled={update.isPending}>
          Save time limit
        </button>
        {saved && (
          <span role="status" className="muted">
            Saved.
          </span>
        )}
      </form>
      <div className="row">
        <input
          id="test-gate"
          type="checkbox"
          checked={gate}
          onChange={(e) => {
            setSaved(false);
            setGate(e.target.checked);
            update.mutate({ settings: { test_gate: e.target.checked } });
          }}
        />
        <label htmlFor="test-gate">Publish only when every test case passes</label>
      </div>
      <h3>Starred outputs</h3>
      {starred.length === 0 ? (
        <p className="muted">None: star an output on a run's page to mark the ones that matter.</p>
      ) : (
        <ul>
          {starred.map((name) => (
            <li key={name} className="row">
              {name}
              <button
                type="button"
                className="link-button"
                onClick={() =>
                  update.mutate({ starred_outputs: starred.filter((s) => s !== name) })
                }
              >
                Unstar {name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={update.error} />
    </section>
  );
}
