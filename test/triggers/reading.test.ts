// Reading received messages fast without reading them differently: large base64
// attachments decoded apart from the parser (skeleton.ts) and messages parsed in a worker
// thread (readers.ts) must give exactly what the parser gives for the whole message.
import { randomBytes } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type Mail from "nodemailer/lib/mailer/index.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  type MailInputs,
  mailInputs,
  parseMail,
  parseWhole,
} from "../../src/triggers/email/message.ts";
import { MailReaders, ReadError } from "../../src/triggers/email/readers.ts";
import { skeletonOf } from "../../src/triggers/email/skeleton.ts";

function compose(mail: Mail.Options): Promise<Buffer> {
  return new MailComposer({
    from: '"Accounts" <ap@example.com>',
    to: "intake.abcdefghij@mail.plainrun.test",
    date: new Date("2026-11-30T12:00:00Z"),
    ...mail,
  })
    .compile()
    .build();
}

/** The parser over the whole message, nothing cut out: the reference. */
async function reference(raw: Buffer): Promise<MailInputs> {
  return mailInputs(await parseWhole(raw), "env@example.com");
}

function same(a: MailInputs, b: MailInputs): void {
  expect(a.inputs).toEqual(b.inputs);
  expect(a.files.map((f) => [f.name, f.type])).toEqual(b.files.map((f) => [f.name, f.type]));
  for (const [i, f] of a.files.entries()) {
    expect(Buffer.from(f.bytes).equals(Buffer.from(b.files[i]?.bytes ?? []))).toBe(true);
  }
}

const csv = () => {
  const rows = ["id,name,amount"];
  for (let i = 0; rows.length < 3000; i++) rows.push(`${i},Grüße ${i},${i * 7}`);
  return Buffer.from(`${rows.join("\n")}\n`);
};

