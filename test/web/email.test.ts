// Email, end to end in a browser: copy a process's address from its page, send it a message
// with a CSV attachment over real SMTP (nodemailer to `plainrun serve --roles …,smtp`), see
// the run appear, its outputs computed from the attachment, the message and its attachment
// (downloaded byte for byte) on the run's page, and the email the run sent through the relay
// (an smtp-server in this test) listed with the relay's answer.
import { execFile } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ParsedMail, simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import type { Browser, Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/apiClient.ts";
import {
  axeProblems,
  ensureUiBuilt,
  launchBrowser,
  type ServeProcess,
  screenshot,
  startServe,
} from "./browser.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/plainrun.js");
const WAIT = { timeout: 30_000 };
const DOMAIN = "journey.plainrun.test";
const CSV = "item,amount\npaper,12.50\nink,30\ntoner,17.5\n";
const SOURCE = `read the first attachment as a table as the lines
the total is the sum of the lines' amount
send an email to the email's sender
  the subject is "Received: {the email's subject}"
  the message is "{the count of the lines} lines, total {the total}"
  the attachments are the attachments
`;

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let key: string;
let relay: SMTPServer;
const relayed: ParsedMail[] = [];

function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return new ApiClient(serve.url, key).call<T>(method, path, body);
}

beforeAll(async () => {
  ensureUiBuilt();
  relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((m) => {
        relayed.push(m);
        callback(null, "2.0.0 queued as JOURNEY1");
      }, callback);
    },
  });
  relay.listen(0, "127.0.0.1");
  await once(relay.server, "listening");
  const relayPort = (relay.server.address() as AddressInfo).port;
  serve = await startServe([
    "--roles",
    "api,worker,smtp",
    "--smtp-port",
    "0",
    "--smtp-host",
    "127.0.0.1",
    "--mail-domain",
    DOMAIN,
    "--smtp-relay-url",
    `smtp://127.0.0.1:${relayPort}?ignoreTLS=true`,
    "--mail-from",
    "robot@journey.plainrun.test",
  ]);
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: serve.url });
  page = await context.newPage();
  await page.goto(serve.setupUrl);
  await page.getByLabel("Email").fill("admin@example.com");
  await page.getByLabel(/^Password/).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { level: 1, name: "Processes" }).waitFor(WAIT);
  const { stdout } = await run(process.execPath, [
    BIN,
    "keys",
    "create",
    "journey",
    "--data-dir",
    serve.dataDir,
  ]);
  key = stdout.trimEnd().split("\n").at(-1) as string;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await new Promise<void>((r) => (relay ? relay.close(() => r()) : r()));
});

describe("email, in the browser", { timeout: 180_000 }, () => {
  it("copy the address, mail it a CSV, see the run, its attachment and the email it sent", async () => {
    const p = await api<{ id: string }>("POST", "/processes", {
      name: "invoice intake",
      source: SOURCE,
    });
    await api("POST", `/processes/${p.id}/publish`);

    // The address, copied from the process's page.
    await page.goto(`${serve.url}/processes/${p.id}`);
    const copy = page.getByRole("button", { name: "Copy address", exact: true });
    await copy.click();
    await copy.filter({ hasText: "Copied" }).waitFor(WAIT);
    const address = (await page.evaluate("navigator.clipboard.readText()")) as string;
    expect(address).toMatch(new RegExp(`^invoice-intake\\.[a-z0-9]{10}@${DOMAIN}$`));

    // A message to it, over SMTP.
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: serve.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      from: '"Accounts Payable" <ap@example.com>',
      to: address,
      subject: "March invoices",
      text: "Three lines attached.",
      attachments: [{ filename: "lines.csv", content: CSV, contentType: "text/csv" }],
    });
    transport.close();
    expect(info.response).toMatch(/^250 2\.0\.0 accepted: run /);

    // The run appears in the list; its page shows the outputs computed from the attachment.
    await page.goto(`${serve.url}/runs`);
    const row = page.getByRole("row").filter({ hasText: "invoice intake" });
    await row.getByText("Succeeded", { exact: true }).waitFor(WAIT);
    await row.getByRole("link").first().click();
    await page.getByRole("heading", { level: 1, name: /^Run / }).waitFor(WAIT);
    const outputs = page.getByRole("region", { name: "Outputs" });
    await outputs.getByText("60", { exact: true }).waitFor(WAIT);

    // The message that started it, and its attachment, downloaded.
    const message = page.getByRole("region", { name: "Email that started this run" });
    await message.getByText("March invoices").waitFor(WAIT);
    await message.getByText("<ap@example.com>").waitFor(WAIT);
    await message.getByText("Three lines attached.").waitFor(WAIT);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      message.getByRole("link", { name: "Download lines.csv" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("lines.csv");
    expect(readFileSync(await download.path(), "utf8")).toBe(CSV);

    // The email the run sent: on its page with the relay's answer, and at the relay.
    const sent = page.getByRole("region", { name: "Emails sent" });
    await sent.getByText("Received: March invoices").waitFor(WAIT);
    await sent.getByText("sent", { exact: true }).waitFor(WAIT);
    await sent.getByText(/relay: 250 .*JOURNEY1/).waitFor(WAIT);
    await page
      .getByRole("region", { name: "Steps" })
      .getByText(/send an email to/)
      .waitFor(WAIT);
    expect(relayed).toHaveLength(1);
    expect(relayed[0]?.subject).toBe("Received: March invoices");
    expect(relayed[0]?.text?.trim()).toBe("3 lines, total 60");
    expect(relayed[0]?.attachments[0]?.content.toString()).toBe(CSV);
    await screenshot(page, "run-email");
    expect(await axeProblems(page)).toEqual([]);
  });
});
