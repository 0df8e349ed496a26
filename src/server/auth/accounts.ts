// People: the first admin (from a one-time setup link or from environment variables),
// argon2id password hashes, login sessions (cookie value stored as its sha-256, with a CSRF
// token), and a limiter of failed logins.
import { createHmac } from "node:crypto";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import type { Store } from "../../store/index.ts";
import {
  countUsers,
  deleteExpiredSessions,
  deleteSession,
  deleteUnusedSetupTokens,
  findSession,
  findSetupToken,
  findUserByEmail,
  insertSession,
  insertSetupToken,
  insertUser,
  setUserLogin,
  type UserRow,
  useSetupToken,
} from "../../store/queries/auth.ts";
import { newId } from "../ids.ts";
import { randomSecret, sameSecret, sha256Hex } from "./secrets.ts";

export interface UserView {
  id: string;
  email: string;
  role: string;
  created_at: string;
}

export interface SessionPrincipal {
  userId: string;
  email: string;
  role: string;
  csrfToken: string;
  idHash: string;
}

export class AccountError extends Error {
  constructor(
    readonly code: "invalid" | "unauthorized" | "conflict",
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const SETUP_TTL_MS = 24 * 3600 * 1000;
export const MIN_PASSWORD = 8;
// Verified against when the account does not exist, so a wrong email costs the same time.
let dummyHash: Promise<string> | undefined;

export function toUserView(u: UserRow): UserView {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    created_at: new Date(u.created_at).toISOString(),
  };
}

function deviceMac(user: UserRow): string {
  return createHmac("sha256", user.password_hash).update(`device:${user.id}`).digest("base64url");
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function checkNewAccount(email: string, password: string): void {
  if (!/^[^\s@]+@[^\s@]+$/.test(email.trim()) && !/^[a-z0-9._-]{2,64}$/i.test(email.trim())) {
    throw new AccountError("invalid", "Give an email address (or a user name).", "email");
  }
  if (password.length < MIN_PASSWORD) {
    throw new AccountError(
      "invalid",
      `A password has at least ${MIN_PASSWORD} characters.`,
      "password",
    );
  }
}

export class Accounts {
  constructor(
    private readonly store: Store,
    private readonly sessionTtlMs: number,
  ) {}

  hasUsers(): Promise<boolean> {
    return countUsers(this.store.db).then((n) => n > 0);
  }

  /** Creates an admin (the first one, from setup or the environment). */
  async createAdmin(email: string, password: string): Promise<UserView> {
    checkNewAccount(email, password);
    const row: UserRow = {
      id: newId(),
      email: normalizeEmail(email),
      password_hash: await argon2Hash(password),
      role: "admin",
      created_at: Date.now(),
      last_login_at: null,
    };
    if (await findUserByEmail(this.store.db, row.email)) {
      throw new AccountError("conflict", `An account "${row.email}" exists already.`, "email");
    }
    await insertUser(this.store.db, row);
    return toUserView(row);
  }

  /**
   * On start: with no account yet, creates the admin from the environment when given,
   * otherwise a fresh one-time setup token (returned, to print as a link).
   */
  async bootstrap(env: {
    email?: string | undefined;
    password?: string | undefined;
  }): Promise<{ created?: UserView; setupToken?: string }> {
    if (await this.hasUsers()) return {};
    if (env.email && env.password)
      return { created: await this.createAdmin(env.email, env.password) };
    await deleteUnusedSetupTokens(this.store.db);
    const token = randomSecret(24);
    const now = Date.now();
    await insertSetupToken(this.store.db, {
      hash: sha256Hex(token),
      created_at: now,
      expires_at: now + SETUP_TTL_MS,
      used_at: null,
    });
    return { setupToken: token };
  }

  /**
   * Why a setup link cannot be used, as a sentence that says how to get a new one; undefined
   * when it can. Only reads: the token is used by `setup`.
   */
  async setupLinkProblem(token: string): Promise<string | undefined> {
    const again =
      "To get a new link, restart the server (`plainrun serve`): while no account exists it prints a fresh one.";
    if (await this.hasUsers()) {
      return "This setup link has been used: the first admin exists already. Log in instead, or ask the admin for an account.";
    }
    if (!token)
      return `This page needs the setup link the server printed (it ends in /setup?token=…). ${again}`;
    const row = await findSetupToken(this.store.db, sha256Hex(token));
    if (!row) {
      return `This setup link is wrong (mistyped, cut short, or replaced by a newer one the server printed). ${again}`;
    }
    if (row.used_at !== null) return `This setup link has been used. ${again}`;
    if (Number(row.expires_at) <= Date.now())
      return `This setup link has expired (links last 24 hours). ${again}`;
    return undefined;
  }

  /** Uses a setup token once to create the first admin. */
  async setup(token: string, email: string, password: string): Promise<UserView> {
    if (await this.hasUsers()) {
      throw new AccountError("conflict", "Setup is done already: log in instead.");
    }
    checkNewAccount(email, password);
    const ok = await useSetupToken(this.store.db, sha256Hex(token), Date.now());
    if (!ok) {
      throw new AccountError(
        "unauthorized",
        "This setup link is not valid (used, expired, or replaced by a newer one printed by the server).",
        "token",
      );
    }
    return this.createAdmin(email, password);
  }

  /** Checks a password; returns the user or null (same time either way, roughly). */
  async verify(email: string, password: string): Promise<UserRow | null> {
    const user = await findUserByEmail(this.store.db, normalizeEmail(email));
    if (!user) {
      dummyHash ??= argon2Hash("not a real password");
      await argon2Verify(await dummyHash, password).catch(() => false);
      return null;
    }
    const ok = await argon2Verify(user.password_hash, password).catch(() => false);
    return ok ? user : null;
  }

  async startSession(
    user: UserRow,
  ): Promise<{ cookie: string; csrfToken: string; expiresAt: number }> {
    const cookie = randomSecret(32);
    const csrfToken = randomSecret(24);
    const now = Date.now();
    const expiresAt = now + this.sessionTtlMs;
    await insertSession(this.store.db, {
      id_hash: sha256Hex(cookie),
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: expiresAt,
    });
    await setUserLogin(this.store.db, user.id, now);
    if (Math.random() < 0.05) await deleteExpiredSessions(this.store.db, now);
    return { cookie, csrfToken, expiresAt };
  }

  async session(cookie: string): Promise<SessionPrincipal | null> {
    const idHash = sha256Hex(cookie);
    const s = await findSession(this.store.db, idHash, Date.now());
    if (!s) return null;
    return { userId: s.user_id, email: s.email, role: s.role, csrfToken: s.csrf_token, idHash };
  }

  /**
   * The device cookie set at a login: the user's id and an HMAC keyed by the password
   * hash, so it needs no storage, survives restarts and ends with a password change.
   */
  deviceCookie(user: UserRow): string {
    return `${user.id}.${deviceMac(user)}`;
  }

  /** Whether this device cookie was set by a login to this account. */
  async knownDevice(email: string, cookie: string | undefined): Promise<boolean> {
    if (!cookie) return false;
    const user = await findUserByEmail(this.store.db, normalizeEmail(email));
    return user !== undefined && sameSecret(cookie, this.deviceCookie(user));
  }

  async endSession(idHash: string): Promise<void> {
    await deleteSession(this.store.db, idHash);
  }
}

/**
 * Failed logins. Per client address: `max` failures in the window, then 429 until the
 * window has passed. Per account: from `max` failures on, each attempt waits a short delay
 * after the last failure, doubling with each further one (5 s, 10 s, 20 s… at most 60 s),
 * so guessing from many addresses is slow; a browser that logged in to the account before
 * (its device cookie) skips that delay, so an attacker cannot lock the owner out.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  static readonly BASE_DELAY_S = 5;
  static readonly MAX_DELAY_S = 60;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds until another attempt is allowed, or 0 when allowed now. */
  retryAfter(ip: string, email: string, opts: { knownDevice?: boolean } = {}): number {
    const now = Date.now();
    let wait = 0;
    const byIp = this.recent(`ip:${ip}`, now);
    if (byIp.length >= this.max) {
      const oldest = byIp[byIp.length - this.max] as number;
      wait = Math.ceil((oldest + this.windowMs - now) / 1000);
    }
    if (opts.knownDevice) return Math.max(wait, 0);
    const byAccount = this.recent(`user:${accountKey(email)}`, now);
    if (byAccount.length >= this.max) {
      const delayS = Math.min(
        LoginLimiter.MAX_DELAY_S,
        LoginLimiter.BASE_DELAY_S * 2 ** (byAccount.length - this.max),
      );
      const last = byAccount[byAccount.length - 1] as number;
      wait = Math.max(wait, Math.ceil((last + delayS * 1000 - now) / 1000));
    }
    return Math.max(wait, 0);
  }

  fail(ip: string, email: string): void {
    const now = Date.now();
    if (this.failures.size > 100_000) this.failures.clear();
    for (const key of [`ip:${ip}`, `user:${accountKey(email)}`]) {
      this.failures.set(key, [...this.recent(key, now), now].slice(-64));
    }
  }

  succeed(email: string): void {
    this.failures.delete(`user:${accountKey(email)}`);
  }
}

const accountKey = (email: string) => email.trim().toLowerCase();
