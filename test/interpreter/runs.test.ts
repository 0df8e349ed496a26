import { describe, expect, it } from "vitest";
import {
  AnswerError,
  answer,
  drive,
  type ExecState,
  inputsFromJson,
  runSlice,
  start,
  view,
} from "../../src/interpreter/index.ts";
import * as b from "./build.ts";
import { files, resume, run } from "./helpers.ts";

const roundTrip = (s: ExecState): ExecState => JSON.parse(JSON.stringify(s)) as ExecState;

describe("facts and outputs", () => {
  it("due date: ISO text is a date, weekday, after", async () => {
    const p = b.program(() => [
      b.set(b.name("the due date"), b.txt("2026-01-30")),
      b.upd("add", b.days(3), b.name("the due date")),
      b.set(b.name("the weekday"), b.field(b.name("the due date"), "weekday")),
      b.ifThen(b.cmp("after", b.name("the due date"), b.txt("2026-02-01")), () => [
        b.say(b.txt("late")),
      ]),
    ]);
    const r = await run(p);
    expect(r.status).toBe("Succeeded");
    expect(r.outputs).toEqual({ "due date": "2026-02-02", weekday: "Monday" });
    expect(r.log).toEqual(["late"]);
  });

  it("unchanged inputs, loop items and the iteration are not outputs", async () => {
    const p = b.program(() => [
      b.set(b.name("the amount"), b.name("the amount")),
      b.each("order", b.name("the orders"), () => [b.upd("add", b.num(1), b.name("the seen"))]),
      b.repeat(b.num(2), () => [b.upd("add", b.name("the iteration"), b.name("the sum"))]),
      b.set(b.name("the result"), b.txt("ok")),
    ]);
    const r = await run(p, inputsFromJson({ amount: 5, orders: [{ id: 1 }, { id: 2 }] }, files));
    expect(r.outputs).toEqual({ seen: 2, sum: 3, result: "ok" });
  });

  it("tickets: filter, count, pluck-sum, sort, first", async () => {
    const p = b.program(() => [
      b.set(
        b.name("the open tickets"),
        b.whose(b.name("the tickets"), b.cmp("is", b.itemField("status"), b.txt("open"))),
      ),
      b.set(b.name("the open count"), b.agg("count", b.name("the open tickets"))),
      b.set(b.name("the hours"), b.agg("sum", b.pluck(b.name("the open tickets"), "hours"))),
      b.set(b.name("the oldest"), b.agg("first", b.sorted(b.name("the open tickets"), "opened"))),
      b.say(
        b.txt(
          b.name("the open count"),
          " open, ",
          b.name("the hours"),
          " hours, oldest ",
          b.field(b.name("the oldest"), "id"),
        ),
      ),
    ]);
    const tickets = [
      { id: "T1", status: "open", hours: 3, opened: "2026-03-02" },
      { id: "T2", status: "closed", hours: 5, opened: "2026-01-10" },
      { id: "T3", status: "Open", hours: 1.5, opened: "2026-02-14" },
      { id: "T4", status: "open", hours: 2, opened: "2026-02-20" },
    ];
    const r = await run(p, inputsFromJson({ tickets }, files));
    expect(r.log).toEqual(["3 open, 6.5 hours, oldest T3"]);
    expect(r.outputs.oldest).toEqual(tickets[2]);
    expect(r.outputs["open count"]).toBe(3);
  });

  it("invoice: table cells stay text, exact arithmetic, rounding", async () => {
    const p = b.program(() => [
      b.set(b.name("the lines"), b.asTable(b.name("the invoice csv"))),
      b.set(b.name("the subtotal"), b.num(0)),
      b.each("line", b.name("the lines"), () => [
        b.set(
          b.name("the line total"),
          b.bin(
            "*",
            b.field(b.name("the line"), "quantity"),
            b.field(b.name("the line"), "unit price"),
          ),
        ),
        b.upd("add", b.name("the line total"), b.name("the subtotal")),
      ]),
      b.set(b.name("the tax"), b.rounded(b.bin("*", b.name("the subtotal"), b.num("0.08")), 2)),
      b.set(b.name("the total"), b.bin("+", b.name("the subtotal"), b.name("the tax"))),
      b.say(b.txt("Total ", b.name("the total"))),
    ]);
    const r = await run(p, {
      "invoice csv": "item,quantity,unit price\nWidget,10,12.50\nGadget,3,99.99\n",
    });
    expect(r.outputs).toMatchObject({
      subtotal: 424.97,
      "line total": 299.97,
      tax: 34,
      total: 458.97,
    });
    expect((r.outputs.lines as unknown[])[0]).toEqual({
      item: "Widget",
      quantity: "10",
      "unit price": "12.50",
    });
    expect(r.log).toEqual(["Total 458.97"]);
  });

  it("email intake: files, read as a table inside a loop, outputs", async () => {
    const p = b.program(() => [
      b.set(b.name("the row count"), b.num(0)),
      b.each("attachment", b.name("the attachments"), () => [
        b.ifThen(
          b.cmp("endsWith", b.field(b.name("the attachment"), "name"), b.txt(".csv")),
          () => [
            b.readTable(b.name("the attachment")),
            b.upd("add", b.agg("count", b.name("the table")), b.name("the row count")),
          ],
        ),
      ]),
      b.say(
        b.txt(
          b.field(b.name("the email"), "sender"),
          " sent ",
          b.agg("count", b.name("the attachments")),
          " files with ",
          b.name("the row count"),
          " rows",
        ),
      ),
    ]);
    const inputs = inputsFromJson(
      {
        email: { sender: "ap@example.com", subject: "March invoices", body: "See attached." },
        attachments: [
          { name: "a.csv", type: "text/csv", text: "id,amount\n1,10\n2,20\n" },
          { name: "notes.txt", type: "text/plain", text: "hello" },
          { name: "b.csv", type: "text/csv", text: "id,amount\n3,30\n4,40\n5,50\n" },
        ],
      },
      files,
    );
    const r = await run(p, inputs);
    expect(r.status).toBe("Succeeded");
    expect(r.outputs).toEqual({
      "row count": 5,
      table: [
        { id: "3", amount: "30" },
        { id: "4", amount: "40" },
        { id: "5", amount: "50" },
      ],
    });
    expect(r.log).toEqual(["ap@example.com sent 3 files with 5 rows"]);
  });

  it("order review: procedures, the above, where inputs", async () => {
    const p = b.program(() => [
      b.procedure(["classify", b.name("an order")], () => [
        b.ifThen(
          b.cmp("atLeast", b.field(b.name("the order"), "amount"), b.name("the limit")),
          () => [b.set(b.name("the result"), b.txt("review"))],
          () => [b.set(b.name("the result"), b.txt("fast lane"))],
        ),
      ]),
      b.set(b.name("the reviewed"), b.num(0)),
      b.imagine(b.name("the decisions")),
      b.each("order", b.name("the orders"), () => [
        b.call(
          ["classify", ["the order", b.name("the order")]],
          [b.set(b.name("the limit"), b.num(500))],
        ),
        b.set(b.name("the decision"), b.above()),
        b.upd("add", b.name("the decision"), b.name("the decisions")),
        b.ifThen(b.cmp("is", b.name("the decision"), b.txt("review")), () => [
          b.upd("add", b.num(1), b.name("the reviewed")),
        ]),
      ]),
    ]);
    const inputs = inputsFromJson(
      {
        orders: [
          { id: "A1", amount: 120 },
          { id: "A2", amount: 500 },
          { id: "A3", amount: 980.5 },
        ],
      },
      files,
    );
    const r = await run(p, inputs);
    expect(r.outputs).toEqual({
      reviewed: 2,
      decisions: ["fast lane", "review", "review"],
      decision: "review",
    });
  });

  it("field assignment creates records and never touches prototypes", async () => {
    const p = b.program(() => [
      b.setField(b.name("the customer"), "name", b.txt("Acme")),
      b.setField(b.name("the customer"), "__proto__", b.txt("x")),
      b.setField(b.name("the customer"), "constructor", b.num(1)),
    ]);
    const r = await run(p);
    expect(r.outputs).toEqual(
      JSON.parse('{"customer":{"name":"Acme","__proto__":"x","constructor":1}}'),
    );
    expect(Object.getPrototypeOf(r.state.top.facts.customer)).toBe(Object.prototype);
  });

  it("the first X of the Xs; add to a missing list or number", async () => {
    const p = b.program(() => [
      b.set(b.name("the codes"), b.list(b.txt("A"), b.txt("B"))),
      b.set(b.name("the pick"), b.name("the last code")),
      b.upd("add", b.txt("x"), b.name("the names")),
      b.upd("add", b.num(2), b.name("the n")),
    ]);
    const r = await run(p);
    expect(r.outputs).toEqual({ codes: ["A", "B"], pick: "B", names: ["x"], n: 2 });
  });

  it("text operations", async () => {
    const p = b.program(() => [
      b.set(b.name("the words"), b.split(b.name("the sentence"), " ")),
      b.set(b.name("the shout"), b.upper(b.name("the sentence"))),
      b.set(b.name("the word count"), b.agg("count", b.name("the words"))),
      b.set(b.name("the slug"), b.lower(b.join(b.name("the words"), "-"))),
      b.set(b.name("the money"), b.formatted(b.num(34), 2)),
    ]);
    const r = await run(p, { sentence: "The quick brown fox" });
    expect(r.outputs).toEqual({
      words: ["The", "quick", "brown", "fox"],
      shout: "THE QUICK BROWN FOX",
      "word count": 4,
      slug: "the-quick-brown-fox",
      money: "34.00",
    });
  });

  it("timeline records changes and bounds itself", async () => {
    const p = b.program(() => [
      b.set(b.name("the counter"), b.num(0)),
      b.repeat(b.num(5000), () => [b.upd("add", b.num(1), b.name("the counter"))]),
    ]);
    const r = await run(p);
    expect(r.timeline.entries.length).toBe(1000);
    expect(r.timeline.entries[0]).toEqual({
      seq: 1,
      line: 1,
      statement: "the counter is 0",
      changed: { counter: 0 },
    });
    expect(r.timeline.omitted).toBe(5002 - 1000);
    expect(r.timeline.byLine).toEqual({ 1: 1, 2: 1, 3: 5000 });
  });
});

