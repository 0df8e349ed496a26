// A run's execution state (exec_state) is written bounded (issue 7): a state whose JSON
// cannot be made (too deep for the stack) or is too large to store ends the run Failed with
// a sentence saying so, and an answer that would store such a state is refused, instead of
// an exception escaping the worker or the request.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SegmentEnd, segmentWrite } from "../../src/engine/worker/runWrites.ts";
import { type ExecState, start } from "../../src/interpreter/index.ts";
import { parse } from "../../src/language/index.ts";
import { createTestEngine, publishedProcess, type TestEngine } from "../helpers/engines.ts";

/** A list nested far deeper than JSON.stringify's stack allows (the interpreter bounds this at 100). */
function tooDeep(): unknown {
  let deep: unknown = [];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  return deep;
}

function stateHolding(value: unknown): ExecState {
  const state = start(parse('say "hi"').program, {});
  // A loop's list, as a state written before the depth bound could hold it.
  state.frames.push({ t: "e", b: 0, i: 0, n: 0, list: [value], item: "x" } as never);
  return state;
}

const held = { id: "r", owner: "w", timeUsedBefore: 0, segmentStart: 0, inputsJson: "{}" };
const NOT_SAVED = "The run's state could not be saved: it nests too deep.";

describe("a state that cannot be stored", () => {
  it.each<SegmentEnd>([
    { kind: "checkpoint" },
    { kind: "waiting" },
    { kind: "handback", reason: "its worker stopped" },
  ])("ends the run Failed instead of a $kind", (end) => {
    const w = segmentWrite(held, stateHolding(tooDeep()), { logged: 0, lastStep: 0 }, end, 1);
    expect(w.kind).toBe("finish");
    if (w.kind !== "finish") return;
    expect(w.row.status).toBe("Failed");
    expect(JSON.parse(w.row.error ?? "null")).toEqual({ line: null, message: NOT_SAVED });
    expect(w.events.at(-1)).toEqual({
      type: "status",
      data: { status: "Failed", error: { line: null, message: NOT_SAVED } },
    });
  });

  it("is stored as it is when it can be", () => {
    const state = stateHolding([[1, 2], "x"]);
    const w = segmentWrite(held, state, { logged: 0, lastStep: 0 }, { kind: "checkpoint" }, 1);
    expect(w.kind).toBe("update");
    if (w.kind === "update") expect(w.set.exec_state).toBe(JSON.stringify(state));
  });
});

describe("answering a run whose stored state cannot be stored again", () => {
  let te: TestEngine;
  beforeAll(async () => {
    te = await createTestEngine("sqlite");
  });
  afterAll(() => te?.cleanup());

  it("is refused with the sentence, and the run still waits", async () => {
    const { engine } = te;
    await publishedProcess(engine, "ask", 'say "hello {the name}"');
    const pool = await engine.startWorkers({ concurrency: 1 });
    const { id } = await engine.startRun({ process: "ask" });
    expect((await engine.runs.waitFor(id, { orWaiting: true })).status).toBe("AwaitingAnswer");
    await pool.stop();
    // A state written before the depth bound existed: JSON.parse reads it, stringify cannot.
    const row = await engine.store.db
      .selectFrom("runs")
      .select("exec_state")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const state = JSON.parse(row.exec_state ?? "null") as ExecState;
    state.frames.push({ t: "e", b: 0, i: 0, n: 0, list: ["HOLE"], item: "x" } as never);
    const deepText = "[".repeat(200_000) + "]".repeat(200_000);
    const text = JSON.stringify(state).replace('"HOLE"', deepText);
    await sql`update runs set exec_state = ${text} where id = ${id}`.execute(engine.store.db);

    await expect(engine.runs.answer(id, "Ada")).rejects.toMatchObject({
      code: "invalid",
      message: NOT_SAVED,
    });
    expect((await engine.runs.get(id)).status).toBe("AwaitingAnswer");
  }, 60_000);
});
