// Mail to a process's address starts a run: real SMTP over loopback with nodemailer, the
// message's parts and attachments as the run's inputs, byte for byte.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { publishedProcess } from "../helpers/engines.ts";
import { dialects } from "../helpers/stores.ts";
import { type MailRig, mailRig, refusal, runIdsOf, smtpDialog } from "./helpers.ts";

const EXAMPLES = join(import.meta.dirname, "../../../shared/examples");
const INTAKE = readFileSync(join(EXAMPLES, "email-intake.plain"), "utf8");
const ECHO =
  "the subject is the email's subject\nthe text is the email's body\nsay \"from {the email's sender}\"\n";

let rig: MailRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function countRows(r: MailRig, table: "runs" | "files"): Promise<number> {
  const rows = await r.te.engine.store.db.selectFrom(table).select("id").execute();
  return rows.length;
}

describe.each(dialects)("email to a process on %s", (dialect) => {
  it("starts one run of the published version; the reply names it; the run reads the CSV attachments", async () => {
    rig = await mailRig(dialect);
    const { engine } = rig.te;
    await publishedProcess(engine, "invoice intake", INTAKE);
    const { published } = await rig.addresses.get("invoice intake");
    expect(published).toMatch(/^invoice-intake\.[a-z0-9]{10}@mail\.plainrun\.test$/);
    const sent = await rig.send({
      from: '"Accounts Payable" <ap@example.com>',
      to: published,
      subject: "March invoices",
      text: "See attached.",
      messageId: "<march-1@example.com>",
      attachments: [
        { filename: "a.csv", content: "id,amount\n1,10\n2,20\n", contentType: "text/csv" },
        { filename: "notes.txt", content: "hello", contentType: "text/plain" },
        { filename: "b.csv", content: "id,amount\n3,30\n4,40\n5,50\n", contentType: "text/csv" },
      ],
    });
    expect(sent.response).toMatch(/^250 /);
    const [id] = runIdsOf(sent.response);
    const run = await engine.runs.waitFor(id as string);
    expect(run).toMatchObject({
      status: "Succeeded",
      stage: "published",
      trigger: "email",
      outputs: { "row count": 5 },
      log: ["ap@example.com sent 3 files with 5 rows"],
    });
    const detail = await engine.runs.get(id as string);
    expect(detail.trigger_details).toMatchObject({
      sender: "ap@example.com",
      recipient: published,
      message_id: "<march-1@example.com>",
      client_address: "127.0.0.1",
    });
    expect(detail.inputs.email).toMatchObject({
      sender: "ap@example.com",
      "sender name": "Accounts Payable",
      subject: "March invoices",
      body: "See attached.",
      recipients: [published],
      "message id": "<march-1@example.com>",
    });
  });

  it("keeps attachments byte for byte (CSV, PDF, binary) with non-ASCII names and subject", async () => {
    rig = await mailRig(dialect);
    const { engine } = rig.te;
    await publishedProcess(engine, "keep", ECHO);
    const { published } = await rig.addresses.get("keep");
    const pdf = Buffer.concat([
      Buffer.from("%PDF-1.4\n"),
      randomBytes(3000),
      Buffer.from("\n%%EOF\n"),
    ]);
    const binary = randomBytes(70_000);
    const csv = Buffer.from("naïve,größe\nü,1\n");
    const sent = await rig.send({
      to: published,
      subject: "Rechnung für März — 請求書",
      text: "Grüße",
      attachments: [
        { filename: "größe.csv", content: csv, contentType: "text/csv" },
        { filename: "facture été.pdf", content: pdf, contentType: "application/pdf" },
        { filename: "データ.bin", content: binary, contentType: "application/octet-stream" },
      ],
    });
    const run = await engine.runs.waitFor(runIdsOf(sent.response)[0] as string);
    expect(run.status).toBe("Succeeded");
    const detail = await engine.runs.get(run.id);
    expect(detail.inputs.email).toMatchObject({
      subject: "Rechnung für März — 請求書",
      body: "Grüße",
    });
    const files = detail.inputs.attachments as Array<{
      file_id: string;
      name: string;
      type: string;
      size: number;
    }>;
    expect(files.map((f) => [f.name, f.type, f.size])).toEqual([
      ["größe.csv", "text/csv", csv.length],
      ["facture été.pdf", "application/pdf", pdf.length],
      ["データ.bin", "application/octet-stream", binary.length],
    ]);
    const expected = [csv, pdf, binary];
    for (const [i, f] of files.entries()) {
      const stored = await engine.files.get(f.file_id);
      expect(Buffer.from(stored.bytes).equals(expected[i] as Buffer)).toBe(true);
    }
  });

  it("reads HTML-only, multipart/alternative, base64 and quoted-printable bodies", async () => {
    rig = await mailRig(dialect);
    const { engine } = rig.te;
    await publishedProcess(engine, "bodies", ECHO);
    const { published } = await rig.addresses.get("bodies");
    const cases = [
      { html: "<p>Only <b>HTML</b></p>", body: /Only HTML/ },
      { text: "Plain part", html: "<p>Rich part</p>", body: /^Plain part/ },
      {
        text: `${"Zeile mit Umlauten äöü ".repeat(20)}\n`,
        textEncoding: "base64" as const,
        body: /Umlauten äöü/,
      },
      {
        text: `${"naïve café = 1 ".repeat(20)}\n`,
        textEncoding: "quoted-printable" as const,
        body: /naïve café = 1/,
      },
    ];
    for (const c of cases) {
      const sent = await rig.send({
        to: published,
        subject: "bodies",
        ...(c.text ? { text: c.text } : {}),
        ...(c.html ? { html: c.html } : {}),
        ...(c.textEncoding ? { textEncoding: c.textEncoding } : {}),
      });
      const run = await engine.runs.waitFor(runIdsOf(sent.response)[0] as string);
      const email = (await engine.runs.get(run.id)).inputs.email as Record<string, string>;
      expect(email.body).toMatch(c.body);
      if (c.html) expect(email.html).toContain(c.html);
      if (!c.html) expect(email.html).toBe("");
    }
  });

  it("starts no second run for a repeated Message-ID and still answers 250", async () => {
    rig = await mailRig(dialect);
    const { engine } = rig.te;
    await publishedProcess(engine, "once", ECHO);
    const { published } = await rig.addresses.get("once");
    // A client retrying sends the same bytes (its Date header included).
    const date = new Date("2026-03-01T10:00:00Z");
    const mail = {
      to: published,
      subject: "again",
      text: "x",
      messageId: "<same@example.com>",
      date,
    };
    const first = await rig.send(mail);
    const second = await rig.send(mail);
    expect(second.response).toMatch(/^250 /);
    expect(runIdsOf(second.response)).toEqual(runIdsOf(first.response));
    const changed = await rig.send({ ...mail, text: "other content, same id" });
    expect(changed.response).toMatch(/^250 /);
    expect(await countRows(rig, "runs")).toBe(1);
  });

  it("starts one run per process for one message to two processes", async () => {
    rig = await mailRig(dialect);
    const { engine } = rig.te;
    await publishedProcess(engine, "first", ECHO);
    await publishedProcess(engine, "second", ECHO);
    const a = await rig.addresses.get("first");
    const b = await rig.addresses.get("second");
    const sent = await rig.send({
      to: [a.published, b.draft],
      subject: "both",
      text: "x",
      messageId: "<two@example.com>",
    });
    const ids = runIdsOf(sent.response);
    expect(ids).toHaveLength(2);
    const runs = await Promise.all(ids.map((id) => engine.runs.waitFor(id)));
    expect(new Set(runs.map((r) => r.process_id)).size).toBe(2);
    expect(runs.map((r) => r.stage).sort()).toEqual(["draft", "published"]);
  });
});

