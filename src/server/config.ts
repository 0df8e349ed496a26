// Every setting of `plainrun serve` (and of `plainrun keys`, which opens the same store), in
// one list: its flag, its environment variable, its default and what it means. The CLI builds
// its options from this list and docs/configuration.md documents the same rows.

import { dataDirUrl } from "../store/index.ts";

export type Role = "api" | "worker" | "smtp" | "scheduler";
export const ROLES: readonly Role[] = ["api", "worker", "smtp", "scheduler"];

export interface ServerConfig {
  dataDir: string;
  databaseUrl: string | undefined;
  port: number;
  host: string;
  concurrency: number;
  workerThread: boolean;
  executorMemoryMb: number;
  executorWatchdogMs: number;
  dateOrder: "day" | "month" | undefined;
  roles: Role[];
  publicUrl: string | undefined;
  logLevel: string;
  bodyLimit: number;
  uploadLimit: number;
  keyCacheTtlMs: number;
  sessionTtlHours: number;
  loginMaxFailures: number;
  loginWindowMs: number;
  shutdownGraceMs: number;
  suiteLeaseMs: number;
  webDir: string;
  pgPoolSize: number;
  trustProxy: boolean;
  sseHeartbeatMs: number;
  ssePollMs: number;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  smtpPort: number;
  smtpHost: string | undefined;
  mailDomain: string | undefined;
  smtpMaxSize: number;
  smtpMaxRecipients: number;
  smtpTimeoutMs: number;
  smtpTlsCert: string | undefined;
  smtpTlsKey: string | undefined;
  smtpRelayUrl: string | undefined;
  mailFrom: string | undefined;
}

export interface Setting {
  key: keyof ServerConfig;
  /** The flag, e.g. "--port <n>"; undefined: environment only (secrets). */
  flag: string | undefined;
  env: string;
  default: string | undefined;
  meaning: string;
  parse: (raw: string) => unknown;
  /** Also read by `plainrun keys` (which only opens the store). */
  store?: boolean;
}

function int(name: string, min: number) {
  return (raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`${name} must be a whole number of at least ${min} (got "${raw}")`);
    }
    return n;
  };
}

function bool(name: string) {
  return (raw: string) => {
    const v = raw.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off", ""].includes(v)) return false;
    throw new Error(`${name} must be true or false (got "${raw}")`);
  };
}

const text = (raw: string) => raw;

function dateOrder(raw: string): "day" | "month" | undefined {
  const v = raw.trim().toLowerCase();
  if (v === "") return undefined;
  if (v === "day-first" || v === "day") return "day";
  if (v === "month-first" || v === "month") return "month";
  throw new Error(`--date-order must be day-first or month-first (got "${raw}")`);
}

function roles(raw: string): Role[] {
  const list = raw
    .split(",")
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0) throw new Error("--roles needs at least one role");
  for (const r of list) {
    if (!(ROLES as readonly string[]).includes(r)) {
      throw new Error(`unknown role "${r}" (roles: ${ROLES.join(", ")})`);
    }
  }
  return [...new Set(list)] as Role[];
}

