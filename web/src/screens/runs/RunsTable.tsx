// The runs table: a checkbox per row ("Select run ID") and a select-all for the page.
import { Link } from "react-router";
import type { Run } from "../../api/client";
import { runDuration, when } from "../../ui/format";
import { StatusBadge } from "../../ui/StatusBadge";

export function RunsTable({
  runs,
  names,
  selected,
  onSelect,
}: {
  runs: Run[];
  names: Map<string, string>;
  selected: Set<string>;
  onSelect: (next: Set<string>) => void;
}) {
  const all = runs.length > 0 && runs.every((r) => selected.has(r.id));
  const some = runs.some((r) => selected.has(r.id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelect(next);
  };
  return (
    <div className="table-wrap">
      <table aria-label="Runs">
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Select all runs on this page"
                checked={all}
                ref={(el) => {
                  if (el) el.indeterminate = some && !all;
                }}
                onChange={(e) =>
                  onSelect(e.target.checked ? new Set(runs.map((r) => r.id)) : new Set())
                }
              />
            </th>
            <th scope="col">Status</th>
            <th scope="col">Run</th>
            <th scope="col">Process</th>
            <th scope="col">Stage</th>
            <th scope="col">Version</th>
            <th scope="col">Trigger</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-run-id={r.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select run ${r.id}`}
                  checked={selected.has(r.id)}
                  onChange={(e) => toggle(r.id, e.target.checked)}
                />
              </td>
              <td>
                <StatusBadge status={r.status} />
                {r.archived && <span className="muted"> (archived)</span>}
              </td>
              <td>
                <Link to={`/runs/${r.id}`} className="mono" title={r.id}>
                  {r.id.slice(-8)}
                </Link>
              </td>
              <td>
                <Link to={`/processes/${r.process_id}`}>
                  {names.get(r.process_id) ?? r.process_id.slice(-8)}
                </Link>
              </td>
              <td>{r.stage}</td>
              <td>{r.version === null ? "draft" : `v${r.version}`}</td>
              <td>{r.trigger}</td>
              <td>{when(r.started_at ?? r.created_at)}</td>
              <td>{runDuration(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
