// The web UI's journeys, as a person does them: a real `plainrun serve` on a fresh data
// directory, Debian's chromium, no mocked API. Every page visited is checked with axe-core
// (no serious or critical violations); main pages are saved to test-results/web.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeProblems,
  ensureUiBuilt,
  launchBrowser,
  type ServeProcess,
  screenshot,
  startServe,
} from "./browser.ts";

const run = promisify(execFile);
const EMAIL = "admin@example.com";
const PASSWORD = "correct horse battery";
const WAIT = { timeout: 20_000 };

let serve: ServeProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Checks the page with axe and, when named, saves its screenshot. */
async function check(name?: string) {
  await page.waitForLoadState("networkidle").catch(() => {});
  expect(await axeProblems(page)).toEqual([]);
  if (name) await screenshot(page, name);
}

async function pageHeading(text: string | RegExp) {
  await page.getByRole("heading", { level: 1, name: text }).waitFor(WAIT);
}

/** Creates a process through the UI's New process form and returns its id. */
async function newProcess(name: string): Promise<string> {
  await page.goto(`${serve.url}/processes`);
  await page.getByRole("button", { name: "New process" }).click();
  await page.getByLabel("Name of the new process").fill(name);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await pageHeading(name);
  return new URL(page.url()).pathname.split("/").pop()!;
}

/** Replaces the editor's text as typed input. */
async function typeSource(source: string) {
  const editor = page.locator(".cm-content");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(source);
}

/** Takes a completion from the open list (a click: the list ignores keys in its first moments). */
async function takeCompletion(label: string) {
  await page.locator(".cm-tooltip-autocomplete li").filter({ hasText: label }).first().click();
}

async function saveAndPublish(version: number) {
  await page.getByText("No errors.").waitFor(WAIT);
  await page.getByRole("button", { name: "Save draft" }).click();
  await page.getByText("Draft saved.").waitFor(WAIT);
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByText(`Published version ${version}.`).waitFor(WAIT);
}

async function runFromForm(inputs: Record<string, string> = {}): Promise<string> {
  for (const [name, value] of Object.entries(inputs))
    await page.getByLabel(name, { exact: true }).fill(value);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, WAIT);
  return new URL(page.url()).pathname.split("/").pop()!;
}

async function statusIs(status: string) {
  await page.locator("h1 .badge", { hasText: new RegExp(`^${status}$`) }).waitFor(WAIT);
}

