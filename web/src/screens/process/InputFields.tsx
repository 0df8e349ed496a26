// The fields for a process's inputs (file-like names take an upload, any input may), shared by
// Run and by a schedule's stored inputs (a saved schedule's filled in), and the reading of them
// into the inputs the API takes.
import { useState } from "react";
import { api, ok } from "../../api/client";
import { isFileInput } from "./fileInputs";

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

/** The inputs a form holds, files uploaded first; an empty field is left out. */
export async function readInputs(
  form: FormData,
  inputs: string[],
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const name of inputs) {
    const v = form.get(`input:${name}`);
    if (v instanceof File) {
      if (v.size > 0 || v.name) values[name] = { file_id: await upload(v) };
    } else if (typeof v === "string" && v !== "") values[name] = v;
  }
  return values;
}

/** A stored input as its text field shows it. */
export function inputText(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function isFileRef(v: unknown): boolean {
  return typeof v === "object" && v !== null && "file_id" in v;
}

/**
 * Stored inputs as the form changes them: a text retyped or emptied, a file chosen. An empty
 * file picker keeps the stored file, and an untouched field its value (a number stays one).
 */
export async function editedInputs(
  form: FormData,
  inputs: string[],
  stored: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const typed = await readInputs(form, inputs);
  const next = { ...stored };
  for (const name of inputs) {
    if (form.get(`input:${name}`) instanceof File) {
      if (name in typed) next[name] = typed[name];
    } else if (!(name in typed)) delete next[name];
    else if (typed[name] !== inputText(stored[name])) next[name] = typed[name];
  }
  return next;
}

/**
 * One field per input, named `input:NAME` for readInputs, filled with `values` when given.
 * idPrefix keeps the ids of two forms on one page apart.
 */
export function InputFields({
  inputs,
  idPrefix,
  values,
}: {
  inputs: string[];
  idPrefix: string;
  values?: Record<string, unknown>;
}) {
  // Which inputs take a file: a stored file or a file-like name does, until the person says
  // otherwise.
  const [kinds, setKinds] = useState<Record<string, boolean>>({});
  return (
    <>
      {inputs.map((name, i) => {
        const stored = values?.[name];
        const asFile =
          kinds[name] ?? (stored === undefined ? isFileInput(name) : isFileRef(stored));
        const id = `${idPrefix}-input-${i}`;
        return (
          <div className="field" key={name}>
            <label htmlFor={id} id={`${idPrefix}-label-${i}`}>
              {name}
            </label>
            <div className="row">
              {asFile ? (
                <input id={id} name={`input:${name}`} type="file" />
              ) : (
                <input
                  id={id}
                  name={`input:${name}`}
                  className="grow"
                  defaultValue={inputText(stored)}
                />
              )}
              <button
                type="button"
                className="link-button"
                aria-describedby={`${idPrefix}-label-${i}`}
                onClick={() => setKinds({ ...kinds, [name]: !asFile })}
              >
                {asFile ? "Type text instead" : "Upload a file instead"}
              </button>
            </div>
            {asFile && isFileRef(stored) && (
              <p className="muted">A file is stored; choose another to replace it.</p>
            )}
          </div>
        );
      })}
    </>
  );
}
