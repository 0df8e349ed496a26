// Queries of the auth tables (migration 002_auth): API keys, users, sessions, setup tokens.
// Their row types live here (not in schema.ts) so the server's auth stays one module; each
// function takes the store's Kysely (or a transaction) like every other query.
import type { Kysely, Selectable } from "kysely";
import type { Db } from "./db.ts";

export interface ApiKeysTable {
  id: string;
  name: string;
  /** sha-256 (hex) of the secret; the secret itself is never stored. */
  hash: string;
  /** The secret's first characters, to tell keys apart in lists. */
  prefix: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface UsersTable {
  id: string;
  email: string;
  /** argon2id PHC string. */
  password_hash: string;
  role: string;
  created_at: number;
  last_login_at: number | null;
}

export interface SessionsTable {
  /** sha-256 (hex) of the cookie value. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface SetupTokensTable {
  hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AuthDatabase {
  api_keys: ApiKeysTable;
  users: UsersTable;
  sessions: SessionsTable;
  setup_tokens: SetupTokensTable;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;

const auth = (db: Db) => db as unknown as Kysely<AuthDatabase>;

// API keys

export async function insertApiKey(db: Db, row: ApiKeyRow): Promise<void> {
  await auth(db).insertInto("api_keys").values(row).execute();
}

export async function findApiKeyByHash(db: Db, hash: string): Promise<ApiKeyRow | undefined> {
  return auth(db).selectFrom("api_keys").selectAll().where("hash", "=", hash).executeTakeFirst();
}

export async function findApiKey(db: Db, idOrName: string): Promise<ApiKeyRow[]> {
  return auth(db)
    .selectFrom("api_keys")
    .selectAll()
    .where((eb) => eb.or([eb("id", "=", idOrName), eb("name", "=", idOrName)]))
    .execute();
}

export async function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
  return auth(db).selectFrom("api_keys").selectAll().orderBy("created_at").orderBy("id").execute();
}

/** Revokes a key; returns false when there is no such key that is not revoked already. */
export async function revokeApiKey(db: Db, id: string, at: number): Promise<boolean> {
  const r = await auth(db)
    .updateTable("api_keys")
    .set({ revoked_at: at })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Writes last-used times in one transaction-friendly pass (later times only). */
export async function touchApiKeys(db: Db, used: ReadonlyMap<string, number>): Promise<void> {
  for (const [id, at] of used) {
    await auth(db)
      .updateTable("api_keys")
      .set({ last_used_at: at })
      .where("id", "=", id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", at)]))
      .execute();
  }
}

// Users

export async function countUsers(db: Db): Promise<number> {
  const r = await auth(db)
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await auth(db).insertInto("users").values(row).execute();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return auth(db).selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  return auth(db).selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function setUserLogin(db: Db, id: string, at: number): Promise<void> {
  await auth(db).updateTable("users").set({ last_login_at: at }).where("id", "=", id).execute();
}

// Sessions

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await auth(db).insertInto("sessions").values(row).execute();
}

export async function findSession(
  db: Db,
  idHash: string,
  now: number,
): Promise<(SessionRow & { email: string; role: string }) | undefined> {
  return auth(db)
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("sessions")
    .select(["users.email", "users.role"])
    .where("sessions.id_hash", "=", idHash)
    .where("sessions.expires_at", ">", now)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await auth(db).deleteFrom("sessions").where("id_hash", "=", idHash).execute();
}

export async function deleteExpiredSessions(db: Db, now: number): Promise<void> {
  await auth(db).deleteFrom("sessions").where("expires_at", "<=", now).execute();
}

// Setup tokens (one-time links that create the first admin)

export async function insertSetupToken(db: Db, row: Selectable<SetupTokensTable>): Promise<void> {
  await auth(db).insertInto("setup_tokens").values(row).execute();
}

/** Marks the token used; true only for the first caller with a valid, unexpired token. */
export async function useSetupToken(db: Db, hash: string, now: number): Promise<boolean> {
  const r = await auth(db)
    .updateTable("setup_tokens")
    .set({ used_at: now })
    .where("hash", "=", hash)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A setup token's row by its hash (to tell a wrong link from a used or expired one). */
export async function findSetupToken(
  db: Db,
  hash: string,
): Promise<Selectable<SetupTokensTable> | undefined> {
  return auth(db)
    .selectFrom("setup_tokens")
    .selectAll()
    .where("hash", "=", hash)
    .executeTakeFirst();
}

export async function deleteUnusedSetupTokens(db: Db): Promise<void> {
  await auth(db).deleteFrom("setup_tokens").where("used_at", "is", null).execute();
}
