// Who is calling: an API key (`x-api-key: KEY` or `Authorization: Bearer KEY`) or a login
// session (cookie). Every /api/v2 route needs one of them unless its config says `public`.
// Writes authenticated by the cookie must carry the session's CSRF token in `x-csrf-token`.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpProblem } from "../problems.ts";
import type { Accounts } from "./accounts.ts";
import type { ApiKeyCache } from "./apiKeys.ts";
import { sameSecret } from "./secrets.ts";

export const SESSION_COOKIE = "plainrun_session";
/** Set at a login; lets that browser skip the per-account failed-login delay. */
export const DEVICE_COOKIE = "plainrun_device";
export const CSRF_HEADER = "x-csrf-token";

export type Principal =
  | { kind: "key"; id: string; name: string }
  | {
      kind: "session";
      userId: string;
      email: string;
      role: string;
      csrfToken: string;
      idHash: string;
    };

declare module "fastify" {
  interface FastifyContextConfig {
    /** No key or session needed (health, login, setup, the OpenAPI document). */
    public?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The secret a request carries, from `x-api-key` or `Authorization: Bearer`. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const h = request.headers["x-api-key"];
  if (typeof h === "string" && h.trim()) return h.trim();
  const auth = request.headers.authorization;
  if (typeof auth === "string") {
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Why the key headers cannot be used, if they cannot: two different keys at once, or an
 * Authorization header that is not `Bearer KEY` while no other key was sent.
 */
function keyHeaderProblem(request: FastifyRequest): string | undefined {
  const h = request.headers["x-api-key"];
  const xKey = typeof h === "string" && h.trim() ? h.trim() : undefined;
  const auth = request.headers.authorization;
  if (typeof auth !== "string" || !auth.trim()) return undefined;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth);
  if (m) {
    return xKey !== undefined && xKey !== m[1]
      ? "Two different API keys were sent (x-api-key and Authorization: Bearer): send one."
      : undefined;
  }
  if (xKey !== undefined) return undefined;
  return /^\s*Bearer\b/i.test(auth)
    ? "The Authorization header must be `Bearer KEY`: one key, no other words."
    : "The Authorization header must be `Bearer KEY` (other schemes are not accepted).";
}

/** Who did it, as recorded on runs ("key:NAME" or the user's email). */
export function actorOf(p: Principal | null): string | undefined {
  if (!p) return undefined;
  return p.kind === "key" ? `key:${p.name}` : p.email;
}

const unauthorized = (detail: string) =>
  new HttpProblem(401, "unauthorized", "Authentication needed", detail, {});

export function installAuthHook(
  app: FastifyInstance,
  deps: { keys: ApiKeyCache; accounts: Accounts },
): void {
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request, reply) => {
    if (request.routeOptions.config?.public) return;
    const headerProblem = keyHeaderProblem(request);
    if (headerProblem) {
      reply.header("www-authenticate", 'Bearer realm="plainrun"');
      throw unauthorized(headerProblem);
    }
    const secret = presentedKey(request);
    if (secret !== undefined) {
      const key = await deps.keys.check(secret);
      if (!key) {
        reply.header("www-authenticate", 'Bearer realm="plainrun"');
        throw unauthorized("This API key is not valid: unknown or revoked.");
      }
      request.principal = { kind: "key", id: key.id, name: key.name };
      return;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) {
      const s = await deps.accounts.session(cookie);
      if (s) {
        if (!SAFE_METHODS.has(request.method)) {
          const token = request.headers[CSRF_HEADER];
          if (typeof token !== "string" || !sameSecret(token, s.csrfToken)) {
            throw new HttpProblem(
              403,
              "csrf",
              "CSRF token missing or wrong",
              `Writes with a session cookie need the session's token in the ${CSRF_HEADER} header (from POST /api/v2/auth/login or GET /api/v2/auth/me).`,
            );
          }
        }
        request.principal = { kind: "session", ...s };
        return;
      }
    }
    reply.header("www-authenticate", 'Bearer realm="plainrun"');
    throw unauthorized(
      cookie
        ? "The session has expired: log in again."
        : "Send an API key (x-api-key header or Authorization: Bearer) or log in.",
    );
  });
}
