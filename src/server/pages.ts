// Setup and login that work without JavaScript: real forms posted (method=post, the
// one-time setup token in the body, never in a URL the browser logs), answered with a
// redirect to the web UI, or, when it is not built, to a page that says what to do next.
// Cross-site posts are refused (Origin / Sec-Fetch-Site), so no other site can log a
// browser in to an account of its choosing.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AccountError, type Accounts, type LoginLimiter } from "./auth/accounts.ts";
import { DEVICE_COOKIE, SESSION_COOKIE } from "./auth/hook.ts";
import { sameSecret } from "./auth/secrets.ts";
import { startSessionCookies } from "./routes/auth.ts";

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

export const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.75rem 0 .25rem}input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;margin-top:1rem;padding:.4rem 1rem}.error{color:#a00;margin-top:1rem}</style></head>
<body>${body}</body></html>`;

const credentials = (newPassword: boolean) => `<div class="field"><label for="email">Email</label>
<input id="email" name="email" type="email" required autocomplete="username"></div>
<div class="field"><label for="password">Password${newPassword ? " (at least 8 characters)" : ""}</label>
<input id="password" name="password" type="password" ${newPassword ? 'minlength="8" autocomplete="new-password"' : 'autocomplete="current-password"'} required></div>`;

const errorNote = (message?: string) =>
  message ? `<div class="error-note error" role="alert"><p>${escapeHtml(message)}</p></div>` : "";

/** The setup form, as the web UI's setup page shows it (its classes), posted to the server. */
export function setupForm(token: string, message?: string): string {
  return `<main class="auth card" id="main"><h1>Create the first admin account</h1>
<form method="post" action="/setup">
<input type="hidden" name="token" value="${escapeHtml(token)}">
${credentials(true)}
${errorNote(message)}<button type="submit" class="primary">Create account</button></form></main>`;
}

/** The login form; `next` is where to go after it (a path of this site). */
export function loginForm(message?: string, next?: string): string {
  const back =
    next && safeNext(next) ? `<input type="hidden" name="next" value="${escapeHtml(next)}">\n` : "";
  return `<main class="auth card" id="main"><h1>Log in to Plainrun</h1>
<form method="post" action="/login">
${back}${credentials(false)}
${errorNote(message)}<button type="submit" class="primary">Log in</button></form></main>`;
}

/** A path on this site (never another site's URL, like //evil.example or /\\evil.example). */
export function safeNext(next: unknown): next is string {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) && next.length <= 2000;
}

export function setupPage(token: string, message?: string): string {
  return page("Plainrun setup", setupForm(token, message));
}

export function loginPage(message?: string, next?: string): string {
  return page("Plainrun login", loginForm(message, next));
}

/** A setup link that cannot be used: why, and how to get a new one. */
export function setupLinkErrorPage(problem: string): string {
  return page(
    "Plainrun setup: link not valid",
    `<main id="main"><h1>This setup link cannot be used</h1>
<p role="alert">${escapeHtml(problem)}</p>
<p><a href="/login">Log in</a></p></main>`,
  );
}

/** The log out form: a post with the session's CSRF token (a real form, no script needed). */
export function logoutForm(csrfToken: string, email: string): string {
  return `<form method="post" action="/logout" class="logout">
<p>Signed in as ${escapeHtml(email)}.</p>
<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">
<button type="submit">Log out</button></form>`;
}

const LOGOUT_REFUSED = `<main id="main"><h1>Not logged out</h1>
<p role="alert">This log out form is out of date or came from another site: go back, reload the
page and log out again.</p></main>`;

/** Where a person lands after setup or login while the web UI is not built. */
export const welcomePage = (logout: string) =>
  page(
    "Plainrun: what next",
    `<h1>You are logged in</h1>
<p>The web UI is not built in this installation, so Plainrun is used through its API and CLI:</p>
<ol><li>Create an API key: <code>plainrun keys create laptop</code> on the server (the secret is
its last line), or <code>POST /api/v2/keys {"name": "laptop"}</code>.</li>
<li>Read the <a href="/api/docs">API documentation</a> (or the <a href="/api/v2/openapi.json">OpenAPI
document</a>) and create a process: <code>POST /api/v2/processes</code>.</li>
<li>Start a run: <code>POST /api/v2/runs</code>, then read it: <code>GET /api/v2/runs/{id}</code>.</li></ol>
${logout}`,
  );

/** A browser's cross-site form post: refused, so no other site can log a browser in. */
function crossSite(request: FastifyRequest): boolean {
  if (request.headers["sec-fetch-site"] === "cross-site") return true;
  const origin = request.headers.origin;
  if (typeof origin !== "string" || origin === "null") return origin === "null";
  try {
    return new URL(origin).host !== request.host;
  } catch {
    return true;
  }
}

function form(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  return body && typeof body === "object" ? (body as Record<string, string>) : {};
}

const html = (reply: FastifyReply, status: number, text: string) =>
  reply.code(status).type("text/html; charset=utf-8").send(text);

export interface PageDeps {
  accounts: Accounts;
  limiter: LoginLimiter;
  /** The built web UI's index.html, when there is one: the forms are then served inside it. */
  uiIndex: string | undefined;
}

/**
 * The web UI's index.html with a page's markup already in its root: without JavaScript the
 * form is there and posts to the server; with it, the UI's own page takes over the root.
 */
export function inUi(index: string, title: string, markup: string): string {
  return index
    .replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`)
    .replace('<div id="root"></div>', `<div id="root">${markup}</div>`);
}