beforeAll(async () => {
  ensureUiBuilt();
  serve = await startServe();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

// Each journey is many steps through a real browser; on a shared 2-core machine they take a while.
describe.sequential("web UI journeys", { timeout: 120_000 }, () => {
  const runs: Record<string, string> = {};
  let greetingId = "";

  it("creates the first admin from the setup link, logs out and in again", async () => {
    await page.goto(serve.setupUrl);
    await pageHeading("Create the first admin account");
    await check("setup");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await pageHeading("Processes");
    await expect(page.getByText("No processes yet").isVisible()).resolves.toBe(true);
    await check("processes-empty");

    await page.getByRole("button", { name: "Log out" }).click();
    await pageHeading("Log in to Plainrun");
    await page.goto(`${serve.url}/runs`);
    await pageHeading("Log in to Plainrun");
    await check("login");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor(WAIT);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await pageHeading("Runs");
    expect(new URL(page.url()).pathname).toBe("/runs");
    await check();
  });

  it("underlines a typo with its message, then saves and publishes the fix", async () => {
    greetingId = await newProcess("greeting");
    await typeSource('teh greeting is "Hello, {the customer name}!"\nsay the greeting');
    await page.locator(".cm-lintRange-error").first().waitFor(WAIT);
    const errors = page.getByRole("list", { name: "Errors in the source" });
    await errors.getByText("Line 1, column 1: I don't know how to").waitFor(WAIT);
    expect(await errors.textContent()).toContain("Did you mean 'the'?");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByRole("alert").first().waitFor(WAIT);
    expect(await page.getByRole("list", { name: "Why it was refused" }).textContent()).toContain(
      "Line 1",
    );
    await check("process-error");

    await typeSource('the greeting is "Hello, {the customer name}!"\nsay the greeting');
    expect(await page.locator(".cm-lintRange-error").count()).toBe(0);
    await saveAndPublish(1);
    await check("process");
  });

  it("completes statement verbs and the facts the source names", async () => {
    await page.locator(".cm-content").click();
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("sa");
    await takeCompletion("say");
    await page.keyboard.type(" the gr");
    await takeCompletion("greeting");
    expect(await page.locator(".cm-content").textContent()).toContain(
      "say the greetingsay the greeting",
    );
    // Escape, then Tab leaves the editor: keyboard users are not trapped in it.
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.closest('.cm-editor') === null")).toBe(
      true,
    );
    await typeSource('the greeting is "Hello, {the customer name}!"\nsay the greeting');
    await page.getByText("No errors.").waitFor(WAIT);
  });

  it("runs the process from its form and watches it succeed live", async () => {
    await page.getByLabel("customer name").waitFor(WAIT);
    runs.ada = await runFromForm({ "customer name": "Ada" });
    await statusIs("Succeeded");
    await page.getByText("Hello, Ada!").first().waitFor(WAIT);
    await page.getByRole("button", { name: "Star greeting" }).click();
    await page.getByRole("button", { name: "Unstar greeting" }).waitFor(WAIT);
    await check("run-page");
  });

  it("answers a run's question on its page, by text and by a choice button", async () => {
    await newProcess("approver");
    await typeSource('get the approver\nsay "Sent to {the approver}"');
    await saveAndPublish(1);
    runs.approver = await runFromForm();
    await statusIs("AwaitingAnswer");
    await page.getByRole("heading", { name: "The run asks" }).waitFor(WAIT);
    await check("run-question");
    await page.getByLabel("Your answer").fill("Linus");
    await page.getByRole("button", { name: "Answer" }).click();
    await statusIs("Succeeded");
    await page.getByText("Sent to Linus").first().waitFor(WAIT);

    await newProcess("approval");
    await typeSource(
      'ask "Approve the order?"\n  the choices are "Yes", "No"\nsay "Answer: {the answer}"',
    );
    await saveAndPublish(1);
    runs.approval = await runFromForm();
    await page.getByRole("button", { name: "Yes", exact: true }).click();
    await statusIs("Succeeded");
    await page.getByText("Answer: Yes").first().waitFor(WAIT);
  });

  it("archives two selected runs, shows archived runs and unarchives them", async () => {
    await page.goto(`${serve.url}/runs`);
    await pageHeading("Runs");
    const pick = [runs.ada!, runs.approver!];
    for (const id of pick) await page.getByRole("checkbox", { name: `Select run ${id}` }).check();
    await page.getByRole("button", { name: "Archive", exact: true }).click();
    await page.getByRole("list", { name: "Results" }).getByText("archived").first().waitFor(WAIT);
    for (const id of pick) {
      await page
        .getByRole("checkbox", { name: `Select run ${id}` })
        .waitFor({ state: "detached", ...WAIT });
    }
    await page.getByRole("checkbox", { name: "Show archived" }).check();
    expect(new URL(page.url()).searchParams.get("archived")).toBe("1");
    for (const id of pick) await page.getByRole("checkbox", { name: `Select run ${id}` }).check();
    await check("runs-archived");
    await page.getByRole("button", { name: "Unarchive" }).click();
    await page.getByRole("list", { name: "Results" }).getByText("unarchived").first().waitFor(WAIT);
    await page.getByRole("checkbox", { name: "Show archived" }).uncheck();
    for (const id of pick)
      await page.getByRole("checkbox", { name: `Select run ${id}` }).waitFor(WAIT);
    expect(await page.getByRole("button", { name: "Add Test Case" }).isDisabled()).toBe(true);
  });

  it("re-runs a Failed run after the process is fixed", async () => {
    const id = await newProcess("checker");
    await typeSource('fail with "the stock file is missing"');
    await saveAndPublish(1);
    runs.failed = await runFromForm();
    await statusIs("Failed");
    await page.getByRole("alert").filter({ hasText: "the stock file is missing" }).waitFor(WAIT);
    await page.locator(".source li.error-line").waitFor(WAIT);
    await check("run-failed");

    await page.goto(`${serve.url}/processes/${id}`);
    await typeSource('say "stock file found"');
    await saveAndPublish(2);
    await page.getByRole("link", { name: "View Runs" }).click();
    await pageHeading("Runs of checker");
    await page.getByRole("checkbox", { name: `Select run ${runs.failed}` }).check();
    await page.getByRole("button", { name: "Re-run", exact: true }).click();
    const results = page.getByRole("list", { name: "Results" });
    await results.getByRole("link").first().click();
    await statusIs("Succeeded");
    await page.getByText("stock file found").first().waitFor(WAIT);
  });

  it("compares a version with the draft and restores it", async () => {
    await page.goto(`${serve.url}/runs/${runs.failed}`);
    await page.getByRole("link", { name: "v1" }).click();
    const diff = page.getByRole("region", { name: "v1 compared with the draft" });
    await diff.waitFor(WAIT);
    expect(await diff.textContent()).toContain('− fail with "the stock file is missing"');
    expect(await diff.textContent()).toContain('+ say "stock file found"');
    await check("process-diff");
    const v1 = page.locator("#versions li").filter({ hasText: "v1" });
    await v1.getByRole("button", { name: "Restore" }).click();
    await page.getByText("Restored into the draft.").waitFor(WAIT);
    expect(await page.locator(".cm-content").textContent()).toContain("the stock file is missing");
  });

  it("cancels a long run from its page", async () => {
    await newProcess("long");
    await typeSource("the n is 0\nrepeat 1000000000 times\n  add 1 to the n");
    await saveAndPublish(1);
    runs.long = await runFromForm();
    await statusIs("Running");
    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await statusIs("Cancelled");
  });

  it("creates an API key and sees a run started with it by curl appear without a reload", async () => {
    await page.goto(`${serve.url}/settings`);
    await pageHeading("Settings");
    await page.getByLabel("Key name").fill("billing");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.getByTestId("key-secret").textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    await page.getByRole("cell", { name: "billing", exact: true }).waitFor(WAIT);
    await check("settings");

    await page.goto(`${serve.url}/runs`);
    await pageHeading("Runs");
    const { stdout } = await run("curl", [
      "-s",
      "-X",
      "POST",
      `${serve.url}/api/v2/runs`,
      "-H",
      `x-api-key: ${secret}`,
      "-H",
      "content-type: application/json",
      "-d",
      JSON.stringify({ process: greetingId, inputs: { "customer name": "Grace" } }),
    ]);
    const started = JSON.parse(stdout) as { id: string; trigger: string };
    expect(started.trigger).toBe("api");
    const row = page.locator(`tr[data-run-id="${started.id}"]`);
    await row.waitFor(WAIT);
    await row.getByText("Succeeded").waitFor(WAIT);
    await check("runs-list");
  });

  it("shows the runs list at phone width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${serve.url}/runs?status=Succeeded`);
    await pageHeading("Runs");
    const box = page.getByRole("checkbox", { name: `Select run ${runs.approval}` });
    await box.check();
    expect(await page.getByRole("button", { name: "Archive", exact: true }).isEnabled()).toBe(true);
    expect(await page.getByRole("link", { name: "Runs", exact: true }).isVisible()).toBe(true);
    await check("runs-phone");
    await page.goto(`${serve.url}/runs/${runs.ada}`);
    await statusIs("Succeeded");
    await check("run-page-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
