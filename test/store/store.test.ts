// The store alone, through the same functions the engine calls: migrations, insert, claim,
// expired-lease claim, finish, renew, guarded updates and events, on both dialects.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ClaimOptions,
  claimByIds,
  claimExpired,
  type Db,
  finishPending,
  finishRuns,
  getRun,
  insertEvents,
  insertRuns,
  listEvents,
  listRuns,
  type NewRunRow,
  newRunRow,
  numberEvents,
  openStore,
  renewLeases,
  selectPending,
  updateRun,
} from "../../src/store/index.ts";
import {
  createTestStore,
  dialects,
  insertPlainProcess,
  type TestStore,
} from "../helpers/stores.ts";

/** A new run as startRun stores it, with `over` on top (any column, for the test's case). */
function runRow(id: string, over: Partial<NewRunRow> = {}): NewRunRow {
  const row = newRunRow({
    id,
    process_id: "p1",
    stage: "published",
    version: 1,
    source_hash: "h",
    trigger: "manual",
    trigger_details: "{}",
    inputs: '{"name":"Ada"}',
    input_values: "{}",
    file_ids: "[]",
    search_text: '{"name":"ada"}',
    rerun_of: null,
    time_limit_ms: 1000,
    created_at: 1000,
  });
  return { ...row, event_seq: 0, ...over };
}

