// A process's email address token and sender rule: read by token (the SMTP listener), by
// process (the API), created once, rotated and changed in place.
import type { Selectable } from "kysely";
import type { EmailAddressesTable, ProcessRow } from "../schema.ts";
import type { Db } from "./db.ts";

export type EmailAddressRow = Selectable<EmailAddressesTable>;

/** What the listener needs of a process: whether each stage can run. */
export type TokenProcess = Pick<
  ProcessRow,
  "id" | "name" | "latest_version" | "published_hash" | "draft_source"
>;

/**
 * The process a token names and its sender rule, in one statement (the listener asks at
 * RCPT TO and again at the end of DATA, for every message).
 */
export async function getProcessByEmailToken(
  db: Db,
  token: string,
): Promise<{ process: TokenProcess; senders: string } | undefined> {
  const row = await db
    .selectFrom("email_addresses as e")
    .innerJoin("processes as p", "p.id", "e.process_id")
    .select(["p.id", "p.name", "p.latest_version", "p.published_hash", "p.draft_source"])
    .select("e.senders as email_senders")
    .where("e.token", "=", token)
    .executeTakeFirst();
  if (!row) return undefined;
  const { email_senders, ...process } = row;
  return { process, senders: email_senders };
}

export async function getEmailAddress(
  db: Db,
  processId: string,
): Promise<EmailAddressRow | undefined> {
  return db
    .selectFrom("email_addresses")
    .selectAll()
    .where("process_id", "=", processId)
    .executeTakeFirst();
}

/** Inserts the row unless the process has one already (a concurrent first read wins). */
export async function insertEmailAddress(db: Db, row: EmailAddressRow): Promise<void> {
  await db
    .insertInto("email_addresses")
    .values(row)
    .onConflict((oc) => oc.column("process_id").doNothing())
    .execute();
}

export async function updateEmailAddress(
  db: Db,
  processId: string,
  patch: Partial<Pick<EmailAddressRow, "token" | "senders">>,
  now: number,
): Promise<void> {
  await db
    .updateTable("email_addresses")
    .set({ ...patch, updated_at: now })
    .where("process_id", "=", processId)
    .execute();
}
