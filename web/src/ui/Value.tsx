// A run's value as people read it: a file as a download link with its type and size, a list
// of files as links, a table (a list of flat records) as a table, anything else as text.
import { show } from "./format";

interface FileValue {
  file_id: string;
  name: string;
  type?: string;
  size?: number;
}

function isFile(v: unknown): v is FileValue {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as FileValue).file_id === "string" &&
    typeof (v as FileValue).name === "string"
  );
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function fileUrl(id: string): string {
  return `/api/v2/files/${encodeURIComponent(id)}/content`;
}

function FileLink({ file }: { file: FileValue }) {
  const about = [file.type, file.size === undefined ? undefined : bytes(file.size)]
    .filter(Boolean)
    .join(", ");
  return (
    <span className="file">
      <a href={fileUrl(file.file_id)} download={file.name}>
        {file.name}
      </a>
      {about && <span className="muted"> ({about})</span>}
    </span>
  );
}

export function Value({ value }: { value: unknown }) {
  if (isFile(value)) return <FileLink file={value} />;
  if (Array.isArray(value) && value.length > 0 && value.every(isFile)) {
    return (
      <ul className="files">
        {value.map((f) => (
          <li key={f.file_id}>
            <FileLink file={f} />
          </li>
        ))}
      </ul>
    );
  }
  if (isTable(value)) return <Table rows={value} />;
  return <span className="mono">{show(value)}</span>;
}

type Row = Record<string, unknown>;
const TABLE_ROWS = 50;

/** A list of records whose fields are plain values (a CSV read as a table, say). */
function isTable(v: unknown): v is Row[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (r) =>
        typeof r === "object" &&
        r !== null &&
        !Array.isArray(r) &&
        Object.values(r).every((x) => x === null || typeof x !== "object"),
    )
  );
}

function Table({ rows }: { rows: Row[] }) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const shown = rows.slice(0, TABLE_ROWS);
  return (
    <div className="table-wrap value-table">
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{show(r[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length && (
        <p className="muted">
          {shown.length} of {rows.length} rows shown.
        </p>
      )}
    </div>
  );
}
