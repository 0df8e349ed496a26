// A process: the editor (Save draft, Publish), Run with an inputs form, View Runs, versions
// with diff and Restore, its time limit and starred outputs, its email addresses, and an API
// example.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ApiError, api, type Diagnostic, ok, type Process } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";
import { processState } from "../processes/ProcessesPage";
import { ApiPanel } from "./ApiPanel";
import { type CheckResult, diagnosticText, Editor } from "./Editor";
import { EmailPanel } from "./EmailPanel";
import { ProcessSettings } from "./ProcessSettings";
import { RunForm } from "./RunForm";
import { DisabledSchedules, SchedulesPanel } from "./SchedulesPanel";
import { Versions } from "./Versions";

export function ProcessPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const process = useQuery({
    queryKey: ["process", id],
    queryFn: () => ok(api.GET("/api/v2/processes/{id}", { params: { path: { id: id! } } })),
  });
  const p = process.data;
  const [draft, setDraft] = useState<string>();
  const [checked, setChecked] = useState<CheckResult>();
  const [notice, setNotice] = useState<string>();

  // The editor starts from the stored draft, and follows it while nothing is typed.
  useEffect(() => {
    if (p && draft === undefined) setDraft(p.draft_source);
  }, [p, draft]);

  const check = useCallback(
    (source: string) =>
      ok(
        api.POST("/api/v2/processes/{id}/check", {
          params: { path: { id: id! } },
          body: { source },
        }),
      ),
    [id],
  );
  const stored = (next: Process) => {
    queryClient.setQueryData(["process", id], next);
    queryClient.invalidateQueries({ queryKey: ["processes"] });
  };
  const save = useMutation({
    mutationFn: (source: string) =>
      ok(api.PATCH("/api/v2/processes/{id}", { params: { path: { id: id! } }, body: { source } })),
    onSuccess: (next) => {
      stored(next);
      setNotice("Draft saved.");
    },
  });
  const publish = useMutation({
    mutationFn: async () => {
      if (draft !== undefined && draft !== p?.draft_source) stored(await save.mutateAsync(draft));
      return ok(api.POST("/api/v2/processes/{id}/publish", { params: { path: { id: id! } } }));
    },
    onSuccess: (v) => {
      setNotice(`Published version ${v.version}.`);
      queryClient.invalidateQueries({ queryKey: ["process", id] });
      queryClient.invalidateQueries({ queryKey: ["versions", id] });
      queryClient.invalidateQueries({ queryKey: ["processes"] });
      queryClient.invalidateQueries({ queryKey: ["test-suite"] });
    },
    onError: () => queryClient.invalidateQueries({ queryKey: ["test-suite"] }),
  });

  if (process.isPending) return <p className="loading">Loading process…</p>;
  if (!p)
    return (
      <>
        <h1>Process</h1>
        <ErrorNote error={process.error} />
      </>
    );

  const dirty = draft !== undefined && draft !== p.draft_source;
  const diagnostics: Diagnostic[] = checked?.diagnostics ?? [];
  const saveError = save.error ?? publish.error;
  const refusedDiagnostics =
    saveError instanceof ApiError
      ? (saveError.problem.diagnostics as Diagnostic[] | undefined)
      : undefined;

  return (
    <>
      <div className="spread">
        <h1>{p.name}</h1>
        <div className="row">
          <Link className="button" to={`/processes/${p.id}/runs`}>
            View Runs
          </Link>
          <a className="button primary" href="#run">
            Run
          </a>
        </div>
      </div>
      <p className="muted">
        {processState(p)}
        {p.latest_version > 0 && ` · latest version v${p.latest_version}`}
        {dirty && " · unsaved changes"}
      </p>
      {p.description && <p>{p.description}</p>}
      <DisabledSchedules processId={p.id} />

      <section className="card" aria-labelledby="h-source">
        <h2 id="h-source">Source</h2>
        {draft !== undefined && (
          <Editor
            value={draft}
            onChange={(text) => {
              setDraft(text);
              setNotice(undefined);
              save.reset();
              publish.reset();
            }}
            check={check}
            onChecked={setChecked}
            label={`Source of ${p.name}`}
          />
        )}
        <div aria-live="polite">
          {diagnostics.length > 0 ? (
            <ul className="diagnostics" aria-label="Errors in the source">
              {diagnostics.map((d) => (
                <li key={`${d.line}:${d.col}:${d.message}`}>
                  Line {d.line}, column {d.col}: {diagnosticText(d)}
                </li>
              ))}
            </ul>
          ) : checked ? (
            <p className="muted">No errors.</p>
          ) : null}
        </div>
        <div className="row">
          <button
            type="button"
            onClick={() => draft !== undefined && save.mutate(draft)}
            disabled={save.isPending || !dirty}
          >
            Save draft
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => publish.mutate()}
            disabled={publish.isPending}
          >
            Publish
          </button>
          <LastSuiteResult processId={p.id} />
          {notice && (
            <span role="status" className="muted">
              {notice}
            </span>
          )}
        </div>
        <GateRefusal error={publish.error} />
        {refusedDiagnostics && refusedDiagnostics.length > 0 ? (
          <div className="error-note" role="alert">
            <p>
              Not saved: the source has {refusedDiagnostics.length} error
              {refusedDiagnostics.length === 1 ? "" : "s"}.
            </p>
            <ul aria-label="Why it was refused">
              {refusedDiagnostics.map((d) => (
                <li key={`${d.line}:${d.col}:${d.message}`}>
                  Line {d.line}, column {d.col}: {diagnosticText(d)}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <ErrorNote error={saveError} />
        )}
      </section>

      <div className="grid2">
        <RunForm process={p} draftInputs={checked?.inputs ?? p.inputs} />
        <ProcessSettings process={p} onSaved={stored} />
      </div>
      <Versions
        process={p}
        draft={draft ?? p.draft_source}
        open={Number(params.get("version")) || undefined}
        onRestored={(next) => {
          stored(next);
          setDraft(next.draft_source);
          setNotice(`Restored into the draft.`);
        }}
      />
      <SchedulesPanel process={p} />
      <EmailPanel process={p} />
      <ApiPanel process={p} />
    </>
  );
}

/** The process's last suite result, beside Publish. */
function LastSuiteResult({ processId }: { processId: string }) {
  const overview = useQuery({
    queryKey: ["test-suite"],
    queryFn: () => ok(api.GET("/api/v2/test-suite")),
  });
  const mine = overview.data?.items.find((x) => x.id === processId);
  if (!mine) return null;
  if (mine.cases === 0)
    return (
      <Link className="muted" to={`/test-suite?process=${processId}`}>
        Missing test cases
      </Link>
    );
  if (!mine.last)
    return (
      <Link className="muted" to={`/test-suite?process=${processId}`}>
        {mine.cases} test cases, not run yet
      </Link>
    );
  const l = mine.last;
  return (
    <Link to={`/test-suite?run=${l.suite_run_id}`}>
      Last tests: {l.passed} passed, {l.failed} failed, {l.error} error
    </Link>
  );
}

/** The publish gate's refusal: the cases that did not pass, and their suite run. */
function GateRefusal({ error }: { error: unknown }) {
  const problem =
    error instanceof ApiError
      ? (error.problem as {
          suite_run_id?: string;
          failing_cases?: { id: string; name: string; status: string }[];
        })
      : undefined;
  if (!problem?.suite_run_id || !problem.failing_cases?.length) return null;
  return (
    <div className="error-note" role="alert" aria-label="Failing test cases">
      <p>Publishing needs every test case to pass. These did not:</p>
      <ul>
        {problem.failing_cases.map((c) => (
          <li key={c.id}>
            {c.name}: {c.status}
          </li>
        ))}
      </ul>
      <Link to={`/test-suite?run=${problem.suite_run_id}`}>See the differences</Link>
    </div>
  );
}
