// Published versions, newest first: any one shown as a diff against the draft; Restore.
import { useMutation, useQuery } from "@tanstack/react-query";
import { diffLines } from "diff";
import { useEffect, useState } from "react";
import { api, ok, type Process } from "../../api/client";
import { Empty } from "../../ui/Empty";
import { ErrorNote } from "../../ui/ErrorNote";
import { when } from "../../ui/format";

export function Versions({
  process,
  draft,
  open,
  onRestored,
}: {
  process: Process;
  draft: string;
  open: number | undefined;
  onRestored: (p: Process) => void;
}) {
  const [shown, setShown] = useState<number | undefined>(open);
  useEffect(() => setShown(open), [open]);
  const versions = useQuery({
    queryKey: ["versions", process.id],
    queryFn: () =>
      ok(api.GET("/api/v2/processes/{id}/versions", { params: { path: { id: process.id } } })),
  });
  const restore = useMutation({
    mutationFn: (version: number) =>
      ok(
        api.POST("/api/v2/processes/{id}/restore", {
          params: { path: { id: process.id } },
          body: { version },
        }),
      ),
    onSuccess: onRestored,
  });
  const items = versions.data?.items ?? [];
  const current = items.find((v) => v.version === shown);
  return (
    <section className="card" aria-labelledby="h-versions" id="versions">
      <h2 id="h-versions">Version history</h2>
      <ErrorNote error={versions.error ?? restore.error} />
      {versions.data && items.length === 0 ? (
        <Empty title="Not published yet">
          <p>Publish makes the draft version 1; runs then use it unless they ask for the draft.</p>
        </Empty>
      ) : (
        <ul className="timeline">
          {items.map((v) => (
            <li key={v.version} className="row">
              <strong>v{v.version}</strong>
              <span className="muted">{when(v.created_at)}</span>
              <button
                type="button"
                aria-expanded={shown === v.version}
                onClick={() => setShown(shown === v.version ? undefined : v.version)}
              >
                {shown === v.version ? "Hide" : "Compare"} v{v.version} with the draft
              </button>
              <button
                type="button"
                onClick={() => restore.mutate(v.version)}
                disabled={restore.isPending}
              >
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
      {current && (
        <section className="diff" aria-label={`v${current.version} compared with the draft`}>
          <p className="muted">
            Lines marked − are only in v{current.version}; lines marked + are only in the draft.
          </p>
          <pre>
            {diffLines(current.source, draft).map((part, i) => {
              const mark = part.added ? "+ " : part.removed ? "− " : "  ";
              const lines = part.value.replace(/\n$/, "").split("\n");
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: parts are positions
                <span key={i} className={part.added ? "add" : part.removed ? "del" : undefined}>
                  {lines.map((l) => `${mark}${l}\n`).join("")}
                </span>
              );
            })}
          </pre>
        </section>
      )}
    </section>
  );
}
