// The web UI's files (web/dist) when built, with a fallback to index.html for the UI's own
// routes; otherwise a small page that links the API docs (setup and login: pages.ts).
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { page } from "./pages.ts";

const HOME = page(
  "Plainrun",
  `<h1>Plainrun</h1>
<p>The server is running. The web UI is not built in this installation (<code>web/dist</code>).</p>
<ul><li><a href="/login">Log in</a> (or create the first admin from the setup link the server printed)</li>
<li><a href="/api/docs">API documentation</a> (browsable)</li>
<li><a href="/api/v2/openapi.json">OpenAPI document</a></li>
<li><a href="/api/v2/health">Health</a></li></ul>`,
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
    // /setup and /login are pages.ts's (the form inside index.html); the rest are the UI's files.
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      // "/" like every UI route is pages.ts's (index.html with the no-JavaScript log out form).
      index: false,
      // Hashed bundles never change; index.html must be fetched anew to find new ones.
      setHeaders: (res, path) => {
        res.setHeader(
          "cache-control",
          path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    });
  } else {
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
