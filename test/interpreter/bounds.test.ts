// Issue 7: no process can exhaust its executor. Each bound ends the run Failed (or
// TimedOut) with a sentence naming the bound and the line, never an internal error.
import { describe, expect, it } from "vitest";
import {
  drive,
  inputsFromJson,
  runSlice,
  type SliceOptions,
  start,
  type Value,
  view,
} from "../../src/interpreter/index.ts";
import { NESTED_RECORD } from "../helpers/poison.ts";
import { compile, files } from "./helpers.ts";

async function runWith(
  source: string,
  opts: Partial<SliceOptions> = {},
  inputs: Record<string, Value> = {},
) {
  const p = compile(source);
  const state = start(p, inputs);
  await drive(p, state, { files, ...opts });
  return { state, ...view(state) };
}

describe("a list that reads what it appends to (issue 7, item 1)", () => {
  it("add the xs to the xs doubles the list once", async () => {
    const r = await runWith('the xs are 1, 2\nadd the xs to the xs\nsay "done"');
    expect(r.error).toBeNull();
    expect(r.outputs).toEqual({ xs: [1, 2, 1, 2] });
    expect(r.log).toEqual(["done"]);
  });

  it("doubling in a loop stops at the list bound, naming it and the line", async () => {
    const r = await runWith("the xs are 1, 2\nrepeat 100 times\n  add the xs to the xs", {
      limits: { listItems: 1000 },
    });
    expect(r.status).toBe("Failed");
    expect(r.error?.line).toBe(3);
    expect(r.error?.message).toMatch(/^a list can hold at most 1,000 items/);
  });

  it("a list of lists doubling in size stops at the state bound", async () => {
    const r = await runWith(
      'the xs are "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "b"\nrepeat 40 times\n  add the xs to the xs',
      { limits: { stateBytes: 1024 * 1024 } },
    );
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toBe("the run's values passed their 1 MB limit");
    expect(r.error?.line).toBe(3);
  });

  it("shared texts count where they appear: one text in many items", async () => {
    const r = await runWith(
      'the t is "0123456789"\nrepeat 19 times\n  the t is "{the t}{the t}"\nthe xs are the t, the t\nrepeat 30 times\n  add the xs to the xs',
      { limits: { stateBytes: 16 * 1024 * 1024 } },
    );
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toBe("the run's values passed their 16 MB limit");
  });

  it("a list of itself twice doubles its size each time: stopped by the state bound", async () => {
    const r = await runWith(
      'the xs are "abcdefghijabcdefghij", 2\nrepeat 60 times\n  the xs are the xs, the xs',
      { limits: { stateBytes: 1024 * 1024 } },
    );
    expect(r.status).toBe("Failed");
    expect(r.error).toEqual({ line: 3, message: "the run's values passed their 1 MB limit" });
  });

  it("a table whose rows repeat a long header is counted as it is read", async () => {
    // 40 KB of JSON per row: 10 rows pass 256 KB, though the CSV is 40 KB.
    const csv = `${"h".repeat(40_000)}\n${Array.from({ length: 10 }, (_, i) => i).join("\n")}\n`;
    const r = await runWith(
      "the rows are the csv as a table",
      { limits: { stateBytes: 256 * 1024 } },
      { csv },
    );
    expect(r.status).toBe("Failed");
    expect(r.error).toEqual({ line: 1, message: "the run's values passed their 256 KB limit" });
  });

  it("texts: joining, replacing and interpolating are refused before the text is built", async () => {
    const join = await runWith(
      'the t is "0123456789"\nthe xs are the t, the t, the t\nthe j is the xs joined with ""',
      { limits: { textChars: 25 } },
    );
    expect(join.error).toEqual({ line: 3, message: "a text can hold at most 25 characters" });
    const rep = await runWith('the t is "aaaaaaaaaa"\nthe u is the t with "a" replaced by "bbb"', {
      limits: { textChars: 25 },
    });
    expect(rep.error).toEqual({ line: 2, message: "a text can hold at most 25 characters" });
    const list = await runWith(
      'the t is "aaaaaaaaaa"\nthe xs are the t, the t, the t\nsay the xs',
      {
        limits: { textChars: 25 },
      },
    );
    expect(list.error).toEqual({ line: 3, message: "a text can hold at most 25 characters" });
  });

  it("splitting into more items than a list holds is refused", async () => {
    const r = await runWith('the t is "a,b,c,d,e,f"\nthe parts are the t split by ","', {
      limits: { listItems: 5 },
    });
    expect(r.error).toEqual({ line: 2, message: "a list can hold at most 5 items" });
    const chars = await runWith('the t is "abcdef"\nthe parts are the t split by ""', {
      limits: { listItems: 5 },
    });
    expect(chars.error).toEqual({ line: 2, message: "a list can hold at most 5 items" });
  });
});

