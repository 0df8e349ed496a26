// The fields for a process's inputs (file-like names take an upload, any input may), shared by
// Run and by a schedule's stored inputs, and the reading of them into the inputs the API takes.
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

/**
 * One field per input, named `input:NAME` for readInputs. idPrefix keeps the ids of two forms
 * on one page apart.
 */
export function InputFields({ inputs, idPrefix }: { inputs: string[]; idPrefix: string }) {
  // Which inputs take a file: a file-like name does, until the person says otherwise.
  const [kinds, setKinds] = useState<Record<string, boolean>>({});
  return (
    <>
      {inputs.map((name, i) => {
        const asFile = kinds[name] ?? isFileInput(name);
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
                <input id={id} name={`input:${name}`} className="grow" />
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
          </div>
        );
      })}
    </>
  );
}
