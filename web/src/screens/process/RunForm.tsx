// Run: one field per input of the chosen stage (file-like names take an upload, any input may),
// then the new run's page.
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { api, ok, type Process } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";

const FILE_WORDS =
  /\b(file|files|csv|attachment|attachments|document|pdf|image|photo|upload|spreadsheet|xlsx)\b/i;

export function isFileInput(name: string): boolean {
  return FILE_WORDS.test(name);
}

async function upload(file: File): Promise<string> {
  const body = new FormData();
  body.append("file", file);
  const answer = await ok(
    api.POST("/api/v2/files", {
      body: body as never,
      bodySerializer: (b: unknown) => b as FormData,
    }),
  );
  return answer.id;
}

export function RunForm({ process, draftInputs }: { process: Process; draftInputs: string[] }) {
  const navigate = useNavigate();
  const published = process.latest_version > 0;
  // Published by default once there is a version; the person may pick the draft.
  const [choice, setChoice] = useState<"draft" | "published">();
  // Which inputs take a file: a file-like name does, until the person says otherwise.
  const [kinds, setKinds] = useState<Record<string, boolean>>({});
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
      const values: Record<string, unknown> = {};
      for (const name of inputs) {
        const v = form.get(`input:${name}`);
        if (v instanceof File) {
          if (v.size > 0 || v.name) values[name] = { file_id: await upload(v) };
        } else if (typeof v === "string" && v !== "") values[name] = v;
      }
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
        {inputs.map((name, i) => {
          const asFile = kinds[name] ?? isFileInput(name);
          return (
            <div className="field" key={name}>
              <label htmlFor={`run-input-${i}`} id={`run-label-${i}`}>
                {name}
              </label>
              <div className="row">
                {asFile ? (
                  <input id={`run-input-${i}`} name={`input:${name}`} type="file" />
                ) : (
                  <input id={`run-input-${i}`} name={`input:${name}`} className="grow" />
                )}
                <button
                  type="button"
                  className="link-button"
                  aria-describedby={`run-label-${i}`}
                  onClick={() => setKinds({ ...kinds, [name]: !asFile })}
                >
                  {asFile ? "Type text instead" : "Upload a file instead"}
                </button>
              </div>
            </div>
          );
        })}
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
