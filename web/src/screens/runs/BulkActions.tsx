// Actions on the selected runs; each answers per run (done, or why not).
import { useState } from "react";
import { Link } from "react-router";
import { useBulk } from "./RunsPage";

type Action = "rerun" | "archive" | "unarchive" | "cancel" | "add-test-case";
const ACTIONS: { action: Action; label: string; past: string }[] = [
  { action: "rerun", label: "Re-run", past: "re-run" },
  { action: "archive", label: "Archive", past: "archived" },
  { action: "unarchive", label: "Unarchive", past: "unarchived" },
  { action: "cancel", label: "Cancel", past: "cancelled" },
];

interface Outcome {
  label: string;
  results: {
    id: string;
    ok: boolean;
    run?: { id: string } | undefined;
    test_case?: { id: string; name: string; process_id: string } | undefined;
    error?: { message: string } | undefined;
  }[];
}

const ADD_TEST_CASE = {
  action: "add-test-case" as const,
  label: "Add Test Case",
  past: "added as a test case",
};

export function BulkActions({ selected, onDone }: { selected: string[]; onDone: () => void }) {
  const bulk = useBulk();
  const [outcome, setOutcome] = useState<Outcome>();
  const none = selected.length === 0;
  const act = (a: { action: Action; label: string; past: string }) =>
    bulk.mutate(
      { action: a.action, ids: selected },
      {
        onSuccess: (answer) => {
          setOutcome({ label: a.past, results: answer.results });
          onDone();
        },
        onError: (err) =>
          setOutcome({
            label: a.past,
            results: selected.map((id) => ({ id, ok: false, error: { message: err.message } })),
          }),
      },
    );
  return (
    <section aria-label="Actions on selected runs">
      <div className="bulk" role="toolbar" aria-label="Bulk actions">
        <span className="muted" aria-live="polite">
          {none ? "Select runs to act on them" : `${selected.length} selected`}
        </span>
        {ACTIONS.slice(0, 3).map((a) => (
          <button
            key={a.action}
            type="button"
            disabled={none || bulk.isPending}
            onClick={() => act(a)}
          >
            {a.label}
          </button>
        ))}
        <button
          type="button"
          disabled={none || bulk.isPending}
          onClick={() => act(ADD_TEST_CASE)}
          title="Keep each selected Succeeded run as a test case of its process"
        >
          Add Test Case
        </button>
        <button
          type="button"
          className="danger"
          disabled={none || bulk.isPending}
          onClick={() => act(ACTIONS[3]!)}
        >
          Cancel
        </button>
      </div>
      {outcome && (
        <div className="notice results" role="status">
          <ul aria-label="Results">
            {outcome.results.map((r) => (
              <li key={r.id} className={r.ok ? "" : "fail"}>
                <span className="mono">{r.id.slice(-8)}</span>:{" "}
                {r.ok ? (
                  <>
                    {outcome.label}
                    {r.test_case && (
                      <>
                        {" "}
                        <Link to={`/test-suite?process=${r.test_case.process_id}`}>
                          {`"${r.test_case.name}"`}
                        </Link>
                      </>
                    )}
                    {r.run && r.run.id !== r.id && (
                      <>
                        {" "}
                        as <Link to={`/runs/${r.run.id}`}>{r.run.id.slice(-8)}</Link>
                      </>
                    )}
                  </>
                ) : (
                  `not ${outcome.label}: ${r.error?.message ?? "refused"}`
                )}
              </li>
            ))}
          </ul>
          <button type="button" className="link-button" onClick={() => setOutcome(undefined)}>
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
