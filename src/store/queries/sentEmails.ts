// The emails runs send: one row per `send an email` statement execution (run and step),
// stored with the run's checkpoint before anything is sent ("pending"), marked "sending" in
// its own commit just before the relay is asked, then "sent", "refused" or "unknown".
import type { Selectable } from "kysely";
import type { SentEmailsTable } from "../schema.ts";
import type { Db } from "./db.ts";

export type SentEmailRow = Selectable<SentEmailsTable>;
export type SentEmailStatus = "pending" | "sending" | "sent" | "refused" | "unknown";

/** Inserts the intent unless that run's step has one already (the unique key wins). */
export async function insertSentEmail(db: Db, row: SentEmailRow): Promise<void> {
  await db
    .insertInto("sent_emails")
    .values(row)
    .onConflict((oc) => oc.columns(["run_id", "step"]).doNothing())
    .execute();
}

export async function getSentEmail(
  db: Db,
  runId: string,
  step: string,
): Promise<SentEmailRow | undefined> {
  return db
    .selectFrom("sent_emails")
    .selectAll()
    .where("run_id", "=", runId)
    .where("step", "=", step)
    .executeTakeFirst();
}

/** Moves a row from one status to another; false when it was not in `from` any more. */
export async function moveSentEmail(
  db: Db,
  id: string,
  from: SentEmailStatus,
  to: SentEmailStatus,
  answer: string | null,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable("sent_emails")
    .set({ status: to, answer, updated_at: now })
    .where("id", "=", id)
    .where("status", "=", from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A run's emails, in the order its statements sent them. */
export async function listSentEmails(db: Db, runId: string): Promise<SentEmailRow[]> {
  return db
    .selectFrom("sent_emails")
    .selectAll()
    .where("run_id", "=", runId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}
