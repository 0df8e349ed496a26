// `plainrun serve` as a function: opens the engine (engine/serverEngine.ts: the store, and
// the executors with the worker role), starts this process's other roles (the HTTP API and
// UI, the SMTP listener, the scheduler), and stops them in order. Roles other than api and worker plug in through registerRole(): the triggers'
// modules call it, and this file needs no change for them.
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import pino from "pino";
import {
  type Engine,
  type MailSettings,
  openServerEngine,
  type SearchIndexerHandle,
  startSearchIndexer,
} from "../engine/index.ts";
import type { Store } from "../store/index.ts";
import { buildApp, type PlainrunApp } from "./app.ts";
import { type Role, type ServerConfig, storeUrl } from "./config.ts";
import { tuneHeapForServing } from "./heapTuning.ts";

/** What a role gets to start with. */
export interface RoleContext {
  config: ServerConfig;
  store: Store;
  engine: Engine;
  logger: pino.Logger;
  /** Prints a line for people (stdout). */
  print(line: string): void;
}

export interface RoleHandle {
  /** Stops the role; called on shutdown, in reverse start order. */
  stop(): Promise<void>;
}

/** A role's starter: `smtp` (src/triggers/email) and `scheduler` (src/triggers/schedule) plug in here. */
export type RoleStarter = (ctx: RoleContext) => Promise<RoleHandle>;

const roleStarters = new Map<Role, RoleStarter>();

/** Registers the starter of a role (the extension point for the SMTP listener and the scheduler). */
export function registerRole(role: Role, start: RoleStarter): void {
  roleStarters.set(role, start);
}

export interface RunningServer {
  /** The URL the API listens on (when the api role runs). */
  url: string | undefined;
  port: number | undefined;
  engine: Engine;
  store: Store;
  http: PlainrunApp | undefined;
  /**
   * Graceful stop: stops accepting requests and claiming runs, lets running runs finish for
   * up to shutdownGraceMs, hands the rest back (their leases released, they resume on another
   * worker), then closes the store.
   */
  close(): Promise<void>;
}

/** Where `send an email` goes: the relay, the From address, the domain of Message-IDs. */
function mailSettingsOf(config: ServerConfig): MailSettings {
  const domain = (config.mailDomain || hostname()).toLowerCase();
  return {
    relayUrl: config.smtpRelayUrl,
    from: config.mailFrom || `plainrun@${domain}`,
    domain,
  };
}

function urlOf(host: string, port: number): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

export async function startServer(
  config: ServerConfig,
  print: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<RunningServer> {
  tuneHeapForServing();
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  if (!config.databaseUrl) mkdirSync(resolve(config.dataDir), { recursive: true });
  const served = await openServerEngine({
    url: storeUrl(config),
    poolSize: config.pgPoolSize,
    limits: { maxFileBytes: config.uploadLimit },
    logger,
    ...(config.roles.includes("worker")
      ? {
          workers: {
            concurrency: config.concurrency,
            inThreads: config.workerThread,
            logLevel: config.logLevel,
            memoryMb: config.executorMemoryMb,
            watchdogMs: config.executorWatchdogMs,
            mail: mailSettingsOf(config),
            dateOrder: config.dateOrder,
          },
        }
      : {}),
  });
  const { engine, store } = served;
  // Suite runs left Running by a server that stopped are resumed here (engine.close() stops it).
  engine.suites.startRecovery({
    leaseMs: config.suiteLeaseMs,
    onRecover: (id, how) =>
      logger.warn({ suiteRun: id }, `suite run ${how} after its server stopped`),
  });
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  let http: PlainrunApp | undefined;
  let url: string | undefined;
  let port: number | undefined;
  let indexer: SearchIndexerHandle | undefined;
  try {
    for (const role of config.roles) {
      if (role === "api" || role === "worker") continue;
      const start = roleStarters.get(role);
      if (!start) {
        logger.warn({ role }, `role "${role}" is not available in this build yet; skipped`);
        print(`Plainrun: the ${role} role is not available yet; skipped.`);
        continue;
      }
      const handle = await start({ config, store, engine, logger, print });
      stops.push({ name: role, stop: () => handle.stop() });
    }
    if (config.roles.includes("api")) {
      http = await buildApp({ engine, config, roles: config.roles });
      // The first admin (or the setup token) exists before the first request can arrive.
      const boot = await http.accounts.bootstrap({
        email: config.adminEmail,
        password: config.adminPassword,
      });
      await http.app.listen({ port: config.port, host: config.host });
      // The executor threads started meanwhile: the URL is printed once both are ready.
      await served.started;
      const address = http.app.server.address();
      port = typeof address === "object" && address ? address.port : config.port;
      url = urlOf(config.host, port);
      print(`Plainrun listening on ${url}`);
      // Started once the server answers: the first pass over a large store takes a while.
      indexer = startSearchIndexer(store, logger);
      if (boot.created) print(`Created the admin account ${boot.created.email}.`);
      if (boot.setupToken) {
        const base = (config.publicUrl ?? url).replace(/\/+$/, "");
        print(
          `No account yet: create the admin at ${base}/setup?token=${boot.setupToken} (one use, valid 24 hours).`,
        );
      }
    } else if (served.executing) {
      await served.started;
      print(`Plainrun worker started (${config.concurrency} runs at once)`);
    }
  } catch (err) {
    await indexer?.stop().catch(() => {});
    await http?.close().catch(() => {});
    for (const s of stops.reverse()) await s.stop().catch(() => {});
    await served.close(0).catch(() => {});
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    engine,
    store,
    http,
    close() {
      closing ??= (async () => {
        // New requests and new claims stop first; then running runs get their grace.
        await http?.close().catch((err) => logger.error({ err }, "closing HTTP failed"));
        await indexer?.stop();
        for (const s of stops.reverse()) {
          await s.stop().catch((err) => logger.error({ err, role: s.name }, "stopping failed"));
        }
        await served.close(config.shutdownGraceMs);
        logger.flush();
      })();
      return closing;
    },
  };
}
