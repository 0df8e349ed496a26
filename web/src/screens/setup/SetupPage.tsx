// The one-time setup link (/setup?token=…): creates the first admin, who is then signed in.
import { useNavigate, useSearchParams } from "react-router";
import { api, ok } from "../../api/client";
import { CredentialsForm } from "../../ui/CredentialsForm";

export function SetupPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get("token") ?? "";

  return (
    <main className="auth card" id="main">
      <h1>Create the first admin account</h1>
      {!token && (
        <p className="notice">
          Open the setup link the server printed when it first started (it ends in
          <code> /setup?token=…</code>).
        </p>
      )}
      <CredentialsForm
        signIn={(email, password) =>
          ok(api.POST("/api/v2/auth/setup", { body: { token, email, password } }))
        }
        then={() => navigate("/processes")}
        newPassword
        submitLabel="Create account"
        action="/setup"
        hidden={{ token }}
      />
    </main>
  );
}