describe.each(dialects)("store on %s", (dialect) => {
  let t: TestStore;
  /** A write transaction, as the engine's group commit runs these statements. */
  const write = <T>(fn: (trx: Db) => Promise<T>) => t.store.dialect.writeTransaction(fn);
  const insert = (rows: NewRunRow[]) => write((trx) => insertRuns(t.store.dialect, trx, rows));
  /** A claim as a worker makes it: pick the oldest Pending runs, then claim them. */
  const claim = (o: ClaimOptions & { limit: number }) =>
    write(async (trx) => {
      const picked = await selectPending(t.store.dialect, trx, o.limit);
      return claimByIds(
        t.store.dialect,
        trx,
        picked.map((p) => p.id),
        o,
      );
    });
  const end = (id: string, owner: string) => ({
    id,
    owner,
    status: "Succeeded" as const,
    outputs: '{"done":true}',
    log: "[]",
    timeline: "{}",
    error: null,
    finished_at: 7000,
    time_used_ms: 5,
    search_text: "x",
    eventCount: 2,
  });

  beforeEach(async () => {
    t = await createTestStore(dialect);
    const _db = t.store.db;
    await insertPlainProcess(t.store);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("applies migrations once: opening again is a no-op", async () => {
    const again = await t.reopen();
    expect(await again.db.selectFrom("runs").selectAll().execute()).toEqual([]);
  });

  it("stores every column of a new run as given", async () => {
    const row = runRow("r1", {
      version: null,
      stage: "draft",
      trigger: "test",
      outputs: "{}",
      log: "[]",
      error: "{}",
      question: "{}",
      exec_state: "{}",
      timeline: "{}",
      rerun_of: "r0",
      archived: 1,
      lease_owner: "w",
      lease_expires_at: 1,
      heartbeat_at: 2,
      running_since: 3,
      attempts: 4,
      recoveries: 5,
      time_used_ms: 6,
      cancel_requested: 1,
      cancelled_by: "u",
      event_seq: 7,
      started_at: 8,
      finished_at: 9,
      updated_at: 10,
    });
    await insert([row]);
    expect(await getRun(t.store.db, "r1")).toEqual(row);
  });

  it("claims each Pending run once, oldest first, and reserves a seq for its event", async () => {
    await insert(["r1", "r2", "r3"].map((id) => runRow(id)));
    const a = await claim({ owner: "w1", leaseMs: 1000, limit: 2, now: 5000 });
    const b = await claim({ owner: "w2", leaseMs: 1000, limit: 5, now: 5000 });
    expect(a.map((r) => r.id)).toEqual(["r1", "r2"]);
    expect(b.map((r) => r.id)).toEqual(["r3"]);
    expect(a[0]).toMatchObject({ attempts: 1, event_seq: 1 });
    expect(await getRun(t.store.db, "r1")).toMatchObject({
      status: "Running",
      lease_owner: "w1",
      lease_expires_at: 6000,
      started_at: 5000,
    });
  });

  it("concurrent claimers never claim the same run", async () => {
    await insert(Array.from({ length: 40 }, (_, i) => runRow(`r${String(i).padStart(2, "0")}`)));
    const claims = await Promise.all(
      ["w1", "w2", "w3", "w4"].map((owner) =>
        claim({ owner, leaseMs: 1000, limit: 15, now: 5000 }),
      ),
    );
    const ids = claims.flatMap((c) => c.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
  });

  it("reclaims only expired leases, counting the lost worker's time", async () => {
    await insert([runRow("r1")]);
    await claim({ owner: "w1", leaseMs: 1000, limit: 1, now: 5000 });
    await renewLeases(t.store.db, { owner: "w1", ids: ["r1"], leaseMs: 1000, now: 5400 });
    const expired = (now: number) =>
      write((trx) =>
        claimExpired(t.store.dialect, trx, { owner: "w2", leaseMs: 1000, limit: 1, now }),
      );
    expect(await expired(6000)).toEqual([]);
    const late = await expired(6500);
    expect(late[0]).toMatchObject({ id: "r1", recoveries: 1, attempts: 2, time_used_ms: 400 });
    expect((await getRun(t.store.db, "r1"))?.lease_owner).toBe("w2");
    // The first owner's renewal no longer finds the run.
    expect(
      await renewLeases(t.store.db, { owner: "w1", ids: ["r1"], leaseMs: 1000, now: 6600 }),
    ).toEqual([]);
  });

  it("guards every update: a final state never changes", async () => {
    await insert([runRow("r1", { status: "Succeeded" })]);
    const seq = await updateRun(
      t.store.db,
      "r1",
      { statuses: ["Pending", "Running"] },
      { status: "Cancelled" },
      1,
    );
    expect(seq).toBeUndefined();
    expect((await getRun(t.store.db, "r1"))?.status).toBe("Succeeded");
  });

  it("finishes runs only while they are still the worker's, or straight from Pending", async () => {
    const { dialect } = t.store;
    await insert(["r1", "r2", "r3", "r4"].map((id) => runRow(id, { event_seq: 1 })));
    const claimed = await claim({ owner: "w1", leaseMs: 1000, limit: 2, now: 5000 });
    expect(claimed.map((c) => [c.id, c.attempts, c.event_seq])).toEqual([
      ["r1", 1, 2],
      ["r2", 1, 2],
    ]);
    // r3 and r4 are written final straight from Pending (executed within the claim).
    const direct = await write((trx) =>
      finishPending(dialect, trx, [end("r3", "w1"), end("r4", "w1")], 5000),
    );
    expect(direct).toEqual([3, 3]);
    expect(await getRun(t.store.db, "r3")).toMatchObject({
      status: "Succeeded",
      attempts: 1,
      started_at: 5000,
      finished_at: 7000,
      lease_owner: null,
      event_seq: 3,
    });
    const seqs = await write(async (trx) => ({
      wrongOwner: await finishRuns(dialect, trx, [end("r1", "w2")]),
      ok: await finishRuns(dialect, trx, [end("r1", "w1"), end("r2", "w1")]),
      notPending: await finishPending(dialect, trx, [end("r1", "w1")], 5000),
      again: await claimByIds(dialect, trx, ["r3"], { owner: "w2", leaseMs: 1000, now: 8000 }),
    }));
    expect(seqs).toEqual({
      wrongOwner: [undefined],
      ok: [4, 4],
      notPending: [undefined],
      again: [],
    });
    expect(await getRun(t.store.db, "r1")).toMatchObject({
      status: "Succeeded",
      outputs: '{"done":true}',
      error: null,
      exec_state: null,
      time_used_ms: 5,
      updated_at: 7000,
    });
  });

  it("stores many events at once and reads them from a seq", async () => {
    const { dialect } = t.store;
    await insert([runRow("r1")]);
    const last = await updateRun(t.store.db, "r1", {}, { archived: 1 }, 3);
    expect(last).toBe(3);
    const few = numberEvents(
      "r1",
      3,
      [
        { type: "a", data: 1 },
        { type: "b", data: 2 },
        { type: "c", data: 3 },
      ],
      9,
    );
    await write((trx) => insertEvents(dialect, trx, few));
    const rows = await listEvents(t.store.db, "r1", 1, 10);
    expect(rows.map((r) => [r.seq, r.type, JSON.parse(r.data)])).toEqual([
      [2, "b", 2],
      [3, "c", 3],
    ]);
    const many = Array.from({ length: 150 }, (_, i) => ({
      run_id: "r1",
      seq: i + 4,
      at: 1,
      type: "log",
      data: JSON.stringify({ text: `line ${i}` }),
    }));
    await write((trx) => insertEvents(dialect, trx, many));
    const stored = await listEvents(t.store.db, "r1", 3, 500);
    expect(stored.map((e) => e.seq)).toEqual(many.map((e) => e.seq));
    expect(stored[149]?.data).toBe('{"text":"line 149"}');
  });

  it("filters by text case-insensitively, with % and _ taken literally", async () => {
    await insert([
      runRow("r1", { search_text: '{"note":"100% sure"}' }),
      runRow("r2", { search_text: '{"note":"1000 sure"}' }),
    ]);
    const hits = await listRuns(t.store.db, { text: "100%", limit: 10 }, t.store.dialect.name);
    expect(hits.map((r) => r.id)).toEqual(["r1"]);
    expect(
      (await listRuns(t.store.db, { text: "SURE", limit: 10 }, t.store.dialect.name)).length,
    ).toBe(2);
  });
});

describe("openStore", () => {
  it("opens :memory: SQLite", async () => {
    const s = await openStore({ url: ":memory:" });
    expect(s.dialect.name).toBe("sqlite");
    await s.close();
  });
});
