// Settings: API keys (create: the secret shown once, with Copy; list with last use; revoke),
// and which server this is.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, ok } from "../../api/client";
import { Empty } from "../../ui/Empty";
import { ErrorNote } from "../../ui/ErrorNote";
import { when } from "../../ui/format";

export function SettingsPage() {
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<{ name: string; secret: string }>();
  const [copied, setCopied] = useState(false);
  const keys = useQuery({ queryKey: ["keys"], queryFn: () => ok(api.GET("/api/v2/keys")) });
  const server = useQuery({ queryKey: ["server"], queryFn: () => ok(api.GET("/api/v2/server")) });
  const create = useMutation({
    mutationFn: (name: string) => ok(api.POST("/api/v2/keys", { body: { name } })),
    onSuccess: (k) => {
      setSecret({ name: k.name, secret: k.secret });
      setCopied(false);
      queryClient.invalidateQueries({ queryKey: ["keys"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => ok(api.DELETE("/api/v2/keys/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["keys"] }),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get("name") ?? "").trim();
    if (name) create.mutate(name, { onSuccess: () => form.reset() });
  };
  const copy = async () => {
    if (!secret) return;
    await navigator.clipboard.writeText(secret.secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  const active = (keys.data?.items ?? []).filter((k) => !k.revoked_at);

  return (
    <>
      <h1>Settings</h1>
      <section className="card" aria-labelledby="h-keys">
        <h2 id="h-keys">API keys</h2>
        <p className="muted">
          Programs use a key as the <code>x-api-key</code> header. Runs they start show the key's
          name.
        </p>
        <form className="row" onSubmit={submit} aria-label="Create an API key">
          <label htmlFor="key-name">Key name</label>
          <input
            id="key-name"
            name="name"
            required
            maxLength={100}
            placeholder="e.g. billing-system"
          />
          <button type="submit" className="primary" disabled={create.isPending}>
            Create key
          </button>
        </form>
        <ErrorNote error={create.error ?? revoke.error} />
        {secret && (
          <div className="notice" role="status">
            <p>
              The secret of <strong>{secret.name}</strong>, shown this once: copy it now.
            </p>
            <p className="row">
              <code className="secret" data-testid="key-secret">
                {secret.secret}
              </code>
              <button type="button" onClick={copy}>
                {copied ? "Copied" : "Copy"}
              </button>
              <button type="button" className="link-button" onClick={() => setSecret(undefined)}>
                Done
              </button>
            </p>
          </div>
        )}
        <ErrorNote error={keys.error} />
        {keys.data && active.length === 0 ? (
          <Empty title="No API keys">
            <p>Create one above for each program that starts runs.</p>
          </Empty>
        ) : (
          <div className="table-wrap">
            <table aria-label="API keys">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Starts with</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {active.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td className="mono">{k.prefix}…</td>
                    <td>{when(k.created_at)}</td>
                    <td>{k.last_used_at ? when(k.last_used_at) : "never"}</td>
                    <td>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Revoke ${k.name}`}
                        disabled={revoke.isPending}
                        onClick={() => {
                          if (
                            window.confirm(
                              `Revoke the key "${k.name}"? Programs using it stop working.`,
                            )
                          )
                            revoke.mutate(k.id);
                        }}
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="h-server">
        <h2 id="h-server">Server</h2>
        <ErrorNote error={server.error} />
        {server.data && (
          <dl className="facts">
            <dt>Version</dt>
            <dd>{server.data.version}</dd>
            <dt>Database</dt>
            <dd>{server.data.database}</dd>
            <dt>Data location</dt>
            <dd className="mono">{server.data.data_location}</dd>
          </dl>
        )}
      </section>
    </>
  );
}
