// The store alone: migrations, the claim, guarded updates and events, on both dialects.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  claimRuns,
  getRun,
  insertEvents,
  insertProcess,
  insertRuns,
  insertSource,
  listEvents,
  listRuns,
  type NewRunRow,
  numberEvents,
  openStore,
  renewLeases,
  updateRun,
} from "../../src/store/index.ts";
import { createTestStore, dialects, type TestStore } from "../helpers/stores.ts";

function runRow(id: string, over: Partial<NewRunRow> = {}): NewRunRow {
  return {
    id,
    process_id: "p1",
    stage: "published",
    version: 1,
    source_hash: "h",
    trigger: "manual",
    trigger_details: "{}",
    status: "Pending",
    inputs: '{"name":"Ada"}',
    input_values: "{}",
    file_ids: "[]",
    outputs: null,
    log: null,
    error: null,
    question: null,
    exec_state: null,
    timeline: null,
    search_text: '{"name":"ada"}',
    rerun_of: null,
    archived: 0,
    lease_owner: null,
    lease_expires_at: null,
    heartbeat_at: null,
    running_since: null,
    attempts: 0,
    recoveries: 0,
    time_used_ms: 0,
    time_limit_ms: 1000,
    cancel_requested: 0,
    cancelled_by: null,
    event_seq: 0,
    created_at: 1000,
    started_at: null,
    finished_at: null,
    updated_at: 1000,
    ...over,
  };
}

