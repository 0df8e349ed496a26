import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  AggregateFn,
  Condition,
  DurationUnit,
  Expr,
  NameRef,
  PhrasePart,
  SetStmt,
  Span,
  Stmt,
  Target,
} from "../../src/language/ast.ts";
import { parse, pluralOf, printProgram, stripSpans } from "../../src/language/index.ts";

const span: Span = { line: 1, col: 1, endLine: 1, endCol: 1 };

// ------------------------------------------------------------- parse never throws

const WORDS = [
  "the",
  "is",
  "are",
  "say",
  "if",
  "then",
  "else",
  "process",
  "each",
  "as",
  "follows",
  "whose",
  "sorted",
  "by",
  '"x"',
  "{the y}",
  "(",
  ")",
  ",",
  "and",
  "or",
  "not",
  "1",
  "-2",
  "$3.50",
  "'s",
  "'",
  "+",
  "*",
  "rounded",
  "to",
  "decimals",
  "in",
  "uppercase",
  "repeat",
  "times",
  "ask",
  "the choices are",
  "validate the following",
  "ensure",
  "to approve the invoice",
  "approve",
  "where",
  "get",
  "find",
  "read",
  "as a table",
  "stop",
  "fail with",
  "one of",
  '"unterminated',
  "{",
  "}",
  "#",
  "\t",
  "  ",
  "\u201cq\u201d",
  "the order\u2019s",
  "days",
];

const lineArb = fc
  .tuple(fc.nat({ max: 6 }), fc.array(fc.constantFrom(...WORDS), { maxLength: 12 }))
  .map(([indent, ws]) => " ".repeat(indent) + ws.join(" "));
const programTextArb = fc.array(lineArb, { maxLength: 15 }).map((ls) => ls.join("\n"));

describe("parse on arbitrary text", () => {
  const check = (arb: fc.Arbitrary<string>) =>
    fc.assert(
      fc.property(arb, (src) => {
        const r = parse(src);
        expect(Array.isArray(r.diagnostics)).toBe(true);
        expect(r.program.kind).toBe("program");
        for (const d of r.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(typeof d.message).toBe("string");
        }
      }),
      { numRuns: 300 },
    );
  it("never throws on strings", () => check(fc.string({ maxLength: 200 })));
  it("never throws on unicode strings", () => check(fc.string({ unit: "binary", maxLength: 200 })));
  it("never throws on line-shaped text built from language words", () => check(programTextArb));
});

// ------------------------------------------------------------------ round trips

const NAME_WORDS = ["total", "order", "customer name", "open tickets", "x", "line item", "amount"];
const FIELDS = ["id", "unit price", "Status", 'say "hi"', "a{b}", "back\\slash", "is", ""];
const TEXTS = ["hello", 'a "quoted" word', "{braces}", "back\\slash", "# not a comment", "  "];

const name = (key: string, article = "the"): NameRef => ({
  kind: "name",
  key,
  text: `${article} ${key}`,
  span,
});
const nameArb = fc.constantFrom(...NAME_WORDS).map((k) => name(k));
const numberArb = fc
  .tuple(fc.boolean(), fc.nat({ max: 999 }), fc.option(fc.constantFrom("5", "20", "08")))
  .map(([neg, int, frac]) => ({
    kind: "number" as const,
    value: `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`,
    span,
  }));

function mergeParts(parts: Array<string | Expr>): Array<string | Expr> {
  const out: Array<string | Expr> = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === "string" && typeof prev === "string") out[out.length - 1] = prev + p;
    else if (p !== "") out.push(p);
  }
  return out;
}

