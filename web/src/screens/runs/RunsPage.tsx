// View Runs: every run, or one process's (/processes/:id/runs). Newest first, filters in the
// URL, a cursor for older pages, checkboxes with bulk actions, and the first page kept fresh
// from the runs' pushed status changes (a slow re-read only as a fallback).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { api, ok, RUN_STATUSES, TRIGGERS } from "../../api/client";
import { Empty } from "../../ui/Empty";
import { ErrorNote } from "../../ui/ErrorNote";
import { RunsChart } from "../../ui/RunsChart";
import { useRunChanges } from "../../ui/useRunChanges";
import { BulkActions } from "./BulkActions";
import { listQuery, type RunFilters, readFilters, writeFilters } from "./filters";
import { RunsTable } from "./RunsTable";

/** Fallback re-read of the first page, should the stream of changes be unavailable. */
const FALLBACK_MS = 30_000;

export function RunsPage() {
  const { id: processRef } = useParams();
  const [params, setParams] = useSearchParams();
  // The filters shown follow each change at once; the URL follows them (the router navigates
  // in a transition, and a controlled checkbox would otherwise show its old value meanwhile).
  const [filters, setFilters] = useState(() => readFilters(params));
  const search = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the URL's search is the source
  useEffect(() => setFilters(readFilters(params)), [search]);
  const [text, setText] = useState(filters.text);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const queryClient = useQueryClient();

  const process = useQuery({
    queryKey: ["process", processRef],
    queryFn: () => ok(api.GET("/api/v2/processes/{id}", { params: { path: { id: processRef! } } })),
    enabled: !!processRef,
  });
  const processes = useQuery({
    queryKey: ["processes"],
    queryFn: () => ok(api.GET("/api/v2/processes")),
  });
  const names = useMemo(
    () => new Map(processes.data?.items.map((p) => [p.id, p.name])),
    [processes.data],
  );

  const query = listQuery(filters, processRef);
  const runs = useQuery({
    queryKey: ["runs", "list", query],
    queryFn: () => ok(api.GET("/api/v2/runs", { params: { query } })),
    // The first page follows new runs and status changes; older pages stay as they were.
    refetchInterval: filters.cursor ? false : FALLBACK_MS,
    placeholderData: (previous) => previous,
  });

  const update = (change: Partial<RunFilters>) => {
    const next = { ...filters, cursor: "", ...change };
    setFilters(next);
    setParams(writeFilters(next), { replace: !("cursor" in change) });
    setSelected(new Set());
  };

  // Text filter: applied when typing pauses.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the typed text starts it
  useEffect(() => {
    if (text === filters.text) return;
    const t = setTimeout(() => update({ text }), 300);
    return () => clearTimeout(t);
  }, [text]);

  // The first rows shown after navigation, for bench/web (read with the Performance API).
  const hasRows = (runs.data?.items.length ?? 0) > 0;
  useEffect(() => {
    if (hasRows && performance.getEntriesByName("runs:first-rows").length === 0) {
      performance.mark("runs:first-rows");
    }
  }, [hasRows]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ["runs"] });
  useRunChanges(() => {
    if (!filters.cursor) void queryClient.invalidateQueries({ queryKey: ["runs", "list", query] });
    void queryClient.invalidateQueries({ queryKey: ["runs", "per-hour"] });
  });
  const items = runs.data?.items ?? [];
  const title = processRef ? `Runs of ${process.data?.name ?? "…"}` : "Runs";
  const filtered =
    filters.status.length > 0 ||
    filters.stage ||
    filters.trigger.length > 0 ||
    filters.from ||
    filters.to ||
    filters.text;

  return (
    <>
      <div className="spread">
        <h1>{title}</h1>
        {processRef && (
          <Link className="button" to={`/processes/${processRef}`}>
            Back to the process
          </Link>
        )}
      </div>
      <ErrorNote error={process.error} />
      <RunsChart process={processRef} />
      <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <Choice
          id="f-status"
          label="Status"
          value={filters.status.join(",")}
          options={[
            ...RUN_STATUSES.map((s) => [s, s] as const),
            ["Pending,Running,AwaitingAnswer", "Not final"],
            ["Failed,TimedOut", "Failed or TimedOut"],
          ]}
          onChange={(v) => update({ status: v ? (v.split(",") as RunFilters["status"]) : [] })}
        />
        <Choice
          id="f-stage"
          label="Stage"
          value={filters.stage}
          options={[
            ["published", "published"],
            ["draft", "draft"],
          ]}
          onChange={(v) => update({ stage: v as RunFilters["stage"] })}
        />
        <Choice
          id="f-trigger"
          label="Trigger"
          value={filters.trigger.join(",")}
          options={TRIGGERS.map((t) => [t, t] as const)}
          onChange={(v) => update({ trigger: v ? (v.split(",") as RunFilters["trigger"]) : [] })}
        />
        <div className="field">
          <label htmlFor="f-from">From</label>
          <input
            id="f-from"
            type="date"
            value={filters.from}
            onChange={(e) => update({ from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="f-to">To</label>
          <input
            id="f-to"
            type="date"
            value={filters.to}
            onChange={(e) => update({ to: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="f-text">Text in inputs or outputs</label>
          <input
            id="f-text"
            type="search"
            value={text}
            maxLength={200}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <label className="row">
          <input
            type="checkbox"
            checked={filters.archived}
            onChange={(e) => update({ archived: e.target.checked })}
          />
          Show archived
        </label>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setText("");
              const cleared = readFilters(
                new URLSearchParams(filters.archived ? "archived=1" : ""),
              );
              setFilters(cleared);
              setParams(writeFilters(cleared));
            }}
          >
            Clear filters
          </button>
        )}
      </form>
      <BulkActions
        selected={[...selected]}
        onDone={() => {
          setSelected(new Set());
          refresh();
        }}
      />
      <ErrorNote error={runs.error} />
      {runs.isPending ? (
        <p className="loading">Loading runs…</p>
      ) : items.length === 0 ? (
        <Empty title={filtered || filters.cursor ? "No runs match" : "No runs yet"}>
          <p>
            {filtered
              ? "Change or clear the filters to see more runs."
              : processRef
                ? "Start one with Run on the process page."
                : "Open a process and press Run, or start one through the API."}
          </p>
        </Empty>
      ) : (
        <RunsTable runs={items} names={names} selected={selected} onSelect={setSelected} />
      )}
      <nav className="row" aria-label="Pages" style={{ marginTop: ".75rem" }}>
        {filters.cursor && (
          <button type="button" onClick={() => update({ cursor: "" })}>
            Newest runs
          </button>
        )}
        {runs.data?.next_cursor && (
          <button type="button" onClick={() => update({ cursor: runs.data!.next_cursor! })}>
            Older runs
          </button>
        )}
      </nav>
    </>
  );
}

export function useBulk() {
  return useMutation({
    mutationFn: ({
      action,
      ids,
    }: {
      action: "rerun" | "archive" | "unarchive" | "cancel" | "add-test-case";
      ids: string[];
    }) =>
      ok(
        api.POST(`/api/v2/runs/actions/${action}`, {
          body: { run_ids: ids },
        }),
      ),
  });
}

/** A labelled select whose first option, "Any", is the empty value. */
function Choice({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
