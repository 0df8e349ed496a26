// Who may send: an allow-list checked at RCPT TO (MAIL FROM) and at the end of DATA (From),
// and "authenticated senders only" checked with DMARC over a DKIM signature made with a
// local key (the DNS answers come from an injected resolver).
import { generateKeyPairSync } from "node:crypto";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { checkSenderRule, senderAllowed } from "../../src/triggers/email/senders.ts";
import { publishedProcess } from "../helpers/engines.ts";
import { type MailRig, mailRig, refusal, runIdsOf, smtpDialog } from "./helpers.ts";

const SAY = 'say "from {the email\'s sender}"\n';

let rig: MailRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const runCount = async (r: MailRig) =>
  (await r.te.engine.store.db.selectFrom("runs").select("id").execute()).length;

describe("sender rules", () => {
  it("checks entries and matches addresses, domains and subdomains", () => {
    const rule = checkSenderRule({
      allow: ["AP@Example.com", "@partner.org"],
      authenticated: false,
    });
    expect(rule.allow).toEqual(["ap@example.com", "partner.org"]);
    expect(senderAllowed(rule, "ap@example.com")).toBe(true);
    expect(senderAllowed(rule, "other@example.com")).toBe(false);
    expect(senderAllowed(rule, "x@eu.partner.org")).toBe(true);
    expect(senderAllowed(rule, "x@notpartner.org")).toBe(false);
    expect(() => checkSenderRule({ allow: ["not an address"] })).toThrow(
      /"not an address" is neither/,
    );
    expect(() =>
      checkSenderRule({ allow: Array.from({ length: 101 }, (_, i) => `d${i}.com`) }),
    ).toThrow(/at most 100/);
  });

  it("refuses a sender off the allow-list at RCPT TO, naming the rule, and a From off it at DATA", async () => {
    rig = await mailRig("sqlite");
    await publishedProcess(rig.te.engine, "ap only", SAY);
    await rig.addresses.setSenders("ap only", { allow: ["ap@example.com", "partner.org"] });
    const { published } = await rig.addresses.get("ap only");
    const off = await refusal(rig.send({ from: "mallory@evil.test", to: published, text: "x" }));
    expect(off).toMatchObject({ code: 550, command: "RCPT TO" });
    expect(off.response).toMatch(
      /mallory@evil\.test> may not send to process "ap only": it accepts mail from only ap@example\.com, partner\.org/,
    );
    // MAIL FROM allowed, From header not: refused at the end of DATA.
    const header = await refusal(
      rig.send({
        envelope: { from: "ap@example.com", to: [published] },
        from: "boss@evil.test",
        to: published,
        text: "x",
      }),
    );
    expect(header.code).toBe(550);
    expect(header.response).toMatch(/From <boss@evil\.test> may not send/);
    expect(await runCount(rig)).toBe(0);
    const ok = await rig.send({ from: "someone@eu.partner.org", to: published, text: "x" });
    const run = await rig.te.engine.runs.waitFor(runIdsOf(ok.response)[0] as string);
    expect(run.log).toEqual(["from someone@eu.partner.org"]);
  });

  it("with authenticated senders only, accepts a DKIM-signed message (DMARC pass) and refuses an unsigned or badly signed one", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const p = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const dns: Record<string, string[][]> = {
      "TXT sel._domainkey.example.com": [[`v=DKIM1; k=rsa; p=${p}`]],
      "TXT _dmarc.example.com": [["v=DMARC1; p=reject"]],
      "TXT example.com": [["v=spf1 -all"]],
    };
    const resolver = async (name: string, type: string) => {
      const found = dns[`${type} ${name.toLowerCase()}`];
      if (found) return found;
      throw Object.assign(new Error(`no ${type} for ${name}`), { code: "ENOTFOUND" });
    };
    rig = await mailRig("sqlite", { resolver });
    await publishedProcess(rig.te.engine, "signed only", SAY);
    await rig.addresses.setSenders("signed only", { authenticated: true });
    const { published } = await rig.addresses.get("signed only");
    const signedWith = (key: string) =>
      nodemailer
        .createTransport({
          host: "127.0.0.1",
          port: rig?.listener.port,
          ignoreTLS: true,
          dkim: { domainName: "example.com", keySelector: "sel", privateKey: key },
        })
        .sendMail({ from: "ap@example.com", to: published, subject: "signed", text: "x" });
    const good = await signedWith(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    expect(good.response).toMatch(/^250 /);
    const run = await rig.te.engine.runs.waitFor(runIdsOf(good.response)[0] as string);
    expect(run.status).toBe("Succeeded");

    const unsigned = await refusal(rig.send({ from: "ap@example.com", to: published, text: "x" }));
    expect(unsigned.code).toBe(550);
    expect(unsigned.response).toMatch(/accepts only authenticated senders: DMARC fail/);
    const forged = await refusal(
      signedWith(other.privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
    );
    expect(forged.code).toBe(550);
    expect(await runCount(rig)).toBe(1);
  });

  it("a rule made authenticated-only between RCPT TO and the end of DATA still holds for that message", async () => {
    const nxdomain = async (name: string, type: string) => {
      throw Object.assign(new Error(`no ${type} for ${name}`), { code: "ENOTFOUND" });
    };
    // Messages over 1 KB are read in a reader thread, their bytes moved there when they have
    // a memory of their own (over 4 KB: smaller ones share a pool and are copied).
    rig = await mailRig("sqlite", { resolver: nxdomain, inlineMax: 1024, readerThreads: 1 });
    await publishedProcess(rig.te.engine, "tightened", SAY);
    const { published } = await rig.addresses.get("tightened");
    const attempt = async (body: string) => {
      const smtp = smtpDialog(rig?.listener.port as number);
      await smtp.waitFor(/^220 /m);
      smtp.write("EHLO client.example.com\r\nMAIL FROM:<ap@example.com>\r\n");
      await smtp.waitFor(/^250 .*\r\n250 /ms);
      smtp.write(`RCPT TO:<${published}>\r\n`);
      await smtp.waitFor(/^250 .*\r\n250 .*\r\n250 /ms); // the rule allowed anyone then
      await rig?.addresses.setSenders("tightened", { authenticated: true });
      smtp.write(`DATA\r\n`);
      await smtp.waitFor(/^354 /m);
      smtp.write(`From: ap@example.com\r\nSubject: x\r\n\r\n${body}\r\n.\r\n`);
      const said = await smtp.waitFor(/^(4|5)\d\d .*\r\n$/m);
      smtp.socket.destroy();
      await rig?.addresses.setSenders("tightened", { authenticated: false });
      return said.split("\r\n").at(-2) ?? "";
    };
    // It was not checked (nothing asked for DMARC at RCPT TO), whether read in the
    // listener's thread or moved to a reader thread: it is to be sent again...
    expect(await attempt("small")).toMatch(/^451 4\.7\.0 .*sender rule changed/);
    expect(await attempt("x".repeat(10_000))).toMatch(/^451 4\.7\.0 .*sender rule changed/);
    expect(await runCount(rig)).toBe(0);
    // ...and sent again, the rule holds from RCPT TO on: DMARC fails (no DNS records).
    await rig.addresses.setSenders("tightened", { authenticated: true });
    const again = await refusal(rig.send({ to: published, subject: "again", text: "small" }));
    expect(again).toMatchObject({ code: 550, command: "DATA" });
    expect(again.response).toMatch(/"tightened" accepts only authenticated senders/);
    expect(await runCount(rig)).toBe(0);
  });
});
