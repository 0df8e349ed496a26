// Log in with email and password; then back to the page that asked (?next=).
import { useQuery } from "@tanstack/react-query";
import { useNavigate, useSearchParams } from "react-router";
import { api, ok } from "../../api/client";
import { CredentialsForm } from "../../ui/CredentialsForm";

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const setup = useQuery({
    queryKey: ["setup-needed"],
    queryFn: () => ok(api.GET("/api/v2/auth/setup")),
  });
  const next = params.get("next");
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/processes";

  return (
    <main className="auth card" id="main">
      <h1>Log in to Plainrun</h1>
      {setup.data?.needed && (
        <p className="notice">
          No account exists yet: open the setup link the server printed when it started (
          <code>/setup?token=…</code>) to create the admin.
        </p>
      )}
      <CredentialsForm
        signIn={(email, password) =>
          ok(api.POST("/api/v2/auth/login", { body: { email, password } }))
        }
        then={() => navigate(target, { replace: true })}
        submitLabel="Log in"
        action="/login"
        hidden={next ? { next: target } : {}}
      />
    </main>
  );
}
