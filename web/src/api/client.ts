// The one way the UI talks to the server: a client typed by the served OpenAPI document
// (schema.d.ts is generated from it by scripts/openapi-types.ts), with the session's CSRF
// token on writes and every problem+json answer turned into an ApiError that says its detail.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Run = components["schemas"]["Run"];
export type RunDetail = components["schemas"]["RunDetail"];
export type Process = components["schemas"]["Process"];
export type Version = components["schemas"]["Version"];
export type Diagnostic = components["schemas"]["Diagnostic"];
export type ApiKey = components["schemas"]["ApiKey"];
export type RunStatus = Run["status"];
export type RunEvent = components["schemas"]["RunEvent"];

export const RUN_STATUSES: RunStatus[] = [
  "Pending",
  "Running",
  "AwaitingAnswer",
  "Succeeded",
  "Failed",
  "Cancelled",
  "TimedOut",
];
export const FINAL_STATUSES: RunStatus[] = ["Succeeded", "Failed", "Cancelled", "TimedOut"];
export const TRIGGERS: Run["trigger"][] = ["manual", "email", "api", "schedule", "rerun", "test"];

interface ProblemBody {
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  diagnostics?: Diagnostic[];
}

/** An API refusal, its message the problem's detail (or title). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
  ) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}.`);
  }
}

let csrfToken: string | undefined;
/** The session's CSRF token (from login, setup or /auth/me), sent on every write. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== "GET" && request.method !== "HEAD" && csrfToken) {
      request.headers.set("x-csrf-token", csrfToken);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(csrf);

/** The data of an openapi-fetch answer, or an ApiError with the problem's words. */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch (err) {
    throw new ApiError(0, {
      detail: `The server could not be reached (${(err as Error).message}).`,
    });
  }
  const { data, error, response } = answer;
  if (!response.ok) {
    const problem = (typeof error === "object" && error ? error : {}) as ProblemBody;
    if (response.status === 401 && !location.pathname.match(/^\/(login|setup)/)) {
      window.dispatchEvent(new Event("plainrun:unauthorized"));
    }
    throw new ApiError(response.status, problem);
  }
  return data as T;
}

// Schedules' types come from their routes (whatever their components are named).
type JsonOf<T> = T extends { content: { "application/json": infer B } } ? B : never;
export type Schedule = JsonOf<paths["/api/v2/schedules/{id}"]["get"]["responses"][200]>;
export type ScheduleSlot = JsonOf<
  paths["/api/v2/schedules/{id}/slots"]["get"]["responses"][200]
>["items"][number];
export type ScheduleSpec = JsonOf<
  NonNullable<paths["/api/v2/schedules/preview"]["post"]["requestBody"]>
>;
export type SchedulePreset = NonNullable<ScheduleSpec["preset"]>;
export type ScheduleChange = JsonOf<
  NonNullable<paths["/api/v2/schedules/{id}"]["patch"]["requestBody"]>
>;
