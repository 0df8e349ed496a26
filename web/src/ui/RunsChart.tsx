// Runs per hour over the last 24 hours, stacked by status: read before the rows.
import { useQuery } from "@tanstack/react-query";
import { api, ok, RUN_STATUSES, type RunStatus } from "../api/client";

export const STATUS_COLOURS: Record<RunStatus, string> = {
  Succeeded: "#2e9e5b",
  Failed: "#d64545",
  TimedOut: "#e07b39",
  Cancelled: "#8a94a6",
  AwaitingAnswer: "#d6a700",
  Running: "#3b7ddd",
  Pending: "#9db8e8",
};

export function RunsChart({ process }: { process?: string | undefined }) {
  const perHour = useQuery({
    queryKey: ["runs", "per-hour", process ?? null],
    queryFn: () =>
      ok(api.GET("/api/v2/runs/per-hour", { params: { query: process ? { process } : {} } })),
    // Its page re-reads it when runs change (useRunChanges); this is the fallback.
    refetchInterval: 30_000,
  });
  const hours = perHour.data?.hours ?? [];
  const totals = hours.map((h) => Object.values(h.counts).reduce((a, b) => a + (b ?? 0), 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((a, b) => a + b, 0);
  const present = RUN_STATUSES.filter((s) => hours.some((h) => (h.counts[s] ?? 0) > 0));
  const width = 24 * 10;
  const height = 60;
  const summary = `${total} run${total === 1 ? "" : "s"} in the last 24 hours${
    present.length
      ? `: ${present
          .map((s) => `${hours.reduce((a, h) => a + (h.counts[s] ?? 0), 0)} ${s}`)
          .join(", ")}`
      : ""
  }`;
  return (
    <figure className="chart card" aria-label="Runs per hour, last 24 hours">
      <figcaption className="muted">Runs per hour, last 24 hours — {summary}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={summary}
      >
        {hours.map((h, i) => {
          let y = height;
          return (
            <g key={h.start}>
              <title>{`${new Date(h.start).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}: ${totals[i]} runs`}</title>
              {RUN_STATUSES.map((s) => {
                const n = h.counts[s] ?? 0;
                if (!n) return null;
                const bar = (n / max) * (height - 2);
                y -= bar;
                return (
                  <rect
                    key={s}
                    x={i * 10 + 1}
                    y={y}
                    width={8}
                    height={bar}
                    fill={STATUS_COLOURS[s]}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
      {present.length > 0 && (
        <ul className="legend">
          {present.map((s) => (
            <li key={s}>
              <span className="swatch" style={{ background: STATUS_COLOURS[s] }} />
              {s}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
