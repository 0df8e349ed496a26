// The Test Suite: processes with their case counts and last result ("Missing test cases"),
// Run tests (processes and stage, live progress), a suite run's results with diffs side by
// side, the history (cancel a Running suite run there), the comparison of two suite runs, and
// a process's cases (rename, edit expected values, choose the outputs compared and ignored,
// delete). One route; the view is chosen by the URL's search parameters.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, ok } from "../../api/client";
import type { components } from "../../api/schema";
import { ErrorNote } from "../../ui/ErrorNote";

type SuiteRun = components["schemas"]["SuiteRun"];
type CaseResult = components["schemas"]["CaseResult"];
type DiffEntry = components["schemas"]["DiffEntry"];
type TestCase = components["schemas"]["TestCase"];

const show = (v: unknown) => (v === undefined ? "" : JSON.stringify(v, null, 1));
const place = (d: DiffEntry) =>
  d.output + d.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
const when = (iso: string) => new Date(iso).toLocaleString();

function Counts({ s }: { s: SuiteRun }) {
  const c = s.counts;
  return (
    <span>
      {c.passed} passed, {c.failed} failed, {c.error} error
      {c.cancelled ? `, ${c.cancelled} cancelled` : ""}
      {c.pending ? `, ${c.pending} to go` : ""} of {c.total}
    </span>
  );
}

