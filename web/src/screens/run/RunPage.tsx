// A run: its status history, trigger, version, inputs, outputs (star/unstar), log, the step
// timeline over the source, an error's line, its open question; Cancel and Re-run. Live
// while it is not final.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, FINAL_STATUSES, ok, type RunDetail } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";
import { runDuration, show, when } from "../../ui/format";
import { Source } from "../../ui/Source";
import { StatusBadge } from "../../ui/StatusBadge";
import { Value } from "../../ui/Value";
import { QuestionForm } from "./QuestionForm";
import { useRunStream } from "./useRunStream";

export function RunPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<number | null>(null);
  const run = useQuery({
    queryKey: ["run", id, "detail"],
    queryFn: () => ok(api.GET("/api/v2/runs/{id}", { params: { path: { id: id! } } })),
  });
  const r = run.data;
  const events = useQuery({
    queryKey: ["run", id, "events"],
    queryFn: () =>
      ok(
        api.GET("/api/v2/runs/{id}/events", {
          params: { path: { id: id! }, query: { limit: 500 } },
        }),
      ),
    enabled: !!r,
  });
  const process = useQuery({
    queryKey: ["process", r?.process_id],
    queryFn: () =>
      ok(api.GET("/api/v2/processes/{id}", { params: { path: { id: r!.process_id } } })),
    enabled: !!r,
  });
  const version = useQuery({
    queryKey: ["version", r?.process_id, r?.version],
    queryFn: () =>
      ok(
        api.GET("/api/v2/processes/{id}/versions/{version}", {
          params: { path: { id: r!.process_id, version: r!.version! } },
        }),
      ),
    enabled: !!r && r.version !== null,
  });
  const stream = useRunStream(id, r?.status);

  const cancel = useMutation({
    mutationFn: () => ok(api.POST("/api/v2/runs/{id}/cancel", { params: { path: { id: id! } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["run", id] }),
  });
  const rerun = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v2/runs/actions/rerun", {
          body: { run_ids: [id!] },
        }),
      ),
    onSuccess: (answer) => {
      const result = answer.results[0];
      if (result?.ok && result.run) navigate(`/runs/${result.run.id}`);
      else throw new Error(result?.error?.message ?? "The run was not re-run.");
    },
  });
  const star = useMutation({
    mutationFn: (starred: string[]) =>
      ok(
        api.PATCH("/api/v2/processes/{id}", {
          params: { path: { id: r!.process_id } },
          body: { starred_outputs: starred },
        }),
      ),
    onSuccess: (p) => queryClient.setQueryData(["process", r?.process_id], p),
  });

  if (run.isPending) return <p className="loading">Loading run…</p>;
  if (!r)
    return (
      <>
        <h1>Run</h1>
        <ErrorNote error={run.error} />
      </>
    );

  const final = FINAL_STATUSES.includes(r.status);
  const source = r.version !== null ? version.data?.source : process.data?.draft_source;
  const starred = new Set(process.data?.starred_outputs ?? []);
  const statuses = (events.data?.items ?? []).filter((e) => e.type === "status");
  const entries = r.timeline?.entries ?? [];
  const hitLine = step === null ? null : (entries.find((e) => e.seq === step)?.line ?? null);

  return (
    <>
      <div className="spread">
        <h1>
          Run <span className="mono">{r.id.slice(-8)}</span> <StatusBadge status={r.status} />
        </h1>
        <div className="row">
          {!final && (
            <button
              type="button"
              className="danger"
              onClick={() => cancel.mutate()}
              disabled={cancel.isPending || r.cancel_requested}
            >
              Cancel
            </button>
          )}
          <button type="button" onClick={() => rerun.mutate()} disabled={rerun.isPending}>
            Re-run
          </button>
        </div>
      </div>
      <p className="muted" aria-live="polite">
        {final
          ? `Finished ${when(r.finished_at)}`
          : stream === "live"
            ? "Live: updates as it runs"
            : stream === "reconnecting"
              ? "Reconnecting…"
              : "Waiting…"}
        {r.cancel_requested && !final && " · cancel requested"}
      </p>
      <ErrorNote error={cancel.error ?? rerun.error ?? star.error} />
      {r.question && r.status === "AwaitingAnswer" && <QuestionForm run={r} />}
      {r.error && (
        <div className="error-note" role="alert">
          <p>
            {r.error.line ? `Line ${r.error.line}: ` : ""}
            {r.error.message}
          </p>
        </div>
      )}
      <div className="grid2">
        <section className="card" aria-labelledby="h-about">
          <h2 id="h-about">About this run</h2>
          <dl className="facts">
            <dt>Id</dt>
            <dd className="mono">{r.id}</dd>
            <dt>Process</dt>
            <dd>
              <Link to={`/processes/${r.process_id}`}>{process.data?.name ?? r.process_id}</Link>
            </dd>
            <dt>Version</dt>
            <dd>
              {r.version === null ? (
                "draft"
              ) : (
                <Link to={`/processes/${r.process_id}?version=${r.version}`}>v{r.version}</Link>
              )}
            </dd>
            <dt>Trigger</dt>
            <dd>
              {r.trigger}
              {Object.keys(r.trigger_details).length > 0 && (
                <span className="muted">
                  {" "}
                  (
                  {Object.entries(r.trigger_details)
                    .map(([k, v]) => `${k}: ${show(v)}`)
                    .join(", ")}
                  )
                </span>
              )}
            </dd>
            {r.rerun_of && (
              <>
                <dt>Re-run of</dt>
                <dd>
                  <Link to={`/runs/${r.rerun_of}`} className="mono">
                    {r.rerun_of.slice(-8)}
                  </Link>
                </dd>
              </>
            )}
            <dt>Created</dt>
            <dd>{when(r.created_at)}</dd>
            <dt>Duration</dt>
            <dd>{runDuration(r)}</dd>
            <dt>Time limit</dt>
            <dd>{Math.round(r.time_limit_ms / 1000)} s</dd>
            {r.archived && (
              <>
                <dt>Archived</dt>
                <dd>yes</dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="h-history">
          <h2 id="h-history">Status history</h2>
          {statuses.length === 0 ? (
            <p className="muted">No status changes yet.</p>
          ) : (
            <ol className="timeline">
              {statuses.map((e) => (
                <li key={e.seq}>
                  {show((e.data as { status?: string }).status)}{" "}
                  <span className="muted">{when(e.at)}</span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <div className="grid2">
        <section className="card" aria-labelledby="h-inputs">
          <h2 id="h-inputs">Inputs</h2>
          {Object.keys(r.inputs).length === 0 ? (
            <p className="muted">No inputs.</p>
          ) : (
            <dl className="facts">
              {Object.entries(r.inputs).map(([k, v]) => (
                <Fact key={k} name={k} value={v} />
              ))}
            </dl>
          )}
        </section>
        <section className="card" aria-labelledby="h-outputs">
          <h2 id="h-outputs">Outputs</h2>
          {!r.outputs || Object.keys(r.outputs).length === 0 ? (
            <p className="muted">
              {final ? "No outputs." : "Outputs appear when the run finishes."}
            </p>
          ) : (
            <dl className="facts">
              {Object.entries(r.outputs).map(([k, v]) => (
                <Fact key={k} name={k} value={v}>
                  <button
                    type="button"
                    className="link-button"
                    aria-pressed={starred.has(k)}
                    disabled={!process.data || star.isPending}
                    onClick={() => {
                      const next = new Set(starred);
                      if (next.has(k)) next.delete(k);
                      else next.add(k);
                      star.mutate([...next]);
                    }}
                  >
                    {starred.has(k) ? `Unstar ${k}` : `Star ${k}`}
                  </button>
                </Fact>
              ))}
            </dl>
          )}
        </section>
      </div>
      {r.trigger_email && <TriggerEmailCard email={r.trigger_email} />}
      {r.emails_sent.length > 0 && <SentEmails emails={r.emails_sent} />}
      <section className="card" aria-labelledby="h-log">
        <h2 id="h-log">Log</h2>
        {r.log.length === 0 ? (
          <p className="muted">Nothing logged.</p>
        ) : (
          <pre>{r.log.join("\n")}</pre>
        )}
      </section>
      <Steps run={r} source={source} step={step} onStep={setStep} hitLine={hitLine} />
    </>
  );
}

/** The bytes of a stored file (the session cookie authenticates the download). */
const fileUrl = (id: string) => `/api/v2/files/${encodeURIComponent(id)}/content`;

function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${Math.round(n / 104857.6) / 10} MB`;
}

function TriggerEmailCard({ email }: { email: NonNullable<RunDetail["trigger_email"]> }) {
  return (
    <section className="card" aria-labelledby="h-trigger-email">
      <h2 id="h-trigger-email">Email that started this run</h2>
      <dl className="facts">
        <dt>From</dt>
        <dd>
          {email.sender_name ? `${email.sender_name} ` : ""}
          <span className="mono">&lt;{email.sender}&gt;</span>
        </dd>
        <dt>To</dt>
        <dd className="mono">{email.recipients.join(", ") || "—"}</dd>
        {email.cc.length > 0 && (
          <>
            <dt>Cc</dt>
            <dd className="mono">{email.cc.join(", ")}</dd>
          </>
        )}
        <dt>Subject</dt>
        <dd>{email.subject || <span className="muted">(no subject)</span>}</dd>
        <dt>Date</dt>
        <dd>{email.date ? when(email.date) : "—"}</dd>
        {email.message_id && (
          <>
            <dt>Message-ID</dt>
            <dd className="mono">{email.message_id}</dd>
          </>
        )}
      </dl>
      <h3>Body</h3>
      {email.body ? (
        <pre>{email.body}</pre>
      ) : (
        <p className="muted">No text body{email.html ? " (HTML only)" : ""}.</p>
      )}
      <h3>Attachments</h3>
      {email.attachments.length === 0 ? (
        <p className="muted">No attachments.</p>
      ) : (
        <ul>
          {email.attachments.map((a) => (
            <li key={`${a.file_id}-${a.name}`}>
              <a href={fileUrl(a.file_id)} download={a.name}>
                Download {a.name}
              </a>{" "}
              <span className="muted">
                ({a.type}, {bytes(a.size)})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SentEmails({ emails }: { emails: RunDetail["emails_sent"] }) {
  return (
    <section className="card" aria-labelledby="h-emails-sent">
      <h2 id="h-emails-sent">Emails sent</h2>
      <ul className="timeline">
        {emails.map((m) => (
          <li key={m.id}>
            <strong>{m.subject || "(no subject)"}</strong> to{" "}
            <span className="mono">{[...m.to, ...m.cc].join(", ")}</span>{" "}
            <span className={`badge ${m.status === "sent" ? "badge-Succeeded" : "badge-Failed"}`}>
              {m.status}
            </span>
            <div className="muted">
              {when(m.updated_at)}
              {m.answer ? ` · relay: ${m.answer}` : ""}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Fact({
  name,
  value,
  children,
}: {
  name: string;
  value: unknown;
  children?: React.ReactNode;
}) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        <Value value={value} /> {children}
      </dd>
    </>
  );
}

function Steps({
  run,
  source,
  step,
  onStep,
  hitLine,
}: {
  run: RunDetail;
  source: string | undefined;
  step: number | null;
  onStep: (seq: number | null) => void;
  hitLine: number | null;
}) {
  const entries = run.timeline?.entries ?? [];
  return (
    <div className="grid2">
      <section className="card" aria-labelledby="h-steps">
        <h2 id="h-steps">Steps</h2>
        {entries.length === 0 ? (
          <p className="muted">No steps recorded yet.</p>
        ) : (
          <ol className="timeline">
            {entries.map((e) => (
              <li key={e.seq}>
                <button
                  type="button"
                  className="link-button"
                  aria-pressed={step === e.seq}
                  onClick={() => onStep(step === e.seq ? null : e.seq)}
                >
                  Line {e.line}
                </button>{" "}
                <span className="mono">{e.statement}</span>
                {Object.keys(e.changed).length > 0 && (
                  <div className="muted mono">
                    {Object.entries(e.changed)
                      .map(([k, v]) => `${k} = ${show(v)}`)
                      .join("; ")}
                  </div>
                )}
              </li>
            ))}
          </ol>
        )}
        {(run.timeline?.omitted ?? 0) > 0 && (
          <p className="muted">{run.timeline!.omitted} earlier steps not kept.</p>
        )}
      </section>
      <section className="card" aria-labelledby="h-source">
        <h2 id="h-source">Source {run.version !== null ? `(v${run.version})` : "(draft)"}</h2>
        {source === undefined ? (
          <p className="loading">Loading source…</p>
        ) : (
          <Source
            text={source}
            hit={hitLine}
            errorLine={run.error?.line ?? null}
            label="Source of this run"
          />
        )}
      </section>
    </div>
  );
}