function exprArbs(): fc.Arbitrary<Expr>[] {
  const leaf: fc.Arbitrary<Expr> = fc.oneof(
    numberArb,
    nameArb,
    fc.constantFrom(...TEXTS).map((t): Expr => ({ kind: "text", parts: [t], span })),
    fc.boolean().map((value): Expr => ({ kind: "bool", value, span })),
    fc.constant<Expr>({ kind: "nothing", span }),
    fc
      .constantFrom<"date" | "datetime">("date", "datetime")
      .map((which): Expr => ({ kind: "now", which, span })),
    fc.constant<Expr>({ kind: "above", span }),
    fc
      .tuple(
        fc.constantFrom<"next" | "last" | "this">("next", "last", "this"),
        fc.constantFrom("monday", "friday", "sunday"),
      )
      .map(([ref, unit]): Expr => ({ kind: "dateRef", ref, unit, span })),
    fc
      .tuple(
        fc.constantFrom<"start" | "end">("start", "end"),
        fc.constantFrom("week", "month", "year"),
        fc.constantFrom<1 | -1 | 0>(1, -1, 0),
      )
      .map(
        ([ref, unit, shift]): Expr => ({
          kind: "dateRef",
          ref,
          unit,
          ...(shift !== 0 ? { shift } : {}),
          span,
        }),
      ),
  );
  const levels = [leaf];
  for (let d = 1; d <= 3; d++) {
    const sub = levels[d - 1]!;
    const field = fc.constantFrom(...FIELDS);
    const whoseCond = condArb(sub, true);
    levels.push(
      fc.oneof(
        { weight: 3, arbitrary: leaf },
        fc
          .tuple(fc.constantFrom("+", "-", "*", "/" as const), sub, sub)
          .map(([op, left, right]): Expr => ({ kind: "binary", op, left, right, span })),
        sub.map((operand): Expr => ({ kind: "negate", operand, span })),
        fc
          .tuple(
            fc.constantFrom<AggregateFn>(
              "sum",
              "average",
              "count",
              "maximum",
              "minimum",
              "first",
              "last",
            ),
            sub,
          )
          .map(([fn, of]): Expr => ({ kind: "aggregate", fn, of, span })),
        fc
          .tuple(sub, field)
          .map(([target, f]): Expr => ({ kind: "field", target, field: f, span })),
        fc
          .tuple(sub, field)
          .map(([target, f]): Expr => ({ kind: "pluck", target, field: f, span })),
        fc
          .tuple(sub, fc.constantFrom<DurationUnit>("days", "hours", "months"))
          .map(([amount, unit]): Expr => ({ kind: "duration", amount, unit, span })),
        fc
          .array(fc.oneof(fc.constantFrom(...TEXTS), sub), { maxLength: 3 })
          .map((parts): Expr => ({ kind: "text", parts: mergeParts(parts), span })),
        fc
          .array(sub, { minLength: 2, maxLength: 3 })
          .map((items): Expr => ({ kind: "list", items, span })),
        fc
          .tuple(sub, whoseCond)
          .map(([list, where]): Expr => ({ kind: "whose", list, where, span })),
        fc
          .tuple(sub, fc.option(field), fc.boolean())
          .map(
            ([list, f, descending]): Expr => ({ kind: "sort", list, field: f, descending, span }),
          ),
        fc
          .tuple(sub, fc.constantFrom<"upper" | "lower">("upper", "lower"))
          .map(([operand, to]): Expr => ({ kind: "case", operand, to, span })),
        sub.map((operand): Expr => ({ kind: "trim", operand, span })),
        fc
          .tuple(sub, sub)
          .map(([operand, separator]): Expr => ({ kind: "split", operand, separator, span })),
        fc
          .tuple(sub, sub)
          .map(([operand, separator]): Expr => ({ kind: "join", operand, separator, span })),
        fc
          .tuple(sub, sub, sub)
          .map(([operand, from, to]): Expr => ({ kind: "replace", operand, from, to, span })),
        fc
          .tuple(sub, fc.option(sub))
          .map(([operand, decimals]): Expr => ({ kind: "round", operand, decimals, span })),
        // `rounded up` / `down`, to decimals or to the nearest step.
        fc
          .tuple(
            sub,
            fc.option(sub),
            fc.option(fc.oneof(numberArb, sub)),
            fc.constantFrom<"up" | "down">("up", "down"),
          )
          .map(
            ([operand, decimals, step, mode]): Expr => ({
              kind: "round",
              operand,
              decimals: step ? null : decimals,
              ...(step ? { step } : {}),
              mode,
              span,
            }),
          ),
        fc
          .tuple(sub, fc.oneof(numberArb, sub))
          .map(([operand, step]): Expr => ({ kind: "round", operand, decimals: null, step, span })),
        fc
          .tuple(sub, sub)
          .map(([operand, decimals]): Expr => ({ kind: "format", operand, decimals, span })),
        fc
          .tuple(
            sub,
            fc.constantFrom<"table" | "number" | "text" | "date" | "datetime">(
              "table",
              "number",
              "text",
              "date",
              "datetime",
            ),
          )
          .map(([operand, to]): Expr => ({ kind: "convert", operand, to, span })),
      ),
    );
  }
  return levels;
}

