import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregate } from "../../src/interpreter/aggregates.ts";
import { compareValues, sortCompare, valuesEqual } from "../../src/interpreter/compare.ts";
import { addDuration, makeDuration } from "../../src/interpreter/dates.ts";
import { fieldOf } from "../../src/interpreter/fields.ts";
import { formatValue, inputsFromJson, MemoryFiles, toJson } from "../../src/interpreter/index.ts";
import { arith, fixedText, numberFromText, roundNumber } from "../../src/interpreter/numbers.ts";
import { parseTable } from "../../src/interpreter/tables.ts";
import type { Value } from "../../src/interpreter/types.ts";

const files = new MemoryFiles();
const n = (s: string): Value => numberFromText(s);

describe("numbers", () => {
  it("are exact decimals", () => {
    expect(arith("+", n("0.1"), n("0.2"))).toEqual({ k: "dec", v: "0.3" });
    expect(arith("*", n("424.97"), n("0.08"))).toEqual({ k: "dec", v: "33.9976" });
    expect(arith("/", 120, 3)).toBe(40);
    expect(arith("+", n("0.5"), n("0.5"))).toBe(1);
    expect(formatValue(arith("/", 1, 3))).toBe("0.3333333333333333333333333333333333333333");
  });
  it("keep safe integers as JS numbers and widen past them", () => {
    expect(arith("+", 2, 3)).toBe(5);
    expect(arith("+", Number.MAX_SAFE_INTEGER, 1)).toEqual({ k: "dec", v: "9007199254740992" });
  });
  it("use numeric text as numbers", () => {
    expect(arith("*", "10", "12.50")).toBe(125);
    expect(arith("+", "$1,200", 1)).toBe(1201);
  });
  it("refuse division by zero and non-numeric text", () => {
    expect(() => arith("/", 5, 0)).toThrow(/zero/);
    expect(() => arith("+", 5, "abc")).toThrow(`can't add the text "abc" to a number`);
  });
  it("round half away from zero and format", () => {
    expect(roundNumber(n("33.9976"), 2)).toBe(34);
    expect(roundNumber(n("2.5"), 0)).toBe(3);
    expect(roundNumber(n("-2.5"), 0)).toBe(-3);
    expect(roundNumber(n("1.005"), 2)).toEqual({ k: "dec", v: "1.01" });
    expect(fixedText(34, 2)).toBe("34.00");
  });
  it("shows the shortest form", () => {
    expect(formatValue(n("34.00"))).toBe("34");
    expect(formatValue(n("0.50"))).toBe("0.5");
    expect(formatValue(n("-3"))).toBe("-3");
  });
  it("addition of decimals matches BigInt cents (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        (a, b) => {
          const text = (c: bigint) => {
            const neg = c < 0n;
            const m = neg ? -c : c;
            return `${neg ? "-" : ""}${m / 100n}.${String(m % 100n).padStart(2, "0")}`;
          };
          const got = arith("+", n(text(a)), n(text(b)));
          return valuesEqual(got, n(text(a + b)));
        },
      ),
    );
  });
});

describe("dates", () => {
  it("add durations to dates and ISO text", () => {
    expect(addDuration({ k: "date", v: "2026-01-30" }, makeDuration(3, "days"), 1)).toEqual({
      k: "date",
      v: "2026-02-02",
    });
    expect(addDuration({ k: "date", v: "2024-01-31" }, makeDuration(1, "months"), 1)).toEqual({
      k: "date",
      v: "2024-02-29",
    });
  });
  it("have properties", () => {
    expect(fieldOf(files, "2026-02-02", "weekday")).toBe("Monday");
    expect(fieldOf(files, { k: "date", v: "2026-02-02" }, "year")).toBe(2026);
    expect(fieldOf(files, { k: "date", v: "2026-02-02" }, "month")).toBe(2);
  });
  it("compare as dates", () => {
    expect(compareValues({ k: "date", v: "2026-02-02" }, "2026-02-01")).toBe(1);
    expect(valuesEqual({ k: "date", v: "2026-02-02" }, "2026-02-02")).toBe(true);
  });
  it("durations as JSON and text", () => {
    expect(toJson(makeDuration(3, "days"))).toBe("P3D");
    expect(toJson(makeDuration(90, "minutes"))).toBe("PT1H30M");
    expect(formatValue(makeDuration(2, "hours"))).toBe("2 hours");
  });
});

