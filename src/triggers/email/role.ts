// The `smtp` role of `plainrun serve`: the listener on --smtp-port for --mail-domain.
import { readFileSync } from "node:fs";
import type { RoleContext, RoleHandle } from "../../server/serve.ts";
import { EmailAddresses, mailDomainOf } from "./addresses.ts";
import { startSmtpListener } from "./listener.ts";

export async function startSmtpRole(ctx: RoleContext): Promise<RoleHandle> {
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
  const listener = await startSmtpListener({
    engine: ctx.engine,
    addresses,
    port: config.smtpPort,
    host,
    maxBytes: config.smtpMaxSize,
    maxRecipients: config.smtpMaxRecipients,
    timeoutMs: config.smtpTimeoutMs,
    ...(tls ? { tls } : {}),
    logger: ctx.logger,
  });
  ctx.print(
    `Plainrun SMTP listening on ${host}:${listener.port} for @${addresses.domain}${tls ? " (STARTTLS)" : ""}`,
  );
  return { stop: () => listener.close() };
}
