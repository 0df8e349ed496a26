// Email and password, as both the setup page and the login page ask for them; a session
// answer keeps its CSRF token and starts the client's cache afresh. The same markup as the
// server's form (src/server/pages.ts), which posts where JavaScript does not run.
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { setCsrfToken } from "../api/client";
import { ErrorNote } from "./ErrorNote";

export function CredentialsForm({
  signIn,
  then,
  newPassword,
  submitLabel,
  action,
  hidden = {},
}: {
  signIn: (email: string, password: string) => Promise<{ csrf_token: string }>;
  then: () => void;
  newPassword?: boolean;
  submitLabel: string;
  /** The server's own form handler, so the same form posts without JavaScript too. */
  action: "/login" | "/setup";
  hidden?: Record<string, string>;
}) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn(String(form.get("email")), String(form.get("password")));
      setCsrfToken(session.csrf_token);
      queryClient.clear();
      then();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form method="post" action={action} onSubmit={submit}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" required autoComplete="username" />
      </div>
      <div className="field">
        <label htmlFor="password">
          {newPassword ? "Password (at least 8 characters)" : "Password"}
        </label>
        <input
          id="password"
          name="password"
          type="password"
          required
          minLength={newPassword ? 8 : undefined}
          autoComplete={newPassword ? "new-password" : "current-password"}
        />
      </div>
      <ErrorNote error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
