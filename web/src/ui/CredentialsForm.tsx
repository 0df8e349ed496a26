// Email and password, as both the setup page and the login page ask for them; a session
// answer keeps its CSRF token and starts the client's cache afresh.
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { setCsrfToken } from "../api/client";
import { ErrorNote } from "./ErrorNote";

export function CredentialsForm({
  signIn,
  then,
  newPassword,
  submitLabel,
}: {
  signIn: (email: string, password: string) => Promise<{ csrf_token: string }>;
  then: () => void;
  newPassword?: boolean;
  submitLabel: string;
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
    <form onSubmit={submit}>
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
