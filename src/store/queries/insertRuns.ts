// Stores new runs in multi-row statements (startRun groups concurrent calls into one).
import type { NewRunRow } from "../schema.ts";
import { chunks, type Db } from "./db.ts";

export async function insertRuns(db: Db, rows: NewRunRow[]): Promise<void> {
  for (const part of chunks(rows, 40)) await db.insertInto("runs").values(part).execute();
}