function condArb(expr: fc.Arbitrary<Expr>, whose: boolean): fc.Arbitrary<Condition> {
  const left: fc.Arbitrary<Expr> = whose
    ? fc.constantFrom(...FIELDS).map((field): Expr => ({ kind: "itemField", field, span }))
    : expr;
  const ops = [
    "is",
    "isNot",
    "greater",
    "less",
    "atLeast",
    "atMost",
    "contains",
    "notContains",
    "startsWith",
    "endsWith",
    "before",
    "after",
  ] as const;
  const atom: fc.Arbitrary<Condition> = fc.oneof(
    fc
      .tuple(fc.constantFrom(...ops), left, expr)
      .map(([op, l, right]): Condition => ({ kind: "compare", op, left: l, right, span })),
    fc
      .tuple(fc.constantFrom("empty", "notEmpty", "known", "notKnown" as const), left)
      .map(([test, subject]): Condition => ({ kind: "test", test, subject, span })),
    fc.tuple(left, fc.array(expr, { minLength: 1, maxLength: 3 }), fc.boolean()).map(
      ([subject, options, negated]): Condition => ({
        kind: "oneOf",
        subject,
        options,
        negated,
        span,
      }),
    ),
    // A text or a number alone is refused as a condition (it always holds, or never).
    left
      .filter((subject) => subject.kind !== "text" && subject.kind !== "number")
      .map((subject): Condition => ({ kind: "truthy", subject, span })),
  );
  const lvl1: fc.Arbitrary<Condition> = fc.oneof(
    { weight: 3, arbitrary: atom },
    atom.map((operand): Condition => ({ kind: "not", operand, span })),
    fc.tuple(atom, atom).map(([l, r]): Condition => ({ kind: "and", left: l, right: r, span })),
    fc.tuple(atom, atom).map(([l, r]): Condition => ({ kind: "or", left: l, right: r, span })),
  );
  return fc.oneof(
    { weight: 3, arbitrary: lvl1 },
    fc.tuple(lvl1, lvl1).map(([l, r]): Condition => ({ kind: "and", left: l, right: r, span })),
    fc.tuple(lvl1, lvl1).map(([l, r]): Condition => ({ kind: "or", left: l, right: r, span })),
    lvl1.map((operand): Condition => ({ kind: "not", operand, span })),
  );
}

const EXPRS = exprArbs();
const exprArb = EXPRS[3]!;
const smallExpr = EXPRS[2]!;
const conditionArb = condArb(smallExpr, false);

const targetArb: fc.Arbitrary<Target> = fc.oneof(
  nameArb,
  fc
    .tuple(nameArb, fc.constantFrom(...FIELDS))
    .map(([target, field]): Target => ({ kind: "fieldTarget", target, field, span })),
);
const setArb = fc
  .tuple(
    targetArb,
    fc.oneof(
      exprArb,
      fc
        .array(smallExpr, { minLength: 2, maxLength: 3 })
        .map((items): Expr => ({ kind: "list", items, span })),
    ),
  )
  .map(([target, value]): SetStmt => ({ kind: "set", target, value, span }));

const PROCEDURES: PhrasePart[][] = [
  [
    { kind: "word", word: "classify" },
    { kind: "param", name: name("order", "an") },
  ],
  [
    { kind: "word", word: "send" },
    { kind: "param", name: name("invoice") },
    { kind: "word", word: "to" },
    { kind: "param", name: name("customer") },
  ],
  // Fixed words after parameters that end a parameter but not a name (`about`).
  [
    { kind: "word", word: "remind" },
    { kind: "param", name: name("reminder", "a") },
    { kind: "word", word: "to" },
    { kind: "param", name: name("customer", "a") },
    { kind: "word", word: "about" },
    { kind: "param", name: name("invoice", "an") },
    { kind: "word", word: "by" },
    { kind: "word", word: "email" },
  ],
];