/** Answers a UI route (the UI's index.html); registerPages returns it for the not-found path. */
export type UiPage = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * The web UI's index.html for one of its routes. Signed in, its <noscript> also holds the log
 * out form (with this session's CSRF token), so a browser without JavaScript can log out.
 */
async function uiIndexPage(
  app: FastifyInstance,
  accounts: Accounts,
  index: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  // Cookies are parsed here: a not-found request is answered before the cookie hook runs.
  const cookie = app.parseCookie(request.headers.cookie ?? "")[SESSION_COOKIE];
  const session = cookie ? await accounts.session(cookie) : null;
  let text = await readFile(index, "utf8");
  if (session) {
    text = text.replace(
      "</noscript>",
      `${logoutForm(session.csrfToken, session.email)}</noscript>`,
    );
  }
  reply.header("cache-control", "no-cache");
  return html(reply, 200, text);
}

export async function registerPages(
  app: FastifyInstance,
  deps: PageDeps,
): Promise<UiPage | undefined> {
  const { accounts, limiter, uiIndex } = deps;
  const next = uiIndex ? "/" : "/welcome";
  const shown = (title: string, markup: string, standalone: string) =>
    uiIndex ? inUi(readFileSync(uiIndex, "utf8"), title, markup) : standalone;
  const setupHtml = (token: string, message?: string) =>
    shown("Plainrun setup", setupForm(token, message), setupPage(token, message));
  const loginHtml = (message?: string, after?: string) =>
    shown("Plainrun login", loginForm(message, after), loginPage(message, after));
  await app.register(async (scoped) => {
    // Form posts only here: a urlencoded body of a few short fields.
    scoped.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: 16 * 1024 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scoped.get("/setup", { schema: { hide: true } }, async (request, reply) => {
      const given = (request.query as { token?: unknown }).token;
      const token = typeof given === "string" ? given : "";
      // A wrong or used link is an error page of its own (no UI script to show the form).
      const problem = await accounts.setupLinkProblem(token);
      if (problem) return html(reply, 404, setupLinkErrorPage(problem));
      return html(reply, 200, setupHtml(token));
    });
    scoped.get("/login", { schema: { hide: true } }, async (request, reply) => {
      const after = (request.query as { next?: unknown }).next;
      return html(reply, 200, loginHtml(undefined, safeNext(after) ? after : undefined));
    });
    if (!uiIndex) {
      scoped.get("/welcome", { schema: { hide: true } }, async (request, reply) => {
        const cookie = request.cookies[SESSION_COOKIE];
        const session = cookie ? await accounts.session(cookie) : null;
        return html(
          reply,
          200,
          session ? welcomePage(logoutForm(session.csrfToken, session.email)) : welcomePage(""),
        );
      });
    }
    scoped.post("/setup", { schema: { hide: true } }, async (request, reply) => {
      const { token = "", email = "", password = "" } = form(request);
      if (crossSite(request))
        return html(reply, 403, setupHtml(token, "Post this form from this server's own page."));
      try {
        await accounts.setup(token, email, password);
      } catch (err) {
        if (err instanceof AccountError) {
          return html(
            reply,
            err.code === "conflict" ? 409 : err.code === "invalid" ? 422 : 401,
            setupHtml(token, err.message),
          );
        }
        throw err;
      }
      const user = await accounts.verify(email, password);
      if (!user) return html(reply, 401, loginHtml("Log in with the account you created."));
      await startSessionCookies(accounts, request, reply, user);
      return reply.code(303).header("location", next).send();
    });
    // Log out as a form post: the session's CSRF token in the body (the form is in the UI,
    // and in the page's <noscript> without JavaScript), then to the login page.
    scoped.post("/logout", { schema: { hide: true } }, async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie ? await accounts.session(cookie) : null;
      if (session) {
        const { csrf_token: token = "" } = form(request);
        if (crossSite(request) || !sameSecret(token, session.csrfToken)) {
          return html(reply, 403, page("Plainrun: log out", LOGOUT_REFUSED));
        }
        await accounts.endSession(session.idHash);
      }
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(303).header("location", "/login").send();
    });
    scoped.post("/login", { schema: { hide: true } }, async (request, reply) => {
      const { email = "", password = "", next: after } = form(request);
      const back = safeNext(after) ? after : undefined;
      if (crossSite(request))
        return html(reply, 403, loginHtml("Post this form from this server's own page.", back));
      if (!email || !password)
        return html(reply, 422, loginHtml("Give your email and password.", back));
      const knownDevice = await accounts.knownDevice(email, request.cookies[DEVICE_COOKIE]);
      const wait = limiter.retryAfter(request.ip, email, { knownDevice });
      if (wait > 0) {
        reply.header("retry-after", String(wait));
        return html(reply, 429, loginHtml(`Too many failed logins: try again in ${wait} s.`, back));
      }
      const user = await accounts.verify(email, password);
      if (!user) {
        limiter.fail(request.ip, email);
        return html(reply, 401, loginHtml("Wrong email or password.", back));
      }
      limiter.succeed(email);
      await startSessionCookies(accounts, request, reply, user);
      return reply
        .code(303)
        .header("location", back ?? next)
        .send();
    });
  });
  return uiIndex
    ? (request, reply) => uiIndexPage(app, accounts, uiIndex, request, reply)
    : undefined;
}