describe.each(dialects)("store on %s", (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await createTestStore(dialect);
    const db = t.store.db;
    await insertSource(db, { hash: "h", source: "say 1", inputs: "[]", created_at: 1 });
    await insertProcess(db, {
      id: "p1",
      name: "P",
      description: "",
      draft_source: "say 1",
      draft_hash: "h",
      draft_inputs: "[]",
      published_hash: "h",
      settings: "{}",
      starred_outputs: "[]",
      latest_version: 1,
      created_at: 1,
      updated_at: 1,
    });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("applies migrations once: opening again is a no-op", async () => {
    const again = await t.reopen();
    expect(await again.db.selectFrom("runs").selectAll().execute()).toEqual([]);
  });

  it("claims each Pending run once, oldest first, and reserves a seq for its event", async () => {
    const db = t.store.db;
    await insertRuns(
      db,
      ["r1", "r2", "r3"].map((id) => runRow(id)),
    );
    const a = await claimRuns(t.store.dialect, db, {
      owner: "w1",
      leaseMs: 1000,
      limit: 2,
      now: 5000,
    });
    const b = await claimRuns(t.store.dialect, db, {
      owner: "w2",
      leaseMs: 1000,
      limit: 5,
      now: 5000,
    });
    expect(a.map((r) => r.id).sort()).toEqual(["r1", "r2"]);
    expect(b.map((r) => r.id)).toEqual(["r3"]);
    expect(a[0]).toMatchObject({
      status: "Running",
      lease_owner: "w1",
      attempts: 1,
      event_seq: 1,
      lease_expires_at: 6000,
    });
  });

  it("reclaims only expired leases, counting the lost worker's time", async () => {
    const db = t.store.db;
    await insertRuns(db, [runRow("r1")]);
    await claimRuns(t.store.dialect, db, { owner: "w1", leaseMs: 1000, limit: 1, now: 5000 });
    await renewLeases(db, { owner: "w1", ids: ["r1"], leaseMs: 1000, now: 5400 });
    const early = await claimRuns(t.store.dialect, db, {
      owner: "w2",
      leaseMs: 1000,
      limit: 1,
      now: 6000,
      expired: true,
    });
    expect(early).toEqual([]);
    const late = await claimRuns(t.store.dialect, db, {
      owner: "w2",
      leaseMs: 1000,
      limit: 1,
      now: 6500,
      expired: true,
    });
    expect(late[0]).toMatchObject({
      lease_owner: "w2",
      recoveries: 1,
      attempts: 2,
      time_used_ms: 400,
    });
    // The first owner's renewal no longer finds the run.
    expect(await renewLeases(db, { owner: "w1", ids: ["r1"], leaseMs: 1000, now: 6600 })).toEqual(
      [],
    );
  });

  it("guards every update: a final state never changes", async () => {
    const db = t.store.db;
    await insertRuns(db, [runRow("r1", { status: "Succeeded" })]);
    const seq = await updateRun(
      db,
      "r1",
      { statuses: ["Pending", "Running"] },
      { status: "Cancelled" },
      1,
    );
    expect(seq).toBeUndefined();
    expect((await getRun(db, "r1"))?.status).toBe("Succeeded");
  });

  it("hot path: claims oldest first, finishes with guards, and stores many events at once", async () => {
    const { dialect } = t.store;
    const { hot } = dialect;
    const rows = ["r1", "r2", "r3", "r4"].map((id) => runRow(id, { event_seq: 1 }));
    await dialect.writeTransaction((trx) => hot.insertRuns(trx, rows));
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
    const picked = await dialect.writeTransaction(async (trx) => {
      const candidates = await hot.selectPending(trx, 3);
      expect(candidates.map((c) => c.id)).toEqual(["r1", "r2", "r3"]);
      const claimed = await hot.claimByIds(trx, ["r1", "r2"], {
        owner: "w1",
        leaseMs: 1000,
        now: 5000,
      });
      // r3 is written final straight from Pending (executed within the claim).
      const direct = await hot.finishPending(trx, [end("r3", "w1"), end("r4", "w1")], 5000);
      return { claimed, direct };
    });
    expect(picked.claimed.map((c) => [c.id, c.attempts, c.event_seq])).toEqual([
      ["r1", 1, 2],
      ["r2", 1, 2],
    ]);
    expect(picked.direct).toEqual([3, 3]);
    const r3 = await getRun(t.store.db, "r3");
    expect(r3).toMatchObject({
      status: "Succeeded",
      attempts: 1,
      started_at: 5000,
      finished_at: 7000,
      lease_owner: null,
      event_seq: 3,
    });
    const seqs = await dialect.writeTransaction(async (trx) => ({
      wrongOwner: await hot.finishRuns(trx, [end("r1", "w2")]),
      ok: await hot.finishRuns(trx, [end("r1", "w1"), end("r2", "w1")]),
      notPending: await hot.finishPending(trx, [end("r1", "w1")], 5000),
      again: await hot.claimByIds(trx, ["r3"], { owner: "w2", leaseMs: 1000, now: 8000 }),
    }));
    expect(seqs).toEqual({
      wrongOwner: [undefined],
      ok: [4, 4],
      notPending: [undefined],
      again: [],
    });
    const events = Array.from({ length: 150 }, (_, i) => ({
      run_id: "r1",
      seq: i + 1,
      at: 1,
      type: "log",
      data: JSON.stringify({ text: `line ${i}` }),
    }));
    await dialect.writeTransaction((trx) => hot.insertEvents(trx, events));
    const stored = await listEvents(t.store.db, "r1", 0, 500);
    expect(stored.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(stored[149]?.data).toBe('{"text":"line 149"}');
  });

  it("numbers events per run and reads them from a seq", async () => {
    const db = t.store.db;
    await insertRuns(db, [runRow("r1")]);
    const last = await updateRun(db, "r1", {}, { archived: 1 }, 3);
    expect(last).toBe(3);
    await insertEvents(
      db,
      numberEvents(
        "r1",
        3,
        [
          { type: "a", data: 1 },
          { type: "b", data: 2 },
          { type: "c", data: 3 },
        ],
        9,
      ),
    );
    const rows = await listEvents(db, "r1", 1, 10);
    expect(rows.map((r) => [r.seq, r.type, JSON.parse(r.data)])).toEqual([
      [2, "b", 2],
      [3, "c", 3],
    ]);
  });

  it("filters by text case-insensitively, with % and _ taken literally", async () => {
    const db = t.store.db;
    await insertRuns(db, [
      runRow("r1", { search_text: '{"note":"100% sure"}' }),
      runRow("r2", { search_text: '{"note":"1000 sure"}' }),
    ]);
    const hits = await listRuns(db, { text: "100%", limit: 10 });
    expect(hits.map((r) => r.id)).toEqual(["r1"]);
    expect((await listRuns(db, { text: "SURE", limit: 10 })).length).toBe(2);
  });
});

describe("openStore", () => {
  it("opens :memory: SQLite", async () => {
    const s = await openStore({ url: ":memory:" });
    expect(s.dialect.name).toBe("sqlite");
    await s.close();
  });
});