export function Diff({ diff }: { diff: DiffEntry[] }) {
  return (
    <table className="diff">
      <caption className="visually-hidden">Differences</caption>
      <thead>
        <tr>
          <th scope="col">Output</th>
          <th scope="col">Expected</th>
          <th scope="col">Actual</th>
        </tr>
      </thead>
      <tbody>
        {diff.map((d) => (
          <tr key={`${place(d)}-${d.change}`}>
            <td className="mono">{place(d)}</td>
            <td className="mono">{d.change === "unexpected" ? "(none)" : show(d.expected)}</td>
            <td className="mono">{d.change === "missing" ? "(none)" : show(d.actual)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Overview() {
  const navigate = useNavigate();
  const overview = useQuery({
    queryKey: ["test-suite"],
    queryFn: () => ok(api.GET("/api/v2/test-suite")),
  });
  const [chosen, setChosen] = useState<string[]>([]);
  const [stage, setStage] = useState<"draft" | "published">("draft");
  const start = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v2/suite-runs", {
          body: { stage, ...(chosen.length ? { processes: chosen } : {}) },
        }),
      ),
    onSuccess: (s) => navigate(`/test-suite?run=${s.id}`),
  });
  const items = overview.data?.items ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  return (
    <section aria-labelledby="h-processes">
      <h2 id="h-processes">Processes</h2>
      {overview.isPending ? (
        <p className="loading">Loading…</p>
      ) : (
        <form onSubmit={submit}>
          <table>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Process</th>
                <th scope="col">Test cases</th>
                <th scope="col">Last result</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Run the tests of ${p.name}`}
                      checked={chosen.includes(p.id)}
                      onChange={(e) =>
                        setChosen(
                          e.target.checked ? [...chosen, p.id] : chosen.filter((c) => c !== p.id),
                        )
                      }
                    />
                  </td>
                  <td>
                    <Link to={`/test-suite?process=${p.id}`}>{p.name}</Link>
                  </td>
                  <td>{p.cases === 0 ? <strong>Missing test cases</strong> : p.cases}</td>
                  <td>
                    {p.last ? (
                      <Link to={`/test-suite?run=${p.last.suite_run_id}`}>
                        {p.last.passed} passed, {p.last.failed} failed, {p.last.error} error
                      </Link>
                    ) : (
                      <span className="muted">Not run yet</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <label htmlFor="suite-stage">Stage</label>
            <select
              id="suite-stage"
              value={stage}
              onChange={(e) => setStage(e.target.value as "draft" | "published")}
            >
              <option value="draft">Draft</option>
              <option value="published">Published</option>
            </select>
            <button type="submit" className="primary" disabled={start.isPending}>
              Run tests
            </button>
            <span className="muted">
              {chosen.length ? `${chosen.length} chosen` : "Every process when none is chosen"}
            </span>
          </div>
          <ErrorNote error={start.error} />
        </form>
      )}
    </section>
  );
}

function History() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const history = useQuery({
    queryKey: ["suite-runs"],
    queryFn: () => ok(api.GET("/api/v2/suite-runs", { params: { query: { limit: 50 } } })),
    refetchInterval: 2000,
  });
  const cancel = useMutation({
    mutationFn: (id: string) =>
      ok(api.POST("/api/v2/suite-runs/{id}/cancel", { params: { path: { id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["suite-runs"] }),
  });
  const [pair, setPair] = useState<string[]>([]);
  const items = history.data?.items ?? [];
  return (
    <section aria-labelledby="h-history">
      <h2 id="h-history">History</h2>
      {items.length === 0 ? (
        <p className="muted">No suite run yet.</p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Compare</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Stage</th>
                <th scope="col">Result</th>
                <th scope="col">Counts</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Compare the suite run of ${when(s.created_at)}`}
                      checked={pair.includes(s.id)}
                      onChange={(e) =>
                        setPair(
                          e.target.checked
                            ? [...pair, s.id].slice(-2)
                            : pair.filter((x) => x !== s.id),
                        )
                      }
                    />
                  </td>
                  <td>
                    <Link to={`/test-suite?run=${s.id}`}>{when(s.created_at)}</Link>
                  </td>
                  <td>{s.started_by ?? "-"}</td>
                  <td>
                    {s.stage}
                    {s.reason === "publish" ? " (publish gate)" : ""}
                  </td>
                  <td>
                    {s.status}
                    {s.status === "Running" && (
                      <>
                        {" "}
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Cancel the suite run of ${when(s.created_at)}`}
                          disabled={cancel.isPending && cancel.variables === s.id}
                          onClick={() => cancel.mutate(s.id)}
                        >
                          Cancel
                        </button>
                      </>
                    )}
                  </td>
                  <td>
                    <Counts s={s} />
                  </td>
                  <td>{s.duration_ms === null ? "-" : `${(s.duration_ms / 1000).toFixed(1)} s`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            disabled={pair.length !== 2}
            onClick={() => {
              const [a, b] = [...pair].sort();
              navigate(`/test-suite?compare=${a}&with=${b}`);
            }}
          >
            Compare the two chosen
          </button>
          <ErrorNote error={cancel.error} />
        </>
      )}
    </section>
  );
}

function ResultRow({ r, process }: { r: CaseResult; process: string }) {
  return (
    <li className={`case case-${r.status}`}>
      <p>
        <strong>{r.status}</strong> {process} › {r.case_name}
        {r.run_id && (
          <>
            {" "}
            (<Link to={`/runs/${r.run_id}`}>run {r.run_id.slice(-8)}</Link>)
          </>
        )}
      </p>
      {r.status === "Failed" && <Diff diff={r.diff} />}
      {r.reason && <p className="muted">{r.reason}</p>}
    </li>
  );
}

function SuiteRunView({ id }: { id: string }) {
  const client = useQueryClient();
  const suite = useQuery({
    queryKey: ["suite-run", id],
    queryFn: () => ok(api.GET("/api/v2/suite-runs/{id}", { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data?.status === "Running" ? 500 : false),
  });
  const cancel = useMutation({
    mutationFn: () => ok(api.POST("/api/v2/suite-runs/{id}/cancel", { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["suite-run", id] }),
  });
  if (suite.isPending) return <p className="loading">Loading suite run…</p>;
  if (!suite.data) return <ErrorNote error={suite.error} />;
  const s = suite.data;
  const names = new Map(s.processes.map((p) => [p.id, p.name]));
  const order = { Failed: 0, Error: 1, Cancelled: 2, Passed: 3 } as const;
  const results = [...s.results].sort((a, b) => order[a.status] - order[b.status]);
  return (
    <section aria-labelledby="h-suite-run">
      <h2 id="h-suite-run">
        Suite run of {when(s.created_at)}: {s.status}
      </h2>
      <p role="status" aria-live="polite">
        <Counts s={s} /> on the {s.stage}
        {s.started_by ? `, by ${s.started_by}` : ""}
      </p>
      {s.status === "Running" && (
        <button
          type="button"
          className="danger"
          onClick={() => cancel.mutate()}
          disabled={cancel.isPending}
        >
          Cancel suite run
        </button>
      )}
      <ErrorNote error={cancel.error} />
      {s.missing.length > 0 && <p>Missing test cases: {s.missing.map((m) => m.name).join(", ")}</p>}
      <ul aria-label="Results" className="results-list">
        {results.map((r) => (
          <ResultRow key={r.case_id} r={r} process={names.get(r.process_id) ?? r.process_id} />
        ))}
      </ul>
    </section>
  );
}

function CompareView({ a, b }: { a: string; b: string }) {
  const cmp = useQuery({
    queryKey: ["compare", a, b],
    queryFn: () =>
      ok(
        api.GET("/api/v2/suite-runs/{id}/compare/{other}", {
          params: { path: { id: a, other: b } },
        }),
      ),
  });
  if (cmp.isPending) return <p className="loading">Comparing…</p>;
  if (!cmp.data) return <ErrorNote error={cmp.error} />;
  const c = cmp.data;
  return (
    <section aria-labelledby="h-compare">
      <h2 id="h-compare">
        From {when(c.before.created_at)} to {when(c.after.created_at)}
      </h2>
      <p>
        {c.changed.length} changed, {c.unchanged} unchanged
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
            <th scope="col">How</th>
          </tr>
        </thead>
        <tbody>
          {c.changed.map((x) => (
            <tr key={x.case_id}>
              <td>{x.case_name}</td>
              <td>{x.before ?? "(not run)"}</td>
              <td>{x.after ?? "(not run)"}</td>
              <td>
                {x.after_result?.status === "Failed" ? (
                  <Diff diff={x.after_result.diff} />
                ) : (
                  (x.after_result?.reason ?? "")
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * What a case compares: the process's starred outputs (all where none), or its own list;
 * and the outputs it ignores. One row per output the case knows of.
 */
function ComparedOutputs({
  c,
  starred,
  own,
  setOwn,
  compare,
  setCompare,
  ignore,
  setIgnore,
}: {
  c: TestCase;
  starred: string[];
  own: boolean;
  setOwn: (v: boolean) => void;
  compare: string[];
  setCompare: (v: string[]) => void;
  ignore: string[];
  setIgnore: (v: string[]) => void;
}) {
  const outputs = [
    ...new Set([...Object.keys(c.expected), ...(c.compare ?? []), ...c.ignore, ...starred]),
  ];
  const toggle = (list: string[], o: string, on: boolean) =>
    on ? [...list.filter((x) => x !== o), o] : list.filter((x) => x !== o);
  return (
    <fieldset>
      <legend>Outputs compared by {c.name}</legend>
      <label className="inline">
        <input
          type="checkbox"
          checked={own}
          onChange={(e) => setOwn(e.target.checked)}
          aria-label={`Compare only the outputs chosen for ${c.name}, not the process's starred outputs`}
        />{" "}
        Its own choice of outputs, instead of the process's starred outputs (
        {starred.length ? starred.join(", ") : "none starred: every output"})
      </label>
      <table>
        <thead>
          <tr>
            <th scope="col">Output</th>
            <th scope="col">Compared</th>
            <th scope="col">Ignored</th>
          </tr>
        </thead>
        <tbody>
          {outputs.map((o) => (
            <tr key={o}>
              <td className="mono">{o}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Compare ${o} in ${c.name}`}
                  disabled={!own}
                  checked={
                    own
                      ? compare.includes(o)
                      : (starred.length === 0 || starred.includes(o)) && !ignore.includes(o)
                  }
                  onChange={(e) => setCompare(toggle(compare, o, e.target.checked))}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Ignore ${o} in ${c.name}`}
                  checked={ignore.includes(o)}
                  onChange={(e) => setIgnore(toggle(ignore, o, e.target.checked))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}

interface CaseEdit {
  name?: string;
  expected?: Record<string, unknown>;
  compare?: string[] | null;
  ignore?: string[];
}

function CaseEditor({ c, starred }: { c: TestCase; starred: string[] }) {
  const client = useQueryClient();
  const [name, setName] = useState(c.name);
  const [expected, setExpected] = useState(JSON.stringify(c.expected, null, 2));
  const [own, setOwn] = useState(c.compare !== null);
  // A new own list starts from what is compared now.
  const [compare, setCompare] = useState<string[]>(
    c.compare ?? (starred.length ? starred : Object.keys(c.expected)),
  );
  const [ignore, setIgnore] = useState<string[]>(c.ignore);
  const [bad, setBad] = useState<string>();
  const done = () => client.invalidateQueries({ queryKey: ["test-cases"] });
  const update = useMutation({
    mutationFn: (body: CaseEdit) =>
      ok(api.PATCH("/api/v2/test-cases/{id}", { params: { path: { id: c.id } }, body })),
    // The form shows what was stored (expected values are merged by output name).
    onSuccess: (saved) => {
      setName(saved.name);
      setExpected(JSON.stringify(saved.expected, null, 2));
      setOwn(saved.compare !== null);
      if (saved.compare !== null) setCompare(saved.compare);
      setIgnore(saved.ignore);
      return done();
    },
  });
  const remove = useMutation({
    mutationFn: () => ok(api.DELETE("/api/v2/test-cases/{id}", { params: { path: { id: c.id } } })),
    onSuccess: done,
  });
  const save = (e: FormEvent) => {
    e.preventDefault();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(expected);
    } catch {
      setBad("The expected values are not valid JSON.");
      return;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      setBad("The expected values are an object of output names to values.");
      return;
    }
    setBad(undefined);
    update.mutate({
      ...(name !== c.name ? { name } : {}),
      expected: parsed,
      compare: own ? compare : null,
      ignore,
    });
  };
  const id = `case-${c.id}`;
  return (
    <li className="card">
      <form onSubmit={save} aria-label={`Test case ${c.name}`}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-expected`}>Expected values of {c.name}</label>
          <textarea
            id={`${id}-expected`}
            className="mono"
            rows={Math.min(12, expected.split("\n").length + 1)}
            value={expected}
            onChange={(e) => setExpected(e.target.value)}
          />
        </div>
        <ComparedOutputs
          c={c}
          starred={starred}
          own={own}
          setOwn={setOwn}
          compare={compare}
          setCompare={setCompare}
          ignore={ignore}
          setIgnore={setIgnore}
        />
        <p className="muted">
          Inputs: <span className="mono">{JSON.stringify(c.inputs)}</span>
          {c.answers.length > 0 && <> · answers replayed: {c.answers.length}</>}
          {c.source_run_id && (
            <>
              {" "}
              · from <Link to={`/runs/${c.source_run_id}`}>run {c.source_run_id.slice(-8)}</Link>
            </>
          )}
        </p>
        <div className="row">
          <button type="submit" disabled={update.isPending}>
            Save {c.name}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => remove.mutate()}
            disabled={remove.isPending}
          >
            Delete {c.name}
          </button>
          {update.isSuccess && (
            <span role="status" className="muted">
              Saved.
            </span>
          )}
        </div>
        {bad && (
          <p className="error-note" role="alert">
            {bad}
          </p>
        )}
        <ErrorNote error={update.error ?? remove.error} />
      </form>
    </li>
  );
}

function CasesView({ process }: { process: string }) {
  const cases = useQuery({
    queryKey: ["test-cases", process],
    queryFn: () => ok(api.GET("/api/v2/test-cases", { params: { query: { process } } })),
  });
  const p = useQuery({
    queryKey: ["process", process],
    queryFn: () => ok(api.GET("/api/v2/processes/{id}", { params: { path: { id: process } } })),
  });
  const items = cases.data?.items ?? [];
  return (
    <section aria-labelledby="h-cases">
      <h2 id="h-cases">Test cases of {p.data?.name ?? "…"}</h2>
      {cases.isPending || p.isPending ? (
        <p className="loading">Loading…</p>
      ) : items.length === 0 ? (
        <p>
          <strong>Missing test cases</strong>: select Succeeded runs in the{" "}
          <Link to={`/processes/${process}/runs`}>runs list</Link> and choose Add Test Case.
        </p>
      ) : (
        <ul className="cases">
          {items.map((c) => (
            <CaseEditor key={c.id} c={c} starred={p.data?.starred_outputs ?? []} />
          ))}
        </ul>
      )}
      <ErrorNote error={cases.error} />
    </section>
  );
}

export function TestSuitePage() {
  const [params] = useSearchParams();
  const run = params.get("run");
  const process = params.get("process");
  const a = params.get("compare");
  const b = params.get("with");
  return (
    <>
      <h1>Test Suite</h1>
      {(run || process || a) && (
        <p>
          <Link to="/test-suite">All processes and history</Link>
        </p>
      )}
      {run ? (
        <SuiteRunView id={run} />
      ) : process ? (
        <CasesView process={process} />
      ) : a && b ? (
        <CompareView a={a} b={b} />
      ) : (
        <>
          <Overview />
          <History />
        </>
      )}
    </>
  );
}
