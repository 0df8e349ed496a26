// Processes: search, each with its state, latest version, last run and runs in 24 h; New process.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, ok, type Process } from "../../api/client";
import { Empty } from "../../ui/Empty";
import { ErrorNote } from "../../ui/ErrorNote";
import { when } from "../../ui/format";
import { StatusBadge } from "../../ui/StatusBadge";

export function processState(p: Process): string {
  if (p.latest_version === 0) return "Draft";
  return p.draft_hash === p.published_hash ? "Published" : "Published, draft changed";
}

export function ProcessesPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const [creating, setCreating] = useState(false);
  const nameField = useRef<HTMLInputElement>(null);
  // New process opens its form with the name field focused (keyboard users type at once).
  useEffect(() => {
    if (creating) nameField.current?.focus();
  }, [creating]);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const processes = useQuery({
    queryKey: ["processes"],
    queryFn: () => ok(api.GET("/api/v2/processes")),
  });
  const activity = useQuery({
    queryKey: ["processes", "activity"],
    queryFn: () => ok(api.GET("/api/v2/processes/activity")),
    refetchInterval: 10_000,
  });
  const create = useMutation({
    mutationFn: (name: string) => ok(api.POST("/api/v2/processes", { body: { name } })),
    onSuccess: (p) => {
      queryClient.invalidateQueries({ queryKey: ["processes"] });
      navigate(`/processes/${p.id}`);
    },
  });

  const byId = new Map(activity.data?.items.map((a) => [a.process_id, a]));
  const needle = q.trim().toLowerCase();
  const items = (processes.data?.items ?? []).filter(
    (p) =>
      !needle ||
      p.name.toLowerCase().includes(needle) ||
      p.description.toLowerCase().includes(needle),
  );

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name") ?? "").trim();
    if (name) create.mutate(name);
  };

  return (
    <>
      <div className="spread">
        <h1>Processes</h1>
        <button
          type="button"
          className="primary"
          onClick={() => setCreating((c) => !c)}
          aria-expanded={creating}
        >
          New process
        </button>
      </div>
      {creating && (
        <form className="card" onSubmit={submit} aria-label="New process">
          <div className="field">
            <label htmlFor="new-name">Name of the new process</label>
            <input id="new-name" name="name" required maxLength={200} ref={nameField} />
          </div>
          <ErrorNote error={create.error} />
          <button type="submit" className="primary" disabled={create.isPending}>
            Create
          </button>
        </form>
      )}
      <div className="filters">
        <div className="field">
          <label htmlFor="process-search">Search processes</label>
          <input
            id="process-search"
            type="search"
            value={q}
            onChange={(e) =>
              setParams(e.target.value ? { q: e.target.value } : {}, {
                replace: true,
                flushSync: true,
              })
            }
          />
        </div>
      </div>
      <ErrorNote error={processes.error} />
      {processes.isPending ? (
        <p className="loading">Loading processes…</p>
      ) : items.length === 0 ? (
        <Empty title={needle ? "No process matches" : "No processes yet"}>
          <p>
            {needle
              ? "Try other words, or clear the search."
              : "Create one with New process, then write what it does in plain English."}
          </p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="muted" style={{ captionSide: "bottom", padding: ".4rem" }}>
              {items.length} process{items.length === 1 ? "" : "es"}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Latest version</th>
                <th scope="col">Last run</th>
                <th scope="col">Runs in 24 h</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => {
                const a = byId.get(p.id);
                return (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/processes/${p.id}`}>{p.name}</Link>
                    </td>
                    <td>{processState(p)}</td>
                    <td>{p.latest_version === 0 ? "—" : `v${p.latest_version}`}</td>
                    <td>
                      {a?.last_run_status ? (
                        <span className="row">
                          <StatusBadge status={a.last_run_status} /> {when(a.last_run_at)}
                        </span>
                      ) : (
                        <span className="muted">never run</span>
                      )}
                    </td>
                    <td>{a?.runs_24h ?? "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
