// Login, logout, who am I, and the first admin's setup.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AccountError, type Accounts, type LoginLimiter } from "../auth/accounts.ts";
import { DEVICE_COOKIE, SESSION_COOKIE } from "../auth/hook.ts";
import { HttpProblem } from "../problems.ts";
import { problems } from "../schemas.ts";

const User = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  created_at: z.string(),
});
const SessionAnswer = z.object({
  user: User,
  csrf_token: z
    .string()
    .describe("Send it as the x-csrf-token header on writes made with the cookie."),
  expires_at: z.string(),
});
const Credentials = z.strictObject({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export interface AuthRouteDeps {
  accounts: Accounts;
  limiter: LoginLimiter;
}

function accountProblem(err: unknown): never {
  if (err instanceof AccountError) {
    const status = err.code === "invalid" ? 422 : err.code === "conflict" ? 409 : 401;
    throw new HttpProblem(
      status,
      err.code === "invalid" ? "validation" : err.code === "conflict" ? "conflict" : "unauthorized",
      err.code === "invalid" ? "The request is not valid" : err.message,
      err.message,
      err.field ? { errors: [{ field: err.field, message: err.message }] } : {},
    );
  }
  throw err;
}

type LoggedInUser = NonNullable<Awaited<ReturnType<Accounts["verify"]>>>;

function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  cookie: string,
  expiresAt: number,
): void {
  reply.setCookie(SESSION_COOKIE, cookie, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: request.protocol === "https",
    expires: new Date(expiresAt),
  });
}

/**
 * Starts a session for `user` and sets its cookies: the session's, and the device cookie
 * that lets this browser skip the per-account failed-login delay.
 */
export async function startSessionCookies(
  accounts: Accounts,
  request: FastifyRequest,
  reply: FastifyReply,
  user: LoggedInUser,
): Promise<{ csrfToken: string; expiresAt: number }> {
  const s = await accounts.startSession(user);
  setSessionCookie(request, reply, s.cookie, s.expiresAt);
  reply.setCookie(DEVICE_COOKIE, accounts.deviceCookie(user), {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure: request.protocol === "https",
    maxAge: 365 * 24 * 3600,
  });
  return s;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRouteDeps> = async (
  app,
  { accounts, limiter },
) => {
  /** Starts a session for `user`: sets its cookies, answers with the user and the CSRF token. */
  const logIn = async (request: FastifyRequest, reply: FastifyReply, user: LoggedInUser) => {
    const s = await startSessionCookies(accounts, request, reply, user);
    return {
      user: {
        id: user.id,
        email: user.email,
        role: user.role,
        created_at: new Date(user.created_at).toISOString(),
      },
      csrf_token: s.csrfToken,
      expires_at: new Date(s.expiresAt).toISOString(),
    };
  };

  app.get(
    "/auth/setup",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        operationId: "getSetupStatus",
        summary: "Whether the first admin still has to be created",
        answers: "Whether setup is still needed.",
        response: { 200: z.object({ needed: z.boolean() }) },
      },
    },
    async () => ({ needed: !(await accounts.hasUsers()) }),
  );

  app.post(
    "/auth/setup",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        operationId: "setUp",
        summary: "Create the first admin with the one-time setup token the server printed",
        answers:
          "The first admin, logged in: the session cookie is set; the answer holds its CSRF token.",
        body: Credentials.extend({ token: z.string().min(1).max(200) }).strict(),
        response: { 201: SessionAnswer, ...problems(401, 409, 422) },
      },
    },
    async (request, reply) => {
      const { token, email, password } = request.body;
      await accounts.setup(token, email, password).catch(accountProblem);
      const user = await accounts.verify(email, password);
      if (!user) throw new HttpProblem(500, "internal", "Internal error");
      return reply.code(201).send(await logIn(request, reply, user));
    },
  );

  app.post(
    "/auth/login",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        operationId: "logIn",
        summary: "Log in: sets the session cookie and returns its CSRF token",
        answers: "Logged in: the session cookie is set; the answer holds its CSRF token.",
        body: Credentials,
        response: { 200: SessionAnswer, ...problems(401, 422, 429) },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const knownDevice = await accounts.knownDevice(email, request.cookies[DEVICE_COOKIE]);
      const wait = limiter.retryAfter(request.ip, email, { knownDevice });
      if (wait > 0) {
        reply.header("retry-after", String(wait));
        throw new HttpProblem(
          429,
          "rate-limited",
          "Too many failed logins",
          `Too many failed logins: try again in ${wait} s.`,
          { retry_after: wait },
        );
      }
      const user = await accounts.verify(email, password);
      if (!user) {
        limiter.fail(request.ip, email);
        throw new HttpProblem(
          401,
          "unauthorized",
          "Wrong email or password",
          "Wrong email or password.",
        );
      }
      limiter.succeed(email);
      return logIn(request, reply, user);
    },
  );

  app.post(
    "/auth/logout",
    {
      schema: {
        tags: ["auth"],
        operationId: "logOut",
        summary: "End the session (needs the CSRF token)",
        answers: "Logged out: the session has ended.",
        response: { 204: z.null(), ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p?.kind === "session") await accounts.endSession(p.idHash);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/auth/me",
    {
      schema: {
        tags: ["auth"],
        operationId: "whoAmI",
        summary: "Who is calling: the API key or the logged-in user (with the CSRF token)",
        answers: "The caller: an API key or a logged-in user.",
        response: {
          200: z.object({
            kind: z.enum(["key", "session"]),
            key: z.object({ id: z.string(), name: z.string() }).optional(),
            user: z.object({ id: z.string(), email: z.string(), role: z.string() }).optional(),
            csrf_token: z.string().optional(),
          }),
          ...problems(401),
        },
      },
    },
    async (request) => {
      const p = request.principal;
      if (p?.kind === "key") return { kind: "key" as const, key: { id: p.id, name: p.name } };
      if (p?.kind === "session") {
        return {
          kind: "session" as const,
          user: { id: p.userId, email: p.email, role: p.role },
          csrf_token: p.csrfToken,
        };
      }
      throw new HttpProblem(401, "unauthorized", "Authentication needed");
    },
  );
};