describe("large attachments decoded apart from the parser", () => {
  it("cuts large base64 attachments out, and the result is the whole parse's, byte for byte", async () => {
    const binary = randomBytes(90_000);
    const raw = await compose({
      subject: "Rechnung für März — 請求書",
      text: "See attached.",
      html: "<p>See <b>attached</b>.</p>",
      attachments: [
        { filename: "größe.csv", content: csv(), contentType: "text/csv" },
        { filename: "データ.bin", content: binary, contentType: "application/octet-stream" },
        { filename: "small.txt", content: "hello", contentType: "text/plain" },
      ],
    });
    const plan = skeletonOf(raw);
    expect(plan?.cuts).toHaveLength(2);
    expect(plan?.skeleton.length).toBeLessThan(4096);
    const mail = await parseMail(raw, "env@example.com");
    same(mail, await reference(raw));
    expect(mail.files.map((f) => f.bytes.byteLength)).toEqual([csv().length, binary.length, 5]);
  });

  it("leaves in what it cannot be sure of: a large base64 text body, stray characters, no closing delimiter", async () => {
    const longText = `${"Zeile mit Umlauten äöü ".repeat(400)}\n`;
    const body = await compose({ subject: "text", text: longText, textEncoding: "base64" });
    expect(skeletonOf(body)).toBeUndefined();
    same(await parseMail(body, "env@example.com"), await reference(body));

    const good = await compose({
      subject: "stray",
      text: "x",
      attachments: [{ filename: "a.bin", content: randomBytes(8000) }],
    });
    // A character outside base64 in the attachment: the parser skips it; this part is left to it.
    const stray = Buffer.from(
      good.toString("latin1").replace(/(\r\n[A-Za-z0-9+/]{76}\r\n)/, "$1*\r\n"),
      "latin1",
    );
    expect(skeletonOf(stray)).toBeUndefined();
    same(await parseMail(stray, "env@example.com"), await reference(stray));

    // Padding before the end: decoders differ on what follows it, so this part is left too.
    const padded = Buffer.from(
      good.toString("latin1").replace(/(\r\n[A-Za-z0-9+/]{76}\r\n)/, "$1QQ==\r\n"),
      "latin1",
    );
    expect(skeletonOf(padded)).toBeUndefined();
    same(await parseMail(padded, "env@example.com"), await reference(padded));

    const unclosed = Buffer.from(
      good.toString("latin1").replace(/\r\n--[^\r\n]+--\r\n$/, "\r\n"),
      "latin1",
    );
    expect(skeletonOf(unclosed)).toBeUndefined();
    same(await parseMail(unclosed, "env@example.com"), await reference(unclosed));
  });

  it("cuts a body with white space in its base64 and reads it as the whole parse does", async () => {
    const bytes = randomBytes(9000);
    const good = await compose({
      subject: "spaced",
      text: "x",
      attachments: [{ filename: "a.bin", content: bytes }],
    });
    // Trailing blanks on the base64 lines: every decoder skips them.
    const spaced = Buffer.from(
      good.toString("latin1").replace(/(\r\n[A-Za-z0-9+/]{76})(?=\r\n)/g, "$1 \t"),
      "latin1",
    );
    expect(spaced.equals(good)).toBe(false);
    expect(skeletonOf(spaced)?.cuts).toHaveLength(1);
    const mail = await parseMail(spaced, "env@example.com");
    same(mail, await reference(spaced));
    expect(Buffer.from(mail.files[0]?.bytes ?? []).equals(bytes)).toBe(true);
  });

  it("falls back to the whole message when a marker does not come back as one attachment", async () => {
    const raw = await compose({
      subject: "nested",
      alternatives: [{ contentType: "text/calendar", content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR" }],
      text: "body",
      attachments: [
        { filename: "a.pdf", content: randomBytes(10_000), contentType: "application/pdf" },
      ],
    });
    const plan = skeletonOf(raw);
    expect(plan?.cuts).toHaveLength(1);
    if (!plan) return;
    // The same marker twice: restoring must refuse, and parseMail reads the original.
    const doubled = { ...plan, cuts: [...plan.cuts, ...plan.cuts] };
    same(await parseMail(raw, "env@example.com", doubled), await reference(raw));
  });
});

describe("MailReaders", () => {
  let readers: MailReaders | undefined;
  afterEach(async () => {
    await readers?.close();
    readers = undefined;
  });

  it("reads a message that stays large (quoted-printable) in a thread, moving its bytes", async () => {
    readers = new MailReaders({ threads: 1, inlineMax: 1024 });
    const qp = csv();
    const raw = await compose({
      subject: "qp",
      text: "see",
      attachments: [
        {
          filename: "lines.csv",
          content: qp,
          contentType: "text/csv",
          contentTransferEncoding: "quoted-printable",
        },
      ],
    });
    expect(skeletonOf(raw)).toBeUndefined();
    const expected = await reference(raw);
    const copy = Buffer.from(raw);
    const mail = await readers.read(copy, "env@example.com", false);
    same(mail, expected);
    expect(Buffer.from(mail.files[0]?.bytes ?? []).equals(qp)).toBe(true);
    expect(copy.buffer.byteLength).toBe(0); // moved to the thread, not copied
    // keepRaw: the caller's bytes are still there afterwards.
    const kept = Buffer.from(raw);
    same(await readers.read(kept, "env@example.com", true), expected);
    expect(kept.equals(raw)).toBe(true);
  });

  it("refuses a message that takes longer than the time bound, naming it, and keeps reading others", async () => {
    readers = new MailReaders({ threads: 1, inlineMax: 0, timeoutMs: 1 });
    const raw = await compose({ subject: "slow", text: "x".repeat(200_000) });
    const err = await readers.read(raw, "env@example.com", true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadError);
    expect((err as ReadError).kind).toBe("unreadable");
    expect((err as ReadError).message).toMatch(/took longer than 0.001 s/);
    await readers.close();
    readers = new MailReaders({ threads: 1, inlineMax: 0 });
    same(await readers.read(Buffer.from(raw), "env@example.com", true), await reference(raw));
  });
});
