// An API error in words: the problem's detail, and each field or source error it lists.
import { ApiError } from "../api/client";

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : undefined;
  const list = problem?.errors?.filter((e) => !errorText(error).includes(e.message)) ?? [];
  return (
    <div role="alert" className="error-note">
      <p>{errorText(error)}</p>
      {list.length > 0 && (
        <ul>
          {list.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              {e.field}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
