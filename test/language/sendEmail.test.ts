// `send an email to E` and its indented parts: parsed, printed back, read for inputs, and
// every misuse refused with the line; `send the bill to …` stays a procedure call.
import { describe, expect, it } from "vitest";
import { analyzeInputs, parse, printProgram, stripSpans } from "../../src/language/index.ts";

const SOURCE = `send an email to the customer's email and "ap@example.com"
  the subject is "Invoice {the number}"
  the message is "Dear {the customer's name}, see attached."
  the attachments are the attachments
  the cc is "audit@example.com"
`;

describe("send an email", () => {
  it("parses the recipients and the indented parts", () => {
    const r = parse(SOURCE);
    expect(r.diagnostics).toEqual([]);
    const s = stripSpans(r.program.body[0]!);
    expect(s).toMatchObject({
      kind: "sendEmail",
      to: { kind: "list", items: [{ kind: "field", field: "email" }, { kind: "text" }] },
      subject: { kind: "text" },
      message: { kind: "text" },
      attachments: { kind: "name", key: "attachments" },
      cc: { kind: "text", parts: ["audit@example.com"] },
    });
  });

  it("prints back to the same tree, and its inputs are the facts it reads", () => {
    const r = parse(SOURCE);
    const printed = printProgram(r.program);
    const again = parse(printed);
    expect(again.diagnostics).toEqual([]);
    expect(stripSpans(again.program)).toEqual(stripSpans(r.program));
    expect(analyzeInputs(r.program)).toEqual(["customer", "number", "attachments"]);
  });

  it("takes `send email to`, `the body is` and a bare statement with no parts", () => {
    const r = parse(
      'send email to "a@example.com"\n  the body is "hi"\nsend an email to "b@example.com"\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(stripSpans(r.program.body[0]!)).toMatchObject({
      kind: "sendEmail",
      message: { kind: "text" },
    });
    expect(stripSpans(r.program.body[1]!)).toMatchObject({
      kind: "sendEmail",
      subject: null,
      message: null,
    });
  });

  it("leaves `send the bill to …` to the process's own procedure", () => {
    const r = parse(
      'to send a bill to a client\n  say "{the bill} {the client}"\nsend the bill to "Ada"\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(stripSpans(r.program.body[1]!)).toMatchObject({
      kind: "call",
      procedure: "send _ to _",
    });
  });

  it.each([
    ['send an email "a@example.com"\n', /1:15: .*'to' and the address/],
    [
      'send an email to "a@example.com"\n  the colour is "red"\n',
      /2:3: Under 'send an email', I expected 'the subject is …'/,
    ],
    [
      'send an email to "a@example.com"\n  the subject is "a"\n  the subject is "b"\n',
      /3:3: The email's subject is given twice/,
    ],
    ['send an email to "a@example.com"\n  the subject "a"\n', /2:15: .*'is' or 'are'/],
  ])("refuses %j with the line", (source, error) => {
    const r = parse(source);
    const text = r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join("\n");
    expect(text).toMatch(error);
  });
});