describe("text and comparison", () => {
  it("`is` ignores case and spaces; numbers compare as numbers", () => {
    expect(valuesEqual("Open ", "open")).toBe(true);
    expect(valuesEqual("10.0", 10)).toBe(true);
    expect(valuesEqual(n("34.00"), 34)).toBe(true);
    expect(valuesEqual("abc", 1)).toBe(false);
    expect(valuesEqual(null, "")).toBe(false);
    expect(valuesEqual(true, "yes")).toBe(true);
  });
  it("orders numeric text numerically and sorts stably", () => {
    expect(compareValues("10", "9")).toBe(1);
    expect(() => compareValues("abc", 5)).toThrow(/can't compare/);
    const items = ["b", "A", null, "a"];
    expect([...items].sort(sortCompare)).toEqual(["A", "a", "b", null]);
  });
  it("formats lists, records, nothing, booleans", () => {
    expect(formatValue(["a", "b", "c"])).toBe("a, b and c");
    expect(formatValue(["a"])).toBe("a");
    expect(formatValue([])).toBe("");
    expect(formatValue(null)).toBe("");
    expect(formatValue(true)).toBe("true");
    expect(formatValue({ k: "record", f: { id: "T1", hours: n("1.5") } })).toBe(
      '{"id":"T1","hours":1.5}',
    );
  });
  it("reads fields and properties; a list has no fields", () => {
    expect(fieldOf(files, "hello", "length")).toBe(5);
    expect(fieldOf(files, [1, 2], "count")).toBe(2);
    expect(() => fieldOf(files, [1, 2], "amount")).toThrow(
      /can't read the field "amount" of a list/,
    );
    expect(fieldOf(files, { k: "record", f: { "Unit Price": "3" } }, "unit price")).toBe("3");
  });
});

describe("tables", () => {
  it("parses CSV and TSV, cells stay text", () => {
    expect(parseTable("id,amount\n1,10\n2,20\n")).toEqual([
      { k: "record", f: { id: "1", amount: "10" } },
      { k: "record", f: { id: "2", amount: "20" } },
    ]);
    expect(parseTable("a\tb\nx,y\tz\n")).toEqual([{ k: "record", f: { a: "x,y", b: "z" } }]);
    expect(parseTable('name,note\n"Smith, J","said ""hi"""\n')[0]).toEqual({
      k: "record",
      f: { name: "Smith, J", note: 'said "hi"' },
    });
  });
  it("a __proto__ column is just a field", () => {
    const rows = parseTable("__proto__,x\n1,2\n");
    expect(Object.keys(rows[0]!.f)).toEqual(["__proto__", "x"]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("aggregates", () => {
  it("sum, average, count, max, min, first, last", () => {
    expect(aggregate("sum", ["10", n("12.50"), 3])).toEqual({ k: "dec", v: "25.5" });
    expect(aggregate("average", [1, 2])).toEqual({ k: "dec", v: "1.5" });
    expect(aggregate("count", "abc")).toBe(3);
    expect(aggregate("maximum", [3, 25, 4])).toBe(25);
    expect(aggregate("minimum", ["10", "9"])).toBe("9");
    expect(aggregate("first", [])).toBe(null);
    expect(aggregate("last", [1, 2])).toBe(2);
    expect(() => aggregate("sum", ["x"])).toThrow(/not a number/);
  });
});

describe("JSON conversion", () => {
  it("inputs: keys normalized, numbers exact, files stored", () => {
    const inputs = inputsFromJson(
      {
        "The Invoice  Total": 12.5,
        count: 3,
        file: { name: "a.csv", type: "text/csv", text: "x\n1\n" },
        d: "2026-01-01",
      },
      files,
    );
    expect(inputs["invoice total"]).toEqual({ k: "dec", v: "12.5" });
    expect(inputs.count).toBe(3);
    expect(inputs.d).toBe("2026-01-01");
    const f = inputs.file as { k: string; size: number; ref: string };
    expect(f.k).toBe("file");
    expect(f.size).toBe(4);
    expect(new TextDecoder().decode(files.read(f.ref))).toBe("x\n1\n");
  });
  it("outputs", () => {
    expect(toJson([n("34.00"), { k: "date", v: "2026-02-02" }, null])).toEqual([
      34,
      "2026-02-02",
      null,
    ]);
  });
});
