// The process's email addresses (published and draft) with Copy, Rotate, and who may send.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, ok, type Process } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";

function CopyAddress({
  label,
  name,
  address,
}: {
  label: string;
  /** The Copy button's accessible name (not "publish…": the page has a Publish button). */
  name: string;
  address: string;
}) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(address).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <p className="row">
      <span>{label}</span>
      <code data-testid={`email-${label.toLowerCase()}`}>{address}</code>
      <button type="button" onClick={copy} aria-label={name}>
        {copied ? "Copied" : "Copy"}
      </button>
    </p>
  );
}

export function EmailPanel({ process }: { process: Process }) {
  const queryClient = useQueryClient();
  const key = ["process-email", process.id];
  const email = useQuery({
    queryKey: key,
    queryFn: () =>
      ok(api.GET("/api/v2/processes/{id}/email", { params: { path: { id: process.id } } })),
  });
  const rotate = useMutation({
    mutationFn: () =>
      ok(api.POST("/api/v2/processes/{id}/email/rotate", { params: { path: { id: process.id } } })),
    onSuccess: (next) => queryClient.setQueryData(key, next),
  });
  const senders = useMutation({
    mutationFn: (body: { allow: string[]; authenticated: boolean }) =>
      ok(
        api.PUT("/api/v2/processes/{id}/email/senders", {
          params: { path: { id: process.id } },
          body,
        }),
      ),
    onSuccess: (next) => queryClient.setQueryData(key, next),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const allow = String(form.get("allow") ?? "")
      .split(/[\s,]+/)
      .filter(Boolean);
    senders.mutate({ allow, authenticated: form.get("authenticated") === "on" });
  };
  const e = email.data;
  return (
    <section className="card" aria-labelledby="h-email">
      <h2 id="h-email">Email</h2>
      <p className="muted">
        Mail to an address starts a run: the message is <code>the email</code>, its files{" "}
        <code>the attachments</code>.
      </p>
      {e && (
        <>
          <CopyAddress label="Published" name="Copy address" address={e.published} />
          <CopyAddress label="Draft" name="Copy draft address" address={e.draft} />
          <p>
            <button
              type="button"
              disabled={rotate.isPending}
              onClick={() => {
                if (window.confirm("Mail to the current addresses will be refused. Rotate?")) {
                  rotate.mutate();
                }
              }}
            >
              Rotate addresses
            </button>
          </p>
          <form onSubmit={submit} key={JSON.stringify(e.senders)}>
            <label htmlFor="email-allow">Who may send (addresses and domains; empty: anyone)</label>
            <input
              id="email-allow"
              name="allow"
              defaultValue={e.senders.allow.join(", ")}
              placeholder="anyone"
            />
            <label className="row">
              <input
                type="checkbox"
                name="authenticated"
                defaultChecked={e.senders.authenticated}
              />
              Authenticated senders only (DMARC pass)
            </label>
            <button type="submit" disabled={senders.isPending}>
              Save senders
            </button>
          </form>
        </>
      )}
      <ErrorNote error={email.error ?? rotate.error ?? senders.error} />
    </section>
  );
}
