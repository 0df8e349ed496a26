// API keys: created with a secret shown once, stored as its sha-256, revocable. Checking a
// key is on every API request's path, so checked keys are kept in memory for a short TTL
// (revocations made through this process drop them at once) and last-used times are
// written in batches, not per request.
import type { Store } from "../../store/index.ts";
import {
  type ApiKeyRow,
  findApiKey,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKeys,
} from "../../store/queries/auth.ts";
import { newId } from "../ids.ts";
import { newApiKeySecret, sha256Hex } from "./secrets.ts";

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedKey extends ApiKeyView {
  /** The secret: shown once, never stored. */
  secret: string;
}

export interface KeyPrincipal {
  id: string;
  name: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toKeyView(r: ApiKeyRow): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    created_by: r.created_by,
    created_at: iso(r.created_at) as string,
    last_used_at: iso(r.last_used_at),
    revoked_at: iso(r.revoked_at),
  };
}

export class KeyError extends Error {
  constructor(
    readonly code: "invalid" | "not_found" | "ambiguous",
    message: string,
  ) {
    super(message);
  }
}

/** Creating, listing and revoking keys: shared by the API and `plainrun keys`. */
export async function createApiKey(
  store: Store,
  name: string,
  createdBy: string | null = null,
): Promise<CreatedKey> {
  const n = typeof name === "string" ? name.trim() : "";
  if (!n || n.length > 100)
    throw new KeyError("invalid", "A key needs a name of 1 to 100 characters.");
  const secret = newApiKeySecret();
  const row: ApiKeyRow = {
    id: newId(),
    name: n,
    hash: sha256Hex(secret),
    prefix: secret.slice(0, 10),
    created_by: createdBy,
    created_at: Date.now(),
    last_used_at: null,
    revoked_at: null,
  };
  await insertApiKey(store.db, row);
  return { ...toKeyView(row), secret };
}

export async function listKeys(store: Store): Promise<ApiKeyView[]> {
  return (await listApiKeys(store.db)).map(toKeyView);
}

/** Revokes by id, or by name when exactly one active key has it. */
export async function revokeKey(store: Store, idOrName: string): Promise<ApiKeyView> {
  const rows = await findApiKey(store.db, idOrName);
  const byId = rows.find((r) => r.id === idOrName);
  const active = rows.filter((r) => r.revoked_at === null);
  const target = byId ?? (active.length === 1 ? active[0] : undefined);
  if (!target) {
    if (active.length > 1) {
      throw new KeyError(
        "ambiguous",
        `${active.length} active keys are named "${idOrName}" (ids ${active.map((r) => r.id).join(", ")}): revoke one by its id.`,
      );
    }
    throw new KeyError("not_found", `No active API key with id or name "${idOrName}".`);
  }
  await revokeApiKey(store.db, target.id, Date.now());
  const [after] = (await findApiKey(store.db, target.id)).filter((r) => r.id === target.id);
  return toKeyView(after ?? target);
}

interface Cached {
  principal: KeyPrincipal | null;
  until: number;
}

export class ApiKeyCache {
  private readonly cache = new Map<string, Cached>();
  private used = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    flushEveryMs = 5000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushEveryMs);
    this.timer.unref();
  }

  /** The key's principal, or null for an unknown or revoked key. */
  async check(secret: string): Promise<KeyPrincipal | null> {
    const hash = sha256Hex(secret);
    const now = Date.now();
    const hit = this.cache.get(hash);
    let principal: KeyPrincipal | null;
    if (hit && hit.until > now) {
      principal = hit.principal;
    } else {
      const row = await findApiKeyByHash(this.store.db, hash);
      principal = row && row.revoked_at === null ? { id: row.id, name: row.name } : null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, { principal, until: now + this.ttlMs });
    }
    if (principal) this.used.set(principal.id, now);
    return principal;
  }

  /** Forgets every cached key (after a revocation here). */
  invalidate(): void {
    this.cache.clear();
  }

  /** Writes the batched last-used times. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.used.size === 0) return;
      const batch = this.used;
      this.used = new Map();
      try {
        await this.store.dialect.writeTransaction((trx) => touchApiKeys(trx, batch));
      } catch {
        // Best effort: last-used is informational; the next flush carries newer times.
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
