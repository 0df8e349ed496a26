// Who may send to a process's addresses: anyone, or an allow-list of addresses and domains;
// optionally only senders whose message passes DMARC (DKIM or SPF aligned with From).
import type { DNSResolver } from "mailauth";
import { EngineError } from "../../engine/errors.ts";

export interface SenderRule {
  /** Addresses (`ap@example.com`) and domains (`example.com`); empty: anyone. */
  allow: string[];
  /** The message must pass DMARC (DKIM or SPF aligned with the From domain). */
  authenticated: boolean;
}

/** The default: anyone may send (the address's random token is the secret). */
export const ANYONE: SenderRule = { allow: [], authenticated: false };

export const MAX_ALLOW = 100;
const ADDRESS = /^[^\s@]{1,64}@[a-z0-9.-]{1,253}$/;
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Checks and normalizes a rule given by a person (API, CLI); throws naming the bad entry. */
export function checkSenderRule(input: unknown): SenderRule {
  const o = (input ?? {}) as { allow?: unknown; authenticated?: unknown };
  if (typeof o !== "object" || Array.isArray(o)) {
    throw new EngineError(
      "invalid",
      "A sender rule is an object with `allow` and `authenticated`.",
    );
  }
  const allow = o.allow ?? [];
  if (!Array.isArray(allow) || !allow.every((a) => typeof a === "string")) {
    throw new EngineError("invalid", "`allow` is a list of email addresses and domains.");
  }
  if (allow.length > MAX_ALLOW) {
    throw new EngineError(
      "too_large",
      `The allow-list has ${allow.length} entries; at most ${MAX_ALLOW} are allowed.`,
    );
  }
  const out = new Set<string>();
  for (const raw of allow) {
    const a = raw.trim().toLowerCase().replace(/^@/, "");
    if (!ADDRESS.test(a) && !DOMAIN.test(a)) {
      throw new EngineError(
        "invalid",
        `"${raw}" is neither an email address (name@example.com) nor a domain (example.com).`,
      );
    }
    out.add(a);
  }
  if (o.authenticated !== undefined && typeof o.authenticated !== "boolean") {
    throw new EngineError("invalid", "`authenticated` is true or false.");
  }
  return { allow: [...out], authenticated: o.authenticated === true };
}

/** A stored rule (JSON), read defensively: anything unreadable is "anyone". */
export function parseSenderRule(text: string): SenderRule {
  try {
    return checkSenderRule(JSON.parse(text));
  } catch {
    return ANYONE;
  }
}

/** Whether the address is on the list (an address entry, or its domain or a parent domain). */
export function senderAllowed(rule: SenderRule, address: string): boolean {
  if (rule.allow.length === 0) return true;
  const a = address.trim().toLowerCase();
  if (rule.allow.includes(a)) return true;
  const domain = a.slice(a.lastIndexOf("@") + 1);
  if (!domain || !a.includes("@")) return false;
  return rule.allow.some(
    (entry) => !entry.includes("@") && (domain === entry || domain.endsWith(`.${entry}`)),
  );
}

/** The rule in words, for refusals and the CLI. */
export function describeRule(rule: SenderRule): string {
  const who = rule.allow.length === 0 ? "anyone" : `only ${rule.allow.join(", ")}`;
  return rule.authenticated ? `${who}, authenticated (DMARC pass)` : who;
}

export interface AuthContext {
  ip: string;
  helo: string;
  /** MAIL FROM. */
  sender: string;
  mta: string;
  /** DNS lookups (tests give their own, with a local DKIM key). */
  resolver?: DNSResolver;
}

/** A DMARC check's result; `why` says what failed. */
export interface DmarcVerdict {
  pass: boolean;
  why: string;
}

/** Whether the raw message passes DMARC. */
export async function checkDmarc(raw: Buffer, ctx: AuthContext): Promise<DmarcVerdict> {
  // Loaded at the first message: the API and the CLI use this file's rules without it.
  const { authenticate } = await import("mailauth");
  const result = await authenticate(raw, {
    ip: ctx.ip,
    helo: ctx.helo,
    sender: ctx.sender,
    mta: ctx.mta,
    disableArc: true,
    disableBimi: true,
    ...(ctx.resolver ? { resolver: ctx.resolver } : {}),
  });
  const dmarc = result.dmarc;
  if (!dmarc) return { pass: false, why: "the From domain has no DMARC record" };
  const status = (dmarc as unknown as { status?: { result?: string; comment?: string } }).status;
  if (status?.result === "pass") return { pass: true, why: "DMARC pass" };
  return {
    pass: false,
    why: `DMARC ${status?.result ?? "fail"} for ${dmarc.domain}${status?.comment ? ` (${status.comment})` : ""}`,
  };
}
