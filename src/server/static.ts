// The web UI's files (web/dist) when built, with a fallback to index.html for the UI's own
// routes; otherwise a small page that links the API docs. /setup is always served here: the
// one-time link that creates the first admin account.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.75rem 0 .25rem}input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;margin-top:1rem;padding:.4rem 1rem}#msg{margin-top:1rem}</style></head>
<body>${body}</body></html>`;

const HOME = page(
  "Plainrun",
  `<h1>Plainrun</h1>
<p>The server is running. The web UI is not built in this installation (<code>web/dist</code>).</p>
<ul><li><a href="/api/docs">API documentation</a> (browsable)</li>
<li><a href="/api/v2/openapi.json">OpenAPI document</a></li>
<li><a href="/api/v2/health">Health</a></li></ul>`,
);

const SETUP = page(
  "Plainrun setup",
  `<h1>Create the first admin account</h1>
<form id="f"><label for="email">Email</label><input id="email" name="email" type="email" required autocomplete="username">
<label for="password">Password (at least 8 characters)</label><input id="password" name="password" type="password" minlength="8" required autocomplete="new-password">
<button type="submit">Create account</button></form><p id="msg"></p>
<script>
const token = new URLSearchParams(location.search).get("token") || "";
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const msg = document.getElementById("msg");
  const res = await fetch("/api/v2/auth/setup", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, email: e.target.email.value, password: e.target.password.value }) });
  const body = await res.json().catch(() => ({}));
  msg.textContent = res.ok ? "Done: you are logged in." : (body.detail || body.title || "Failed");
  if (res.ok) setTimeout(() => { location.href = "/"; }, 800);
});
</script>`,
);

/** The package's own folder, so an installed `plainrun` finds its built UI from any directory. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The UI folder: as given from the working directory, else inside the package. */
export function uiRoot(webDir: string): string {
  const here = resolve(webDir);
  if (existsSync(resolve(here, "index.html"))) return here;
  return resolve(PACKAGE_ROOT, webDir);
}

export async function registerStatic(app: FastifyInstance, webDir: string): Promise<void> {
  const root = uiRoot(webDir);
  const hasUi = existsSync(resolve(root, "index.html"));
  if (hasUi) {
    // The UI's own setup page (its route /setup) takes over from the minimal one.
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: "index.html",
      // Hashed bundles never change; index.html must be fetched anew to find new ones.
      setHeaders: (res, path) => {
        res.setHeader(
          "cache-control",
          path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    });
  } else {
    app.get("/setup", { schema: { hide: true } }, async (_req, reply) =>
      reply.type("text/html; charset=utf-8").send(SETUP),
    );
    app.get("/", { schema: { hide: true } }, async (_req, reply) =>
      reply.type("text/html; charset=utf-8").send(HOME),
    );
  }
  app.decorate("plainrunUi", hasUi);
}

declare module "fastify" {
  interface FastifyInstance {
    /** Whether web/dist is served (the not-found handler falls back to its index.html). */
    plainrunUi: boolean;
  }
}
