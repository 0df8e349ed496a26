// Each process's two addresses (published and draft) share one random token:
// `invoice-intake.k3f9x2m7qa@DOMAIN` and `invoice-intake.draft.k3f9x2m7qa@DOMAIN`. The token
// is the secret (the name part is for people and is not checked, so a rename keeps mail
// flowing); rotating replaces it and the old addresses stop working at once.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { type Engine, EngineError } from "../../engine/index.ts";
import {
  type EmailAddressRow,
  findProcess,
  getEmailAddress,
  getProcessByEmailToken,
  insertEmailAddress,
  type ProcessRow,
  type Stage,
  type TokenProcess,
  updateEmailAddress,
} from "../../store/index.ts";
import { ANYONE, checkSenderRule, parseSenderRule, type SenderRule } from "./senders.ts";

export interface ProcessAddresses {
  process_id: string;
  process: string;
  published: string;
  draft: string;
  senders: SenderRule;
}

const TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const TOKEN_LENGTH = 10;
const TOKEN = /^[a-z0-9]{10}$/;

/** 10 random characters of [a-z0-9] (about 51 bits). */
export function newToken(): string {
  const bytes = randomBytes(TOKEN_LENGTH * 2);
  let out = "";
  for (let i = 0; out.length < TOKEN_LENGTH && i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 252) out += TOKEN_ALPHABET[b % 36]; // 252 = 7 × 36: no bias
  }
  return out.length === TOKEN_LENGTH ? out : newToken();
}

/** The name part of an address: the process name in lower-case letters, digits and dashes. */
export function slugOf(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "process";
}

/** What a recipient's local part names: a stage and a token (or nothing it could be). */
export function parseLocalPart(local: string): { stage: Stage; token: string } | undefined {
  const parts = local.toLowerCase().split(".");
  const token = parts.at(-1) ?? "";
  if (!TOKEN.test(token)) return undefined;
  if (parts.length === 2 && parts[0]) return { stage: "published", token };
  if (parts.length === 3 && parts[0] && parts[1] === "draft") return { stage: "draft", token };
  return undefined;
}

/** The domain of processes' addresses: --mail-domain, else this machine's host name. */
export function mailDomainOf(config: { mailDomain?: string | undefined }): string {
  return (config.mailDomain || hostname()).toLowerCase();
}

/** What an address names: small, as the SMTP thread asks for it twice per message. */
export interface ResolvedRecipient {
  processId: string;
  processName: string;
  stage: Stage;
  senders: SenderRule;
  /** Why this stage cannot take mail (never published, an empty draft), or undefined. */
  refusal?: string;
}

/** Why a process cannot take mail at this stage, or undefined when it can. */
function stageRefusal(p: TokenProcess, stage: Stage): string | undefined {
  if (stage === "published" && (p.latest_version === 0 || !p.published_hash)) {
    return `process "${p.name}" has never been published: mail its draft address instead`;
  }
  if (stage === "draft" && !p.draft_source.trim()) {
    return `process "${p.name}" has no draft to run`;
  }
  return undefined;
}

export class EmailAddresses {
  constructor(
    private readonly engine: Engine,
    readonly domain: string,
  ) {}

  private async row(processRef: string): Promise<{ p: ProcessRow; row: EmailAddressRow }> {
    const db = this.engine.store.db;
    const p = await findProcess(db, processRef);
    if (!p) throw new EngineError("not_found", `No process named or with id "${processRef}".`);
    let row = await getEmailAddress(db, p.id);
    if (!row) {
      const now = Date.now();
      await insertEmailAddress(db, {
        process_id: p.id,
        token: newToken(),
        senders: JSON.stringify(ANYONE),
        created_at: now,
        updated_at: now,
      });
      row = (await getEmailAddress(db, p.id)) as EmailAddressRow;
    }
    return { p, row };
  }

  private view(p: ProcessRow, row: EmailAddressRow): ProcessAddresses {
    const slug = slugOf(p.name);
    return {
      process_id: p.id,
      process: p.name,
      published: `${slug}.${row.token}@${this.domain}`,
      draft: `${slug}.draft.${row.token}@${this.domain}`,
      senders: parseSenderRule(row.senders),
    };
  }

  /** The process's addresses (its token is made on first use). */
  async get(processRef: string): Promise<ProcessAddresses> {
    const { p, row } = await this.row(processRef);
    return this.view(p, row);
  }

  /** New addresses; the old ones are refused from now on. */
  async rotate(processRef: string): Promise<ProcessAddresses> {
    const { p } = await this.row(processRef);
    await updateEmailAddress(this.engine.store.db, p.id, { token: newToken() }, Date.now());
    return this.get(p.id);
  }

  async setSenders(processRef: string, rule: unknown): Promise<ProcessAddresses> {
    const checked = checkSenderRule(rule);
    const { p } = await this.row(processRef);
    await updateEmailAddress(
      this.engine.store.db,
      p.id,
      { senders: JSON.stringify(checked) },
      Date.now(),
    );
    return this.get(p.id);
  }

  /** The process and stage an address names, or undefined when it names none. */
  async resolve(address: string): Promise<ResolvedRecipient | undefined> {
    const at = address.lastIndexOf("@");
    if (at <= 0) return undefined;
    if (address.slice(at + 1).toLowerCase() !== this.domain.toLowerCase()) return undefined;
    const parsed = parseLocalPart(address.slice(0, at));
    if (!parsed) return undefined;
    const found = await getProcessByEmailToken(this.engine.store.db, parsed.token);
    if (!found) return undefined;
    const { process: p } = found;
    const refusal = stageRefusal(p, parsed.stage);
    return {
      processId: p.id,
      processName: p.name,
      stage: parsed.stage,
      senders: parseSenderRule(found.senders),
      ...(refusal ? { refusal } : {}),
    };
  }
}
