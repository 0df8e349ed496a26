// The `smtp` role of `plainrun serve`: the listener on --smtp-port for --mail-domain, in a
// thread of its own (smtpThread.ts) that asks this thread's engine for addresses and to
// start runs. If that thread dies, it is started again on the same port.
import { readFileSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../../engine/moduleWorker.ts";
import type { RoleContext, RoleHandle } from "../../server/serve.ts";
import { EmailAddresses, mailDomainOf } from "./addresses.ts";
import { engineIntake, type MailIntake, type SmtpLogger } from "./intake.ts";
import { type FromSmtpThread, serveIntake } from "./intakePort.ts";
import type { SmtpSettings } from "./listener.ts";
import type { SmtpThreadData } from "./smtpThread.ts";

const RESTART_AFTER_MS = 1000;
/**
 * Messages the SMTP thread parses itself: a round trip to a reader thread costs more CPU
 * than parsing a typical message (bench/email: 15% of the CPU per message), and the SMTP
 * thread holds up only other SMTP sessions meanwhile (256 KB: a few ms at most).
 */
const PARSE_IN_SMTP_THREAD_MAX = 256 * 1024;

/** Starts the SMTP thread; resolves with it and its port once it listens. */
async function startThread(
  data: SmtpThreadData,
  intake: MailIntake,
  logger: SmtpLogger,
): Promise<{ worker: Worker; port: number }> {
  const worker = startModuleWorker(new URL("./smtpThread.ts", import.meta.url), {
    workerData: data,
  });
  serveIntake(worker, intake, logger);
  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (m: FromSmtpThread) => {
      if (m.t === "listening") resolve(m.port);
      else if (m.t === "failed") reject(new Error(m.message));
      else return;
      worker.off("message", onMessage);
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the SMTP thread stopped with code ${code}`)));
  }).catch(async (err) => {
    await worker.terminate();
    throw err;
  });
  return { worker, port };
}

export interface SmtpRoleHandle extends RoleHandle {
  /** The SMTP thread now running (undefined while it is being started again). */
  thread(): Worker | undefined;
}

export async function startSmtpRole(ctx: RoleContext): Promise<SmtpRoleHandle> {
  const { config } = ctx;
  if (Boolean(config.smtpTlsCert) !== Boolean(config.smtpTlsKey)) {
    throw new Error("STARTTLS needs both --smtp-tls-cert and --smtp-tls-key");
  }
  const tls =
    config.smtpTlsCert && config.smtpTlsKey
      ? { cert: readFileSync(config.smtpTlsCert), key: readFileSync(config.smtpTlsKey) }
      : undefined;
  const addresses = new EmailAddresses(ctx.engine, mailDomainOf(config));
  const host = config.smtpHost || config.host;
  const settings: SmtpSettings = {
    port: config.smtpPort,
    host,
    maxBytes: config.smtpMaxSize,
    maxRecipients: config.smtpMaxRecipients,
    timeoutMs: config.smtpTimeoutMs,
    inlineMax: PARSE_IN_SMTP_THREAD_MAX,
    ...(tls ? { tls } : {}),
  };
  const intake = await engineIntake(ctx.engine, addresses, ctx.logger);
  let current: { worker: Worker; port: number };
  try {
    current = await startThread({ settings, domain: addresses.domain }, intake, ctx.logger);
  } catch (err) {
    await intake.close();
    throw err;
  }
  // A restarted thread listens where the first one did (port 0 chose one).
  settings.port = current.port;
  let stopping = false;
  let alive = true;
  let restart: NodeJS.Timeout | undefined;
  const restartLater = () => {
    restart = setTimeout(() => {
      startThread({ settings, domain: addresses.domain }, intake, ctx.logger).then(
        (next) => {
          if (stopping) return void next.worker.terminate();
          current = next;
          watch(next.worker);
        },
        (err) => {
          ctx.logger.error({ err }, "the SMTP thread could not be started again");
          if (!stopping) restartLater();
        },
      );
    }, RESTART_AFTER_MS);
  };
  const watch = (worker: Worker) => {
    alive = true;
    worker.once("exit", (code) => {
      alive = false;
      if (stopping) return;
      ctx.logger.error({ code }, "the SMTP thread stopped; starting it again");
      restartLater();
    });
  };
  watch(current.worker);
  ctx.print(
    `Plainrun SMTP listening on ${host}:${current.port} for @${addresses.domain}${tls ? " (STARTTLS)" : ""}`,
  );
  return {
    thread: () => (alive ? current.worker : undefined),
    stop: async () => {
      stopping = true;
      clearTimeout(restart);
      const { worker } = current;
      if (alive) {
        const closed = new Promise<void>((resolve) => {
          worker.on("message", (m: FromSmtpThread) => m.t === "closed" && resolve());
          worker.once("exit", () => resolve());
        });
        worker.postMessage({ t: "close" });
        await closed;
        await worker.terminate();
      }
      await intake.close();
    },
  };
}