export const SETTINGS: readonly Setting[] = [
  {
    key: "dataDir",
    flag: "--data-dir <dir>",
    env: "PLAINRUN_DATA_DIR",
    default: "./plainrun-data",
    meaning:
      "Directory of the embedded SQLite database (`plainrun.sqlite`), used when no database URL is given.",
    parse: text,
    store: true,
  },
  {
    key: "databaseUrl",
    flag: "--database-url <url>",
    env: "PLAINRUN_DATABASE_URL",
    default: undefined,
    meaning:
      "`postgres://…` to share the work between several servers (else the embedded SQLite file).",
    parse: text,
    store: true,
  },
  {
    key: "pgPoolSize",
    flag: "--pg-pool-size <n>",
    env: "PLAINRUN_PG_POOL_SIZE",
    default: "10",
    meaning: "PostgreSQL connections per process.",
    parse: int("--pg-pool-size", 1),
    store: true,
  },
  {
    key: "port",
    flag: "--port <n>",
    env: "PLAINRUN_PORT",
    default: "3000",
    meaning: "HTTP port (0: any free port; the URL printed on start tells which).",
    parse: int("--port", 0),
  },
  {
    key: "host",
    flag: "--host <addr>",
    env: "PLAINRUN_HOST",
    default: "127.0.0.1",
    meaning: "Address to listen on (`0.0.0.0` for every interface).",
    parse: text,
  },
  {
    key: "roles",
    flag: "--roles <list>",
    env: "PLAINRUN_ROLES",
    default: "api,worker,scheduler",
    meaning:
      "What this process does, comma-separated: `api` (HTTP: API and UI), `worker` (executes runs), `smtp` (receives email for processes' addresses), `scheduler` (fires schedules' slots; any number of processes may take it, each slot fires once).",
    parse: roles,
  },
  {
    key: "concurrency",
    flag: "--concurrency <n>",
    env: "PLAINRUN_CONCURRENCY",
    default: "4",
    meaning: "Runs a worker executes at once.",
    parse: int("--concurrency", 1),
  },
  {
    key: "workerThread",
    flag: "--worker-thread <bool>",
    env: "PLAINRUN_WORKER_THREAD",
    default: "true",
    meaning:
      "Run the worker role in executor threads of this process (their own event loop, database connection and memory bound), so executing runs neither slows nor endangers the API; `false`: on the main thread, without that isolation (for debugging).",
    parse: bool("--worker-thread"),
  },
  {
    key: "executorMemoryMb",
    flag: "--executor-memory <mb>",
    env: "PLAINRUN_EXECUTOR_MEMORY_MB",
    default: "512",
    meaning:
      "Heap an executor thread may use (MB), shared by the runs it executes at once. A run that passes it is stopped and ends Failed saying so; the server and its other runs go on.",
    parse: int("--executor-memory", 16),
  },
  {
    key: "executorWatchdogMs",
    flag: "--executor-watchdog <ms>",
    env: "PLAINRUN_EXECUTOR_WATCHDOG_MS",
    default: "10000",
    meaning:
      "An executor whose event loop stays busy this long without a pause is stopped, and the run that held it ends Failed saying so.",
    parse: int("--executor-watchdog", 1000),
  },
  {
    key: "dateOrder",
    flag: "--date-order <order>",
    env: "PLAINRUN_DATE_ORDER",
    default: undefined,
    meaning:
      "How runs read numeric dates such as `04/05/2026` when their process does not say (`dates are written day first`): `day-first` (4 May) or `month-first` (April 5). Unset: such a date fails the run with both readings and the rewrites.",
    parse: dateOrder,
  },
  {
    key: "publicUrl",
    flag: "--public-url <url>",
    env: "PLAINRUN_PUBLIC_URL",
    default: undefined,
    meaning:
      "The URL people use to reach this server (in the printed setup link); default `http://HOST:PORT`.",
    parse: text,
  },
  {
    key: "trustProxy",
    flag: "--trust-proxy <bool>",
    env: "PLAINRUN_TRUST_PROXY",
    default: "false",
    meaning:
      "Trust `X-Forwarded-*` headers (behind a reverse proxy that terminates HTTPS: the session cookie is then `Secure`).",
    parse: bool("--trust-proxy"),
  },
  {
    key: "logLevel",
    flag: "--log-level <level>",
    env: "PLAINRUN_LOG_LEVEL",
    default: "warn",
    meaning:
      "pino log level: `fatal`, `error`, `warn`, `info` (one line per request), `debug`, `trace`, `silent`.",
    parse: text,
  },
  {
    key: "bodyLimit",
    flag: "--body-limit <bytes>",
    env: "PLAINRUN_BODY_LIMIT",
    default: "1048576",
    meaning: "Largest JSON request body; larger ones get 413.",
    parse: int("--body-limit", 1024),
  },
  {
    key: "uploadLimit",
    flag: "--upload-limit <bytes>",
    env: "PLAINRUN_UPLOAD_LIMIT",
    default: "26214400",
    meaning: "Largest file accepted by `POST /api/v2/files`; larger ones get 413.",
    parse: int("--upload-limit", 1),
  },
  {
    key: "keyCacheTtlMs",
    flag: "--key-cache-ttl <ms>",
    env: "PLAINRUN_KEY_CACHE_TTL_MS",
    default: "10000",
    meaning:
      "How long a checked API key is trusted from memory; a key revoked by another process stops working within this time (at once when revoked through this server).",
    parse: int("--key-cache-ttl", 0),
  },
  {
    key: "sessionTtlHours",
    flag: "--session-ttl <hours>",
    env: "PLAINRUN_SESSION_TTL_HOURS",
    default: "168",
    meaning: "How long a login session lasts.",
    parse: int("--session-ttl", 1),
  },
  {
    key: "loginMaxFailures",
    flag: "--login-max-failures <n>",
    env: "PLAINRUN_LOGIN_MAX_FAILURES",
    default: "5",
    meaning:
      "Failed logins allowed per client address and per account within the window; further attempts get 429.",
    parse: int("--login-max-failures", 1),
  },
  {
    key: "loginWindowMs",
    flag: "--login-window <ms>",
    env: "PLAINRUN_LOGIN_WINDOW_MS",
    default: "900000",
    meaning: "The failed-login window (15 minutes).",
    parse: int("--login-window", 1000),
  },
  {
    key: "sseHeartbeatMs",
    flag: "--sse-heartbeat <ms>",
    env: "PLAINRUN_SSE_HEARTBEAT_MS",
    default: "15000",
    meaning: "Comment line sent on idle event streams, so proxies keep them open.",
    parse: int("--sse-heartbeat", 100),
  },
  {
    key: "ssePollMs",
    flag: "--sse-poll <ms>",
    env: "PLAINRUN_SSE_POLL_MS",
    default: "5000",
    meaning:
      "Fallback re-read of live event streams. Events are pushed (from this process's executors, and between servers on PostgreSQL by NOTIFY); this only covers what no notification tells, such as another process's writes on SQLite (a CLI command).",
    parse: int("--sse-poll", 100),
  },
  {
    key: "shutdownGraceMs",
    flag: "--shutdown-grace <ms>",
    env: "PLAINRUN_SHUTDOWN_GRACE_MS",
    default: "10000",
    meaning:
      "On SIGTERM/SIGINT, how long running runs may finish before their leases are handed back (they resume on another worker).",
    parse: int("--shutdown-grace", 0),
  },
  {
    key: "suiteLeaseMs",
    flag: "--suite-lease <ms>",
    env: "PLAINRUN_SUITE_LEASE_MS",
    default: "30000",
    meaning:
      "A suite run whose server has not renewed its heartbeat for this long (the server stopped) is taken over and resumed by another server, or by this one when it starts again (docs/test-suite.md).",
    parse: int("--suite-lease", 300),
  },
  {
    key: "webDir",
    flag: "--web-dir <dir>",
    env: "PLAINRUN_WEB_DIR",
    default: "web/dist",
    meaning: "The built web UI; when missing, `/` shows a small page that links the API docs.",
    parse: text,
  },
  {
    key: "smtpPort",
    flag: "--smtp-port <n>",
    env: "PLAINRUN_SMTP_PORT",
    default: "2525",
    meaning: "SMTP port of the `smtp` role (0: any free port; printed on start).",
    parse: int("--smtp-port", 0),
  },
  {
    key: "smtpHost",
    flag: "--smtp-host <addr>",
    env: "PLAINRUN_SMTP_HOST",
    default: undefined,
    meaning: "Address the SMTP listener binds to; default the same as `--host`.",
    parse: text,
  },
  {
    key: "mailDomain",
    flag: "--mail-domain <domain>",
    env: "PLAINRUN_MAIL_DOMAIN",
    default: undefined,
    meaning:
      "The domain of processes' addresses (`name.TOKEN@DOMAIN`); its MX record should point at this server. Default: this machine's host name.",
    parse: text,
  },
  {
    key: "smtpMaxSize",
    flag: "--smtp-max-size <bytes>",
    env: "PLAINRUN_SMTP_MAX_SIZE",
    default: "26214400",
    meaning: "Largest message accepted (announced in EHLO as SIZE); larger ones get 552.",
    parse: int("--smtp-max-size", 1024),
  },
  {
    key: "smtpMaxRecipients",
    flag: "--smtp-max-recipients <n>",
    env: "PLAINRUN_SMTP_MAX_RECIPIENTS",
    default: "50",
    meaning: "Most recipients of one message; further `RCPT TO` get 452.",
    parse: int("--smtp-max-recipients", 1),
  },
  {
    key: "smtpTimeoutMs",
    flag: "--smtp-timeout <ms>",
    env: "PLAINRUN_SMTP_TIMEOUT_MS",
    default: "60000",
    meaning:
      "An SMTP client silent this long (between commands or in the middle of a message) is disconnected; nothing it sent is kept.",
    parse: int("--smtp-timeout", 100),
  },
  {
    key: "smtpTlsCert",
    flag: "--smtp-tls-cert <file>",
    env: "PLAINRUN_SMTP_TLS_CERT",
    default: undefined,
    meaning:
      "PEM certificate (chain) for STARTTLS; with `--smtp-tls-key` the listener offers STARTTLS.",
    parse: text,
  },
  {
    key: "smtpTlsKey",
    flag: "--smtp-tls-key <file>",
    env: "PLAINRUN_SMTP_TLS_KEY",
    default: undefined,
    meaning: "PEM private key for STARTTLS.",
    parse: text,
  },
  {
    key: "smtpRelayUrl",
    flag: "--smtp-relay-url <url>",
    env: "PLAINRUN_SMTP_RELAY_URL",
    default: undefined,
    meaning:
      "The SMTP relay that delivers what processes send (`send an email to …`): `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465`. Without it, a run that sends an email fails saying so. Prefer the environment variable when the URL holds a password.",
    parse: text,
  },
  {
    key: "mailFrom",
    flag: "--mail-from <address>",
    env: "PLAINRUN_MAIL_FROM",
    default: undefined,
    meaning:
      "The From address of emails processes send; default `plainrun@` the mail domain (`--mail-domain`).",
    parse: text,
  },
  {
    key: "adminEmail",
    flag: undefined,
    env: "PLAINRUN_ADMIN_EMAIL",
    default: undefined,
    meaning:
      "With `PLAINRUN_ADMIN_PASSWORD`: creates this admin on first start instead of printing a setup link.",
    parse: text,
  },
  {
    key: "adminPassword",
    flag: undefined,
    env: "PLAINRUN_ADMIN_PASSWORD",
    default: undefined,
    meaning: "The first admin's password (at least 8 characters); environment only, never a flag.",
    parse: text,
  },
];

/** Commander's camelCase name of a flag ("--data-dir <dir>" → "dataDir"). */
export function flagName(flag: string): string {
  const long = flag.split(/\s+/)[0]?.replace(/^--/, "") ?? "";
  return long.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The configuration from flags (as commander gives them), then environment variables, then
 * defaults. Throws a plain-English error for a bad value.
 */
export function resolveConfig(
  flags: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const fromFlag = s.flag ? flags[flagName(s.flag)] : undefined;
    const raw =
      fromFlag !== undefined && fromFlag !== null
        ? String(fromFlag)
        : env[s.env] !== undefined && env[s.env] !== ""
          ? env[s.env]
          : s.default;
    out[s.key] = raw === undefined ? undefined : s.parse(raw);
  }
  return out as unknown as ServerConfig;
}

/** The store URL the configuration points at. */
export function storeUrl(config: Pick<ServerConfig, "dataDir" | "databaseUrl">): string {
  return config.databaseUrl ?? dataDirUrl(config.dataDir);
}
