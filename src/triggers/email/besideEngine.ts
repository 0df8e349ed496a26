// The SMTP listener in the engine's own thread, asking the engine directly: how tests and
// embedders run it. (`plainrun serve` runs the listener in a thread of its own, role.ts;
// that thread loads listener.ts and not this module, so the engine's code stays out of its
// heap, where every major garbage collection would mark it again.)
import type { DNSResolver } from "mailauth";
import type { Engine } from "../../engine/index.ts";
import type { EmailAddresses } from "./addresses.ts";
import { engineIntake, type SmtpLogger } from "./intake.ts";
import { listen, type SmtpListener, type SmtpSettings } from "./listener.ts";

/** A listener beside the engine (in its thread), as tests and embedders run it. */
export interface SmtpListenerOptions extends SmtpSettings {
  engine: Engine;
  addresses: EmailAddresses;
  /** DNS for DMARC checks (tests give their own). */
  resolver?: DNSResolver;
  logger?: SmtpLogger;
}

/** Starts a listener that asks the engine directly. */
export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const intake = await engineIntake(opts.engine, opts.addresses, opts.logger);
  try {
    return await listen(opts, intake, opts.logger, opts.resolver);
  } catch (err) {
    await intake.close();
    throw err;
  }
}
