// `send an email`: a process's email goes through the SMTP relay (an smtp-server in this
// test, over loopback) with its attachments byte for byte; a relay's 550 fails the run with
// that answer on the statement's line; a crash after the relay accepted it is not followed
// by a second send.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { runLocally } from "../../src/cli/localRun.ts";
import type { Mailer, WorkerPoolHandle } from "../../src/engine/index.ts";
import { relayMailer } from "../../src/engine/index.ts";
import { createTestEngine, publishedProcess, type TestEngine } from "../helpers/engines.ts";
import { dialects } from "../helpers/stores.ts";
import { DOMAIN, type MailRig, mailRig, runIdsOf } from "./helpers.ts";

interface Relay {
  url: string;
  received: ParsedMail[];
  /** Resolves when the relay has received `n` messages. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A relay that keeps what it is given, or answers `refuse` at the end of DATA. */
async function startRelay(refuse?: string): Promise<Relay> {
  const received: ParsedMail[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (refuse) {
          callback(Object.assign(new Error(refuse), { responseCode: 550 }));
          return;
        }
        simpleParser(Buffer.concat(chunks)).then((m) => {
          received.push(m);
          for (const w of waiters.filter((x) => received.length >= x.n)) w.resolve();
          callback(null, "2.0.0 queued as RELAY1");
        }, callback);
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    received,
    waitFor: (n) =>
      received.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const FORWARD = `send an email to "finance@example.com" and "boss@example.com"
  the subject is "Invoices from {the email's sender}: {the email's subject}"
  the message is "There are {the count of the attachments} files."
  the attachments are the attachments
  the cc is "audit@example.com"
the forwarded is "yes"
`;

let rig: MailRig | undefined;
let relay: Relay | undefined;
const extra: Array<() => Promise<void>> = [];
afterEach(async () => {
  await rig?.close();
  await relay?.close();
  for (const f of extra.splice(0).reverse()) await f();
  rig = undefined;
  relay = undefined;
});

describe.each(dialects)("a process sends email on %s", (dialect) => {
  it("the relay receives it with its attachments byte for byte; it is recorded on the run", async () => {
    relay = await startRelay();
    rig = await mailRig(
      dialect,
      {},
      { relayUrl: relay.url, from: "robot@plainrun.test", domain: DOMAIN },
    );
    const { engine } = rig.te;
    await publishedProcess(engine, "forwarder", FORWARD);
    const { published } = await rig.addresses.get("forwarder");
    const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), randomBytes(3000)]);
    const binary = randomBytes(2048);
    const notices: Array<{ runId: string; seq: number }> = [];
    const off = engine.bus.onAnyRun((n) => notices.push(n));
    extra.push(async () => off());
    const sent = await rig.send({
      to: published,
      subject: "Zoë's invoices",
      text: "attached",
      attachments: [
        { filename: "a.csv", content: "id,amount\n1,10\n", contentType: "text/csv" },
        { filename: "facture été.pdf", content: pdf, contentType: "application/pdf" },
        { filename: "blob.bin", content: binary, contentType: "application/octet-stream" },
      ],
    });
    const [id] = runIdsOf(sent.response);
    const run = await engine.runs.waitFor(id as string);
    expect(run.error).toBeNull();
    expect(run).toMatchObject({ status: "Succeeded", outputs: { forwarded: "yes" } });
    await relay.waitFor(1);
    expect(relay.received).toHaveLength(1);
    const m = relay.received[0] as ParsedMail;
    expect(m.subject).toBe("Invoices from ap@example.com: Zoë's invoices");
    expect(m.text?.trim()).toBe("There are 3 files.");
    expect(m.from?.value[0]?.address).toBe("robot@plainrun.test");
    expect(
      (Array.isArray(m.to) ? m.to : [m.to]).flatMap((t) => t?.value.map((v) => v.address)),
    ).toEqual(["finance@example.com", "boss@example.com"]);
    expect(
      (Array.isArray(m.cc) ? m.cc : [m.cc]).flatMap((t) => t?.value.map((v) => v.address)),
    ).toEqual(["audit@example.com"]);
    expect(m.messageId).toBe(`<${id}.1@${DOMAIN}>`);
    expect(m.attachments.map((a) => a.filename)).toEqual(["a.csv", "facture été.pdf", "blob.bin"]);
    expect(m.attachments[0]?.content.toString()).toBe("id,amount\n1,10\n");
    expect(Buffer.compare(m.attachments[1]?.content as Buffer, pdf)).toBe(0);
    expect(Buffer.compare(m.attachments[2]?.content as Buffer, binary)).toBe(0);

    const detail = await engine.runs.get(id as string);
    expect(detail.emails_sent).toEqual([
      expect.objectContaining({
        to: ["finance@example.com", "boss@example.com"],
        cc: ["audit@example.com"],
        subject: "Invoices from ap@example.com: Zoë's invoices",
        status: "sent",
        answer: expect.stringMatching(/^250 .*RELAY1/),
        step: 1,
      }),
    ]);
    const events = await engine.runs.events(id as string);
    expect(events.filter((e) => e.type === "email")).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: "sent" }) }),
    ]);
    // Each commit is told to the bus once (by the group commit), up to the run's last event.
    const seqs = notices.filter((n) => n.runId === id).map((n) => n.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Math.max(...seqs)).toBe(events[events.length - 1]?.seq);
  });

  it("a relay that answers 550 fails the run with that answer on the statement's line", async () => {
    relay = await startRelay("5.7.1 relaying denied for finance@example.com");
    rig = await mailRig(
      dialect,
      {},
      { relayUrl: relay.url, from: "robot@plainrun.test", domain: DOMAIN },
    );
    const { engine } = rig.te;
    await publishedProcess(engine, "forwarder", `say "before"\n${FORWARD}`);
    const { published } = await rig.addresses.get("forwarder");
    const sent = await rig.send({ to: published, subject: "x", text: "y" });
    const [id] = runIdsOf(sent.response);
    const run = await engine.runs.waitFor(id as string);
    expect(run.status).toBe("Failed");
    expect(run.error?.line).toBe(2);
    expect(run.error?.message).toMatch(
      /^the email to finance@example\.com, boss@example\.com was not sent: 550 5\.7\.1 relaying denied for finance@example\.com/,
    );
    expect(run.log).toEqual(["before"]);
    const detail = await engine.runs.get(id as string);
    expect(detail.emails_sent).toEqual([
      expect.objectContaining({ status: "refused", answer: expect.stringMatching(/^550 /) }),
    ]);
  });

  it("without a relay, and with bad addresses or attachments, the run fails saying why", async () => {
    rig = await mailRig(dialect);
    const { engine } = rig.te;
    const cases: Array<[string, RegExp]> = [
      [
        'send an email to "a@example.com"\n  the subject is "hi"\n',
        /^the email to a@example\.com was not sent: no SMTP relay is configured \(start the server with --smtp-relay-url\)$/,
      ],
      [
        'send an email to "not an address"\n',
        /^"not an address" in the email's recipients is not an email address$/,
      ],
      ['send an email to ""\n', /^the email has no recipient/],
      ["send an email to 42\n", /the email's recipients must be email addresses \(text\), not/],
      [
        'send an email to "a@example.com"\n  the attachments are "report.pdf"\n',
        /the email's attachments must be files/,
      ],
      [
        'send an email to "a@example.com"\n  the cc is "nobody"\n',
        /"nobody" in the email's cc is not an email address/,
      ],
    ];
    for (const [i, [source, error]] of cases.entries()) {
      await publishedProcess(engine, `bad ${i}`, source);
      const run = await engine.startRun({ process: `bad ${i}` });
      const done = await engine.runs.waitFor(run.id);
      expect(done.status, source).toBe("Failed");
      expect(done.error?.message, source).toMatch(error);
      expect(done.error?.line, source).toBe(1);
    }
  });

  it("a crash after the relay accepted it is not followed by a second send", async () => {
    relay = await startRelay();
    const te: TestEngine = await createTestEngine(dialect);
    extra.push(() => te.cleanup());
    const { engine } = te;
    await publishedProcess(
      engine,
      "notify",
      'send an email to "ops@example.com"\n  the subject is "once"\nsay "after"\n',
    );
    // The first worker hands the email to the relay and then "dies": it never records the
    // answer (its mailer never returns) and stops renewing its lease.
    const real = relayMailer(relay.url);
    let release: (() => void) | undefined;
    const dying: Mailer = {
      async send(m) {
        const outcome = await real.send(m);
        await new Promise<void>((r) => {
          release = r;
        });
        return outcome;
      },
      close: () => real.close(),
    };
    const settings = { relayUrl: relay.url, from: "robot@plainrun.test", domain: DOMAIN };
    const first: WorkerPoolHandle = await engine.startWorkers({
      concurrency: 1,
      leaseMs: 60_000,
      pollMs: 50,
      mail: settings,
      mailer: dying,
    });
    const run = await engine.startRun({ process: "notify" });
    await relay.waitFor(1);
    // Its lease runs out (as a dead worker's would), and another worker takes the run over.
    await engine.store.db
      .updateTable("runs")
      .set({ lease_owner: "a-dead-worker", lease_expires_at: 0 })
      .where("id", "=", run.id)
      .execute();
    const second = await engine.startWorkers({
      concurrency: 1,
      leaseMs: 60_000,
      pollMs: 50,
      recoverMs: 100,
      mail: settings,
    });
    const done = await engine.runs.waitFor(run.id);
    expect(done.status).toBe("Failed");
    expect(done.error?.line).toBe(1);
    expect(done.error?.message).toMatch(
      /whether it was sent is not known, and it is not sent again so that it is never sent twice/,
    );
    expect(relay.received).toHaveLength(1);
    const detail = await engine.runs.get(run.id);
    expect(detail.emails_sent).toEqual([expect.objectContaining({ status: "unknown" })]);
    // The first worker, coming back, writes nothing over it.
    release?.();
    await first.stop({ graceMs: 0 });
    await second.stop({ graceMs: 0 });
    expect((await engine.runs.get(run.id)).emails_sent).toEqual([
      expect.objectContaining({ status: "unknown" }),
    ]);
    expect(relay.received).toHaveLength(1);
  });
});

describe("plainrun run", () => {
  it("logs the email it would send, sends nothing, and goes on", async () => {
    const view = await runLocally(
      'send an email to "a@example.com"\n  the subject is "hi"\nsay "after"\n',
      { inputs: {}, nextAnswer: async () => null, timeLimitMs: 10_000 },
    );
    expect(view.status).toBe("Succeeded");
    expect(view.log).toEqual([
      "(not sent: plainrun run sends no email) email to a@example.com: hi",
      "after",
    ]);
  });
});
