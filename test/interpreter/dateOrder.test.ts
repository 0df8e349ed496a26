// Numeric dates (`04/05/2026`) read in the order the process (`dates are written day
// first`) or the host (a server's --date-order, SliceOptions.dateOrder) sets; without
// either they are refused with both readings and the ways to say which (issue 11).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WorkerPoolHandle } from "../../src/engine/index.ts";
import type { DateOrder, Json } from "../../src/interpreter/index.ts";
import { drive, inputsFromJson, start, view } from "../../src/interpreter/index.ts";
import { parse, printProgram, stripSpans } from "../../src/language/index.ts";
import { resolveConfig } from "../../src/server/config.ts";
import { createTestEngine, publishedProcess, type TestEngine } from "../helpers/engines.ts";
import { compile, files } from "./helpers.ts";

async function runWith(source: string, inputs: Record<string, Json>, dateOrder?: DateOrder) {
  const p = compile(source);
  const state = start(p, inputsFromJson(inputs, files));
  await drive(p, state, { files, dateOrder });
  return view(state);
}

describe("the process's date order", () => {
  it("reads numeric dates day first or month first, with /, . or - and two-digit years", async () => {
    const cases: Array<[string, string, string]> = [
      ["dates are written day first", "03/04/2026", "2026-04-03"],
      ["dates are written month first", "03/04/2026", "2026-03-04"],
      ["dates are day first", "25.12.2026", "2026-12-25"],
      ["numeric dates are month first", "12-25-26", "2026-12-25"],
      ["dates are written day/month/year", "1/2/2027", "2027-02-01"],
      ["dates are written MM/DD/YYYY", "1/2/2027", "2027-01-02"],
    ];
    for (const [setting, text, iso] of cases) {
      const r = await runWith(`${setting}\nsay the start + 1 day - 1 day`, { start: text });
      expect({ setting, log: r.log, error: r.error }).toEqual({ setting, log: [iso], error: null });
    }
  });

  it("applies to the whole process wherever the line is, literals and comparisons included", async () => {
    const r = await runWith(
      'if the due is before "01/02/2026" then say "early"\nsay "05/06/2026" as a date\ndates are written day first',
      { due: "31/01/2026" },
    );
    expect(r.error).toBeNull();
    expect(r.log).toEqual(["early", "2026-06-05"]);
  });

  it("refuses a date that does not exist in that order, naming the order", async () => {
    const r = await runWith('dates are written month first\nsay "25/12/2026" as a date', {});
    expect(r.status).toBe("Failed");
    expect(r.error?.line).toBe(2);
    expect(r.error?.message).toMatch(/"25\/12\/2026" is not a date read as month\/day\/year/);
  });

  it("wins over the host's order", async () => {
    const r = await runWith('dates are written day first\nsay "03/04/2026" as a date', {}, "month");
    expect(r.log).toEqual(["2026-04-03"]);
  });

  it("prints back to the same tree and is no step of the run", async () => {
    for (const src of ["dates are written day first", "numeric dates are month first"]) {
      const p = compile(`${src}\nsay 1`);
      expect(stripSpans(parse(printProgram(p)).program)).toEqual(stripSpans(p));
    }
    const p = compile("dates are written day first\nsay 1");
    const state = start(p, {});
    await drive(p, state, { files });
    expect(state.steps).toBe(1);
  });

  it("refuses an unknown wording, a nested line and two different orders, with the line", () => {
    const bad: Array<[string, number, RegExp]> = [
      ["dates are written sideways", 1, /write 'dates are written day first'/],
      ["say 1\ndates are in day order", 2, /'dates are written month first' \(April 5\)/],
      ["if 1 is 1 then\n  dates are written day first", 2, /applies to the whole process/],
      [
        "dates are written day first\nsay 1\ndates are written month first",
        3,
        /already says 'dates are written day first' \(line 1\)/,
      ],
    ];
    for (const [src, line, message] of bad) {
      const d = parse(src).diagnostics;
      expect(d.map((x) => x.line)).toEqual([line]);
      expect(d[0]!.message).toMatch(message);
    }
    expect(parse("dates are written day first\ndates are written day first").diagnostics).toEqual(
      [],
    );
  });
});

describe("the host's date order", () => {
  it("reads numeric dates in the order the host gives when the process does not say", async () => {
    expect((await runWith('say "03/04/2026" as a date', {}, "day")).log).toEqual(["2026-04-03"]);
    expect((await runWith('say "03/04/2026" as a date', {}, "month")).log).toEqual(["2026-03-04"]);
  });

  it("without one, refuses the date with both readings and how to set the order", async () => {
    const r = await runWith('say "the start"\nsay the start + 1 day', { start: "03/04/2026" });
    expect(r.status).toBe("Failed");
    expect(r.error?.line).toBe(2);
    expect(r.error?.message).toMatch(
      /"03\/04\/2026" is ambiguous: it is 3 April 2026 in most countries and 4 March 2026 in the US/,
    );
    expect(r.error?.message).toMatch(/'dates are written day first' \(or 'month first'\)/);
  });

  it("is the server's --date-order / PLAINRUN_DATE_ORDER, refused when it is neither order", () => {
    expect(resolveConfig({}, {}).dateOrder).toBeUndefined();
    expect(resolveConfig({ dateOrder: "day-first" }, {}).dateOrder).toBe("day");
    expect(resolveConfig({}, { PLAINRUN_DATE_ORDER: "month-first" }).dateOrder).toBe("month");
    expect(() => resolveConfig({ dateOrder: "ymd" }, {})).toThrow(
      /--date-order must be day-first or month-first \(got "ymd"\)/,
    );
  });
});

describe("a worker pool's date order", () => {
  let te: TestEngine;
  let pool: WorkerPoolHandle;
  beforeEach(async () => {
    te = await createTestEngine("sqlite");
    pool = await te.engine.startWorkers({ concurrency: 1, leaseMs: 5000, dateOrder: "day" });
  });
  afterEach(async () => {
    await pool.stop({ graceMs: 0 });
    await te.cleanup();
  });

  it("reads a run's numeric dates in the pool's order", async () => {
    await publishedProcess(te.engine, "due", "the due date is the start + 30 days\n");
    const run = await te.engine.startRun({ process: "due", inputs: { start: "02/01/2026" } });
    const done = await te.engine.runs.waitFor(run.id);
    expect(done.status).toBe("Succeeded");
    expect(done.outputs).toEqual({ "due date": "2026-02-01" });
  });
});