describe("run-time errors", () => {
  it("divide by zero fails with the line", async () => {
    const p = b.program(() => [
      b.set(b.name("the total"), b.num(120)),
      b.set(b.name("the share"), b.bin("/", b.name("the total"), b.name("the people"))),
    ]);
    const r = await run(p, { people: 0 });
    expect(r.status).toBe("Failed");
    expect(r.error?.line).toBe(2);
    expect(r.error?.message).toMatch(/zero/);
    expect(r.outputs).toEqual({ total: 120 });
  });
  it("adding text to a number", async () => {
    const p = b.program(() => [b.set(b.name("the x"), b.bin("+", b.num(1), b.txt("abc")))]);
    const r = await run(p);
    expect(r.error?.line).toBe(1);
    expect(r.error?.message).toMatch(/^can't add the text "abc" to a number: '\+' adds numbers/);
  });
  it("reading a field of a list", async () => {
    const p = b.program(() => [b.say(b.txt("x")), b.say(b.field(b.name("the rows"), "amount"))]);
    const r = await run(p, { rows: [1, 2] });
    expect(r.status).toBe("Failed");
    expect(r.error?.line).toBe(2);
    expect(r.error?.message).toMatch(/field "amount" of a list/);
    expect(r.log).toEqual(["x"]);
  });
  it("fail with a message; stop succeeds", async () => {
    const p = b.program(() => [
      b.ifThen(b.cmp("less", b.name("the amount"), b.num(0)), () => [
        b.fail(b.txt("negative amount: ", b.name("the amount"))),
      ]),
      b.ifThen(b.cmp("is", b.name("the amount"), b.num(0)), () => [
        b.say(b.txt("nothing to do")),
        b.stop(),
      ]),
      b.set(b.name("the processed"), b.bool(true)),
    ]);
    expect((await run(p, { amount: -5 })).error).toEqual({
      line: 2,
      message: "negative amount: -5",
    });
    const zero = await run(p, { amount: 0 });
    expect([zero.status, zero.outputs, zero.log]).toEqual(["Succeeded", {}, ["nothing to do"]]);
  });
  it("recursion is bounded", async () => {
    const p = b.program(() => [
      b.procedure(["loop", b.name("a thing")], () => [
        b.call(["loop", ["the thing", b.name("the thing")]]),
      ]),
      b.call(["loop", ["the thing", b.num(1)]]),
    ]);
    const r = await run(p);
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toMatch(/200 levels deep/);
  });
  it("list size is capped", async () => {
    const p = b.program(() => [
      b.imagine(b.name("the xs")),
      b.repeat(b.num(1_000_001), () => [b.upd("add", b.num(1), b.name("the xs"))]),
    ]);
    const r = await run(p);
    expect(r.status).toBe("Failed");
    expect(r.error?.message).toMatch(/at most 1,000,000 items/);
  });
});

describe("cancellation and time limits", () => {
  const endless = () =>
    b.program(() => [
      b.repeat(b.num(100_000_000), () => [b.upd("add", b.num(1), b.name("the counter"))]),
    ]);
  it("a signal cancels promptly", async () => {
    const p = endless();
    const state = start(p, {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    // 100,000,000 iterations take many seconds: the signal is what ends it.
    const s = await drive(p, state, { files, signal: ac.signal });
    expect(s).toBe("Cancelled");
  });
  it("a deadline times out", async () => {
    const p = endless();
    const state = start(p, {});
    const s = await drive(p, state, { files, deadline: Date.now() + 50 });
    expect(s).toBe("TimedOut");
    expect(view(state).error?.message).toMatch(/time limit/);
  });
  it("slices return Running and continue", () => {
    const p = endless();
    const state = start(p, {});
    expect(runSlice(p, state, { files, sliceMs: 1 })).toBe("Running");
    const before = state.steps;
    expect(runSlice(p, state, { files, sliceMs: 1 })).toBe("Running");
    expect(state.steps).toBeGreaterThan(before);
  });
});

describe("questions", () => {
  const approver = () =>
    b.program(() => [
      b.get(b.name("the approver")),
      b.say(b.txt("Sent to ", b.name("the approver"))),
    ]);

  it("a missing fact asks; the answer resumes at that statement", async () => {
    const p = approver();
    const r = await run(p);
    expect(r.status).toBe("AwaitingAnswer");
    expect(r.question).toEqual({ line: 1, text: "What is the approver?", choices: null });
    const state = roundTrip(r.state);
    answer(p, state, "Linus");
    const r2 = await resume(p, state);
    expect([r2.status, r2.outputs, r2.log]).toEqual([
      "Succeeded",
      { approver: "Linus" },
      ["Sent to Linus"],
    ]);
    const given = await run(p, { approver: "Grace" });
    expect([given.outputs, given.log]).toEqual([{}, ["Sent to Grace"]]);
  });

  it("canAsk false fails with the question", async () => {
    const r = await run(approver(), {}, { canAsk: false });
    expect(r.status).toBe("Failed");
    expect(r.error).toEqual({ line: 1, message: "What is the approver?" });
  });

  it("answer() refuses when not waiting, and enforces choices", async () => {
    const p = b.program(() => [
      b.ask(b.txt("Approve?"), [b.txt("Yes"), b.txt("No")], b.name("the decision")),
      b.say(b.name("the decision")),
    ]);
    const done = await run(b.program(() => [b.say(b.txt("hi"))]));
    expect(() => answer(p, done.state, "x")).toThrow(AnswerError);
    const r = await run(p);
    expect(r.question).toEqual({ line: 1, text: "Approve?", choices: ["Yes", "No"] });
    expect(() => answer(p, r.state, "maybe")).toThrow(/"Yes", "No"/);
    answer(p, r.state, "yes");
    const r2 = await resume(p, r.state);
    expect([r2.status, r2.outputs, r2.log]).toEqual(["Succeeded", { decision: "Yes" }, ["Yes"]]);
  });

  it("validate lists every failure; Continue goes on, Stop fails", async () => {
    const p = b.program(() => [
      b.validate(
        b.cmp("greater", b.name("the quantity"), b.num(0)),
        b.cmp("contains", b.name("the email address"), b.txt("@")),
      ),
      b.set(b.name("the order"), b.txt("accepted")),
    ]);
    const ok = await run(p, { quantity: 2, "email address": "bob@example.com" });
    expect([ok.status, ok.outputs]).toEqual(["Succeeded", { order: "accepted" }]);
    const bad = await run(p, { quantity: 0, "email address": "bob" });
    expect(bad.status).toBe("AwaitingAnswer");
    expect(bad.question?.line).toBe(1);
    expect(bad.question?.text).toContain("the quantity is greater than 0");
    expect(bad.question?.text).toContain('the email address contains "@"');
    expect(bad.question?.choices).toEqual(["Continue", "Stop"]);
    const cont = roundTrip(bad.state);
    answer(p, cont, "continue");
    expect((await resume(p, cont)).outputs).toEqual({ order: "accepted" });
    answer(p, bad.state, "Stop");
    const stopped = await resume(p, bad.state);
    expect(stopped.status).toBe("Failed");
    expect(stopped.error?.message).toContain("the quantity is greater than 0");
  });

  it("a question inside a procedure resumes inside it, JSON round trip or not", async () => {
    const mk = () =>
      b.program(() => [
        b.procedure(["classify", b.name("an order")], () => [
          b.ifThen(
            b.cmp("atLeast", b.field(b.name("the order"), "amount"), b.name("the limit")),
            () => [b.set(b.name("the result"), b.txt("review"))],
            () => [b.set(b.name("the result"), b.txt("fast lane"))],
          ),
        ]),
        b.imagine(b.name("the decisions")),
        b.each("order", b.name("the orders"), () => [
          b.call(["classify", ["the order", b.name("the order")]]),
          b.upd("add", b.above(), b.name("the decisions")),
        ]),
      ]);
    const inputs = () => inputsFromJson({ orders: [{ amount: 120 }, { amount: 980.5 }] }, files);
    const p1 = mk();
    const a = await run(p1, inputs());
    expect(a.status).toBe("AwaitingAnswer");
    expect(a.question?.text).toBe("What is the limit?");
    // Each call has its own scope, so each call asks (the answer binds in the procedure).
    answer(p1, a.state, 500);
    let direct = await resume(p1, a.state);
    expect(direct.question?.text).toBe("What is the limit?");
    answer(p1, direct.state, 500);
    direct = await resume(p1, direct.state);
    const p2 = mk();
    let viaJson = await run(p2, inputs());
    for (let i = 0; i < 2; i++) {
      const st = roundTrip(viaJson.state);
      answer(p2, st, 500);
      viaJson = await resume(p2, roundTrip(st));
    }
    expect(direct.outputs).toEqual({ decisions: ["fast lane", "review"] });
    expect(viaJson.outputs).toEqual(direct.outputs);
    expect(viaJson.log).toEqual(direct.log);
    expect(viaJson.timeline).toEqual(direct.timeline);
  });

  it("find gives nothing; is known never asks", async () => {
    const p = b.program(() => [
      b.get(b.name("the coupon"), null, "find"),
      b.ifThen(b.test("notKnown", b.name("the other")), () => [
        b.set(b.name("the note"), b.txt("none")),
      ]),
    ]);
    const r = await run(p);
    expect([r.status, r.outputs]).toEqual(["Succeeded", { coupon: null, note: "none" }]);
  });

  it("the state is plain JSON at every pause", async () => {
    const p = approver();
    const r = await run(p);
    expect(roundTrip(r.state)).toEqual(r.state);
  });
});
