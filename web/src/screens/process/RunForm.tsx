// Run: one field per input of the chosen stage (file-like names take an upload, any input may),
// then the new run's page.
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { api, ok, type Process } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";
import { InputFields, readInputs } from "./InputFields";

export function RunForm({ process, draftInputs }: { process: Process; draftInputs: string[] }) {
  const navigate = useNavigate();
  const published = process.latest_version > 0;
  // Published by default once there is a version; the person may pick the draft.
  const [choice, setChoice] = useState<"draft" | "published">();
  const stage = choice ?? (published ? "published" : "draft");
  const latest = useQuery({
    queryKey: ["version", process.id, process.latest_version],
    queryFn: () =>
      ok(
        api.GET("/api/v2/processes/{id}/versions/{version}", {
          params: { path: { id: process.id, version: process.latest_version } },
        }),
      ),
    enabled: published,
  });
  const effectiveStage = published ? stage : "draft";
  const inputs = effectiveStage === "published" ? (latest.data?.inputs ?? []) : process.inputs;
  const start = useMutation({
    mutationFn: async (form: FormData) => {
      const values = await readInputs(form, inputs);
      return ok(
        api.POST("/api/v2/runs", {
          body: { process_id: process.id, stage: effectiveStage, inputs: values },
        }),
      );
    },
    onSuccess: (run) => navigate(`/runs/${run.id}`),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    start.mutate(new FormData(e.currentTarget));
  };
  const unsaved =
    effectiveStage === "draft" && draftInputs.join("\n") !== process.inputs.join("\n");
  return (
    <section className="card" id="run" aria-labelledby="h-run" tabIndex={-1}>
      <h2 id="h-run">Run this process</h2>
      <form onSubmit={submit} aria-labelledby="h-run">
        {published && (
          <div className="field">
            <label htmlFor="run-stage">Which version</label>
            <select
              id="run-stage"
              value={stage}
              onChange={(e) => setChoice(e.target.value as typeof stage)}
            >
              <option value="published">Published (v{process.latest_version})</option>
              <option value="draft">Saved draft</option>
            </select>
          </div>
        )}
        {inputs.length === 0 && <p className="muted">This process takes no inputs.</p>}
        <InputFields inputs={inputs} idPrefix="run" />
        {unsaved && (
          <p className="muted">The draft's changes are not saved: Run uses the saved draft.</p>
        )}
        <p className="muted">An input left empty is asked for when the run needs it.</p>
        <ErrorNote error={start.error} />
        <button
          type="submit"
          className="primary"
          disabled={
            start.isPending || (published && effectiveStage === "published" && !latest.data)
          }
        >
          Run
        </button>
      </form>
    </section>
  );
}
