import type { Command } from "commander";
import type { Engine } from "../../engine/index.ts";
import {
  EmailAddresses,
  mailDomainOf,
  type ProcessAddresses,
} from "../../triggers/email/addresses.ts";
import { describeRule } from "../../triggers/email/senders.ts";
import { engineCommand } from "../engineCommand.ts";
import { out, printJson } from "../format.ts";
import { type CommonFlags, collect, storeOptions } from "../options.ts";

interface EmailFlags extends CommonFlags {
  mailDomain?: string;
}

interface SendersFlags extends EmailFlags {
  allow?: string[];
  anyone?: boolean;
  authenticated?: boolean;
}

function show(a: ProcessAddresses, json: boolean | undefined): void {
  if (json) {
    printJson(a);
    return;
  }
  out(
    [
      `Process ${a.process}`,
      `  published:  ${a.published}`,
      `  draft:      ${a.draft}`,
      `  senders:    ${describeRule(a.senders)}`,
    ].join("\n"),
  );
}

function withAddresses(flags: EmailFlags, body: (a: EmailAddresses) => Promise<ProcessAddresses>) {
  return engineCommand(flags, async (engine: Engine) => {
    const domain = mailDomainOf({
      mailDomain: flags.mailDomain ?? process.env.PLAINRUN_MAIL_DOMAIN,
    });
    show(await body(new EmailAddresses(engine, domain)), flags.json);
  });
}

const domainOption = (cmd: Command) =>
  cmd.option(
    "--mail-domain <domain>",
    "the domain of the addresses, as the server's (default $PLAINRUN_MAIL_DOMAIN or the host name)",
  );

/** `plainrun email …`: a process's addresses and who may send to them. */
export function registerEmail(group: Command): void {
  storeOptions(
    domainOption(
      group
        .command("show")
        .description("show a process's published and draft addresses and its sender rule")
        .argument("<process>", "the process's name or id"),
    ),
  ).action((name: string, flags: EmailFlags) => withAddresses(flags, (a) => a.get(name)));

  storeOptions(
    domainOption(
      group
        .command("rotate")
        .description("give a process new addresses; the old ones are refused from now on")
        .argument("<process>", "the process's name or id"),
    ),
  ).action((name: string, flags: EmailFlags) => withAddresses(flags, (a) => a.rotate(name)));

  storeOptions(
    domainOption(
      group
        .command("senders")
        .description(
          "set who may send to a process: --anyone, or --allow (repeatable), and --authenticated",
        )
        .argument("<process>", "the process's name or id")
        .option(
          "--allow <address-or-domain>",
          "an address or domain that may send (repeat for more)",
          collect,
        )
        .option("--anyone", "anyone may send (clears the allow-list)")
        .option("--authenticated", "only messages that pass DMARC (DKIM or SPF)")
        .option("--no-authenticated", "authenticated or not"),
    ),
  ).action((name: string, flags: SendersFlags) =>
    withAddresses(flags, async (a) => {
      const current = (await a.get(name)).senders;
      const allow = flags.anyone ? [] : (flags.allow ?? current.allow);
      return a.setSenders(name, {
        allow,
        authenticated: flags.authenticated ?? current.authenticated,
      });
    }),
  );
}