describe("records nested without end (issue 7, item 2)", () => {
  it("a record nested in a loop ends Failed on the depth bound, with the line", async () => {
    const r = await runWith(NESTED_RECORD);
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toBe("lists and records can be nested at most 100 levels deep");
    expect([4, 5]).toContain(r.error?.line);
    expect(JSON.stringify(r.outputs).length).toBeGreaterThan(0);
  });

  it("a record that contains itself ends Failed on the depth bound", async () => {
    const r = await runWith(
      'the r\'s name is "a"\nrepeat 20000 times\n  the r\'s child is the r\nsay "done"',
    );
    expect(r.status).toBe("Failed");
    expect(r.error).toEqual({
      line: 3,
      message: "lists and records can be nested at most 100 levels deep",
    });
  });

  it("lists of lists nest only to the bound too", async () => {
    const r = await runWith("the xs are 1, 2\nrepeat 20000 times\n  the xs are the xs, 1", {
      limits: { depth: 10 },
    });
    expect(r.error).toEqual({
      line: 3,
      message: "lists and records can be nested at most 10 levels deep",
    });
  });
});

// One statement of 50,000 × 100,000 comparisons (minutes on any machine), its lists given
// as inputs so that it is the first statement: only a check inside it can end it in time.
const SLOW = 'the hits are the rows whose n is one of the ys\nsay "done"';
const SLOW_INPUTS = inputsFromJson(
  {
    rows: Array.from({ length: 50_000 }, () => ({ n: 5 })),
    ys: Array.from({ length: 100_000 }, () => 1),
  },
  files,
);

describe("numbers and time inside one statement (issue 7, item 3)", () => {
  it("squaring a number 24 times stops at the digits bound before computing", async () => {
    const r = await runWith("the x is 10\nrepeat 24 times\n  multiply the x by the x\nsay the x", {
      deadline: Date.now() + 5000,
    });
    expect(r.status).toBe("Failed");
    expect(r.error?.line).toBe(3);
    expect(r.error?.message).toMatch(
      /a number can have at most 1,000 digits before or after the decimal point/,
    );
  });

  it("tiny numbers are bounded as well", async () => {
    const r = await runWith("the x is 0.1\nrepeat 24 times\n  multiply the x by the x");
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toMatch(/at most 1,000 digits/);
  });

  it("a long literal number is refused, naming the bound", async () => {
    const r = await runWith(`the x is 1${"0".repeat(30)}\nsay the x`, {
      limits: { numberDigits: 20 },
    });
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toMatch(/at most 20 digits/);
  });

  it("a single slow statement still ends at the time limit", async () => {
    const r = await runWith(SLOW, { deadline: Date.now() + 1500 }, SLOW_INPUTS);
    expect(r.status).toBe("TimedOut");
    expect(r.error).toEqual({ line: 1, message: "the run passed its time limit" });
    expect(r.log).toEqual([]);
  });

  it("a single slow statement is cancelled promptly", async () => {
    // A flag another thread sets (executors share it): no timer fires mid-statement.
    const t0 = Date.now();
    const signal = {
      get aborted() {
        return Date.now() - t0 > 300;
      },
    };
    const r = await runWith(SLOW, { signal }, SLOW_INPUTS);
    expect(r.status).toBe("Cancelled");
    expect(r.log).toEqual([]);
    expect(r.error).toBeNull();
  });
});

describe("dates out of range (issue 7, item 5)", () => {
  const range = /supported dates are from 0001-01-01 to 9999-12-31/;
  it("a date plus a billion years is a run error naming the range", async () => {
    const r = await runWith('say "2026-01-01" + 999999999 years');
    expect(r.status).toBe("Failed");
    expect(r.error?.line).toBe(1);
    expect(r.error?.message).toMatch(range);
    expect(r.error?.message).not.toMatch(/internal error/);
  });

  it.each([
    ['say "2026-01-01" - 8000 years'],
    ['say "2026-01-01" + 10000 years'],
    ['say "2026-01-01T10:00:00Z" + 99999999999 hours'],
    ['say "2026-01-01" + 9999999999999999 days'],
    ['say ("2026-01-01" as a date) + (3 days * 99999999999999999999)'],
    ["say 99999999999999999999 years"],
    [`say (5 days) * 1${"0".repeat(300)} + "2026-01-01"`],
  ])("%s fails with a clear sentence", async (source) => {
    const r = await runWith(source);
    expect(r.status).toBe("Failed");
    expect(r.error?.message).not.toMatch(/internal error|Cannot read|Invalid/);
    expect(r.error?.message).toMatch(/supported|duration/);
  });
});

describe("the first measure of a large state (a run resumed, or given large inputs)", () => {
  const large = { xs: Array.from({ length: 300_000 }, (_, i) => i) };
  const source = 'say "{the count of the xs}"';

  it("ends Cancelled when the run was cancelled, not with an exception", async () => {
    const r = await runWith(source, { signal: { aborted: true } }, large);
    expect(r.status).toBe("Cancelled");
    expect(r.log).toEqual([]);
  });

  it("ends TimedOut when the deadline passed", async () => {
    const r = await runWith(source, { deadline: Date.now() - 1 }, large);
    expect(r.status).toBe("TimedOut");
    expect(r.error?.message).toBe("the run passed its time limit");
  });

  it("throws the hard end of a slice to its caller, who throws the state away", () => {
    const p = compile(source);
    expect(() => runSlice(p, start(p, large), { files, stopBy: Date.now() - 1 })).toThrow(
      /hard end/,
    );
  });
});