function stmtArb(depth: number): fc.Arbitrary<Stmt> {
  const simple: fc.Arbitrary<Stmt>[] = [
    setArb,
    exprArb.map((value): Stmt => ({ kind: "say", value, span })),
    fc.tuple(exprArb, nameArb).map(([value, as]): Stmt => ({ kind: "use", value, as, span })),
    fc
      .tuple(fc.constantFrom("add", "subtract", "multiply", "divide" as const), targetArb, exprArb)
      .map(([op, target, value]): Stmt => ({ kind: "update", op, target, value, span })),
    fc
      .tuple(exprArb, fc.option(smallExpr), targetArb)
      .map(([value, at, target]): Stmt => ({ kind: "insert", value, at, target, span })),
    fc
      .tuple(nameArb, fc.constantFrom("list", "record" as const))
      .map(([target, shape]): Stmt => ({ kind: "imagine", target, shape, span })),
    fc
      .tuple(fc.constantFrom("get", "find" as const), exprArb, fc.option(nameArb))
      .map(([mode, value, as]): Stmt => ({ kind: "get", mode, value, as, span })),
    fc
      .tuple(
        exprArb,
        fc.option(
          fc.array(
            smallExpr.filter((e) => e.kind !== "list"),
            { minLength: 1, maxLength: 3 },
          ),
        ),
        fc.option(nameArb),
      )
      .map(([question, choices, as]): Stmt => ({ kind: "ask", question, choices, as, span })),
    fc
      .array(
        conditionArb.map((condition) => ({ condition, span })),
        { minLength: 1, maxLength: 3 },
      )
      .map((checks): Stmt => ({ kind: "validate", checks, span })),
    fc
      .tuple(exprArb, fc.constantFrom("", "x"))
      .map(([source, as]): Stmt => ({ kind: "readTable", source, as: as ? name(as) : null, span })),
    fc.constant<Stmt>({ kind: "stop", span }),
    exprArb.map((message): Stmt => ({ kind: "fail", message, span })),
    fc
      .tuple(
        fc.constantFrom(0, 1, 2),
        fc.array(smallExpr, { minLength: 3, maxLength: 3 }),
        fc.array(setArb, { maxLength: 2 }),
      )
      .map(([i, values, where]): Stmt => {
        const phrase = PROCEDURES[i]!;
        const params = phrase.filter((p) => p.kind === "param");
        return {
          kind: "call",
          procedure: phrase.map((p) => (p.kind === "word" ? p.word : "_")).join(" "),
          args: params.map((p, j) => ({
            param: p.kind === "param" ? p.name.key : "",
            value: values[j]!,
          })),
          where,
          span,
        };
      }),
  ];
  if (depth === 0) return fc.oneof(...simple);
  const body = fc.array(stmtArb(depth - 1), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...simple) },
    fc
      .tuple(
        fc.array(fc.tuple(conditionArb, body), { minLength: 1, maxLength: 3 }),
        fc.option(body),
      )
      .map(
        ([bs, otherwise]): Stmt => ({
          kind: "if",
          branches: bs.map(([condition, b]) => ({ condition, body: b, span })),
          otherwise,
          span,
        }),
      ),
    fc.tuple(fc.constantFrom("line", "entry", "open ticket"), fc.option(exprArb), body).map(
      ([item, list, b]): Stmt => ({
        kind: "each",
        item: { kind: "name", key: item, text: item, span },
        list: list ?? name(pluralOf(item)),
        body: b,
        span,
      }),
    ),
    fc.tuple(exprArb, body).map(([times, b]): Stmt => ({ kind: "repeat", times, body: b, span })),
  );
}

const programArb = fc
  .tuple(
    fc.array(stmtArb(2), { minLength: 1, maxLength: 4 }),
    fc.option(fc.constantFrom<"day" | "month">("day", "month")),
  )
  .map(([body, order]) => ({
    kind: "program" as const,
    body: [
      // `dates are written … first`: top level only, like procedures.
      ...(order ? [{ kind: "dateOrder", order, span } as Stmt] : []),
      ...PROCEDURES.map(
        (phrase): Stmt => ({
          kind: "procedure",
          verb: (phrase[0] as { word: string }).word,
          phrase,
          body: [{ kind: "stop", span }],
          span,
        }),
      ),
      ...body,
    ],
  }));

describe("printing and parsing", () => {
  it("round-trips random expressions", () => {
    fc.assert(
      fc.property(exprArb, (value) => {
        const program = { kind: "program" as const, body: [{ kind: "say" as const, value, span }] };
        const text = printProgram(program);
        const r = parse(text);
        expect(r.diagnostics, text).toEqual([]);
        expect(stripSpans(r.program), text).toEqual(stripSpans(program));
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips random programs", () => {
    fc.assert(
      fc.property(programArb, (program) => {
        const text = printProgram(program);
        const r = parse(text);
        expect(r.diagnostics, text).toEqual([]);
        expect(stripSpans(r.program), text).toEqual(stripSpans(program));
        expect(printProgram(r.program)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