describe("refusals over SMTP", () => {
  it("refuses an unknown address, a rotated one, and stages with nothing to run at RCPT TO (550)", async () => {
    rig = await mailRig("sqlite");
    const { engine } = rig.te;
    await publishedProcess(engine, "known", ECHO);
    await engine.processes.create({ name: "never published", source: ECHO });
    const known = await rig.addresses.get("known");
    const unknown = await refusal(
      rig.send({ to: "known.zzzzzzzzzz@mail.plainrun.test", text: "x" }),
    );
    expect(unknown).toMatchObject({ code: 550, command: "RCPT TO" });
    expect(unknown.response).toMatch(/no such address/);
    const otherDomain = await refusal(
      rig.send({ to: known.published.replace(/@.*/, "@elsewhere.test"), text: "x" }),
    );
    expect(otherDomain).toMatchObject({ code: 550, command: "RCPT TO" });
    const never = await rig.addresses.get("never published");
    const np = await refusal(rig.send({ to: never.published, text: "x" }));
    expect(np).toMatchObject({ code: 550, command: "RCPT TO" });
    expect(np.response).toMatch(/never been published/);
    await rig.addresses.rotate("known");
    const old = await refusal(rig.send({ to: known.published, text: "x" }));
    expect(old).toMatchObject({ code: 550, command: "RCPT TO" });
    const fresh = await rig.addresses.get("known");
    expect(fresh.published).not.toBe(known.published);
    expect((await rig.send({ to: fresh.published, text: "x" })).response).toMatch(/^250 /);
    expect(await countRows(rig, "runs")).toBe(1);
  });

  it("refuses a message whose address was rotated between RCPT TO and the end of DATA", async () => {
    rig = await mailRig("sqlite");
    await publishedProcess(rig.te.engine, "rotated meanwhile", ECHO);
    const { published } = await rig.addresses.get("rotated meanwhile");
    const smtp = smtpDialog(rig.listener.port);
    await smtp.waitFor(/^220 /m);
    smtp.write(
      `EHLO client.example.com\r\nMAIL FROM:<ap@example.com>\r\nRCPT TO:<${published}>\r\n`,
    );
    await smtp.waitFor(/^250 .*\r\n250 .*\r\n250 /ms);
    await rig.addresses.rotate("rotated meanwhile");
    smtp.write("DATA\r\n");
    await smtp.waitFor(/^354 /m);
    smtp.write("From: ap@example.com\r\nSubject: late\r\n\r\nbody\r\n.\r\n");
    const said = await smtp.waitFor(/^[45]\d\d .*\r\n$/m);
    smtp.socket.destroy();
    expect(said.split("\r\n").at(-2)).toMatch(/^550 5\.1\.1 <.*>: no such address here/);
    expect(await countRows(rig, "runs")).toBe(0);
  });

  it("answers 451 (try again), not 550, while the store cannot be written, and takes the message after", async () => {
    rig = await mailRig("sqlite");
    const { engine } = rig.te;
    await publishedProcess(engine, "stored later", ECHO);
    const { published } = await rig.addresses.get("stored later");
    await sql`pragma query_only = 1`.execute(engine.store.db); // every write now fails
    const busy = await refusal(rig.send({ to: published, subject: "now", text: "x" }));
    await sql`pragma query_only = 0`.execute(engine.store.db);
    expect(busy.code).toBe(451);
    expect(busy.response).toMatch(/could not be stored now; try again later/);
    expect(await countRows(rig, "runs")).toBe(0);
    const ok = await rig.send({ to: published, subject: "again", text: "x" });
    await engine.runs.waitFor(runIdsOf(ok.response)[0] as string);
    expect(await countRows(rig, "runs")).toBe(1);
  });

  it("refuses a message over the size limit (552), storing nothing, and recipients past the limit (452)", async () => {
    rig = await mailRig("sqlite", { maxBytes: 20_000, maxRecipients: 2 });
    const { engine } = rig.te;
    await publishedProcess(engine, "small", ECHO);
    const { published, draft } = await rig.addresses.get("small");
    const big = await refusal(
      rig.send({
        to: published,
        text: "x",
        attachments: [{ filename: "big.bin", content: randomBytes(30_000) }],
      }),
    );
    expect(big.code).toBe(552);
    expect(big.response).toMatch(/size/);
    expect(await countRows(rig, "runs")).toBe(0);
    expect(await countRows(rig, "files")).toBe(0);
    // The third recipient gets 452 at RCPT TO; the client delivers to the first two only.
    await publishedProcess(engine, "third", ECHO);
    const third = await rig.addresses.get("third");
    const many = await rig.send({ to: [published, draft, third.published], text: "x" });
    expect(many.rejected).toEqual([third.published]);
    const runs = await Promise.all(runIdsOf(many.response).map((id) => engine.runs.waitFor(id)));
    expect(runs.map((r) => r.stage).sort()).toEqual(["draft", "published"]);
  });

  it("a client that disconnects or stalls in the middle of DATA leaves no run and no file", async () => {
    rig = await mailRig("sqlite", { timeoutMs: 300 });
    const { engine } = rig.te;
    await publishedProcess(engine, "partial", ECHO);
    const { published } = await rig.addresses.get("partial");
    const port = rig.listener.port;
    const dialog = async (stall: boolean) => {
      const smtp = smtpDialog(port);
      await smtp.waitFor(/^220 /m);
      smtp.write("EHLO client.example.com\r\n");
      await smtp.waitFor(/^250 /m);
      smtp.write(`MAIL FROM:<ap@example.com>\r\nRCPT TO:<${published}>\r\nDATA\r\n`);
      await smtp.waitFor(/^354 /m);
      smtp.write(
        `Subject: cut\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: text/csv; name=a.csv\r\nContent-Disposition: attachment; filename=a.csv\r\n\r\nid\r\n1\r\n`,
      );
      if (!stall) smtp.socket.destroy(); // else the server's timeout ends it
      await smtp.ended;
    };
    await dialog(false);
    await dialog(true);
    // A complete message afterwards is the only thing stored.
    const ok = await rig.send({ to: published, text: "complete" });
    await engine.runs.waitFor(runIdsOf(ok.response)[0] as string);
    expect(await countRows(rig, "runs")).toBe(1);
    expect(await countRows(rig, "files")).toBe(0);
  });
});
