// The Test Suite journey, as a person does it: run a process three times, select the runs,
// Add Test Case, Run tests → all Passed; change the draft so one output changes → Run tests
// shows Failed with the diff; turn the publish gate on → Publish is refused, naming the case.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeProblems,
  ensureUiBuilt,
  launchBrowser,
  type ServeProcess,
  screenshot,
  startServe,
} from "./browser.ts";

const WAIT = { timeout: 30_000 };
let serve: ServeProcess;
let browser: Browser;
let page: Page;

async function heading(text: string | RegExp, level = 1) {
  await page.getByRole("heading", { level, name: text }).waitFor(WAIT);
}

async function typeSource(source: string) {
  const editor = page.locator(".cm-content");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(source);
  await page.getByText("No errors.").waitFor(WAIT);
}

beforeAll(async () => {
  ensureUiBuilt();
  serve = await startServe();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe("the Test Suite in the web UI", () => {
  it("adds runs as test cases, runs them, shows a diff, and gates Publish", async () => {
    await page.goto(serve.setupUrl);
    await page.getByLabel("Email").fill("admin@example.com");
    await page.getByLabel(/^Password/).fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await heading("Processes");

    await page.getByRole("button", { name: "New process" }).click();
    await page.getByLabel("Name of the new process").fill("greet");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await heading("greet");
    const processUrl = page.url();
    await typeSource('the greeting is "Hello, {the name}!"');
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Draft saved.").waitFor(WAIT);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Published version 1.").waitFor(WAIT);
    await page.getByRole("link", { name: "Missing test cases" }).waitFor(WAIT);

    const runs: string[] = [];
    for (const name of ["Ada", "Grace", "Linus"]) {
      await page.goto(processUrl);
      await heading("greet");
      await page.getByLabel("name", { exact: true }).fill(name);
      await page.getByRole("button", { name: "Run", exact: true }).click();
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, WAIT);
      runs.push(new URL(page.url()).pathname.split("/").pop() as string);
      await page.locator("h1 .badge", { hasText: /^Succeeded$/ }).waitFor(WAIT);
    }

    await page.goto(`${serve.url}/runs`);
    await heading("Runs");
    for (const id of runs) await page.getByRole("checkbox", { name: `Select run ${id}` }).check();
    await page.getByRole("button", { name: "Add Test Case" }).click();
    const results = page.getByRole("list", { name: "Results" });
    await results.getByText('added as a test case "name Linus"').waitFor(WAIT);
    expect(await results.textContent()).toContain('"name Ada"');

    await page.getByRole("link", { name: "Test Suite" }).first().click();
    await heading("Test Suite");
    await page.getByRole("cell", { name: "3" }).waitFor(WAIT);
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, "test-suite");
    await page.getByRole("checkbox", { name: "Run the tests of greet" }).check();
    await page.getByRole("button", { name: "Run tests" }).click();
    await heading(/Suite run of .*: Passed/, 2);
    expect(await page.getByRole("status").first().textContent()).toContain("3 passed, 0 failed");

    // The draft changes one output: Run tests shows Failed with the diff.
    await page.goto(processUrl);
    await heading("greet");
    await page.getByRole("link", { name: /Last tests: 3 passed/ }).waitFor(WAIT);
    await typeSource(
      'the greeting is "Hello, {the name}!"\nif the name is "Ada" then\n  the greeting is "Bye, Ada!"',
    );
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Draft saved.").waitFor(WAIT);
    await page.goto(`${serve.url}/test-suite`);
    await page.getByRole("button", { name: "Run tests" }).click();
    await heading(/Suite run of .*: Failed/, 2);
    const failed = page.getByRole("listitem").filter({ hasText: "Failed greet › name Ada" });
    await failed.waitFor(WAIT);
    const diff = failed.getByRole("table");
    expect(await diff.getByRole("row").nth(1).textContent()).toBe(
      'greeting"Hello, Ada!""Bye, Ada!"',
    );
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, "test-suite-failed");

    // History: the two suite runs compared.
    await page.getByRole("link", { name: "All processes and history" }).click();
    await heading("History", 2);
    // Both suite runs listed before choosing (the history may still be loading the second).
    const boxes = page.getByRole("checkbox", { name: /Compare the suite run/ });
    await boxes.nth(1).waitFor(WAIT);
    for (const box of await boxes.all()) await box.check();
    await page.getByRole("button", { name: "Compare the two chosen" }).click();
    await page.getByText("1 changed, 2 unchanged").waitFor(WAIT);

    // The publish gate: Publish is refused, naming the case.
    await page.goto(processUrl);
    await heading("greet");
    await page.getByLabel("Publish only when every test case passes").check();
    await page.getByText("Saved.").waitFor(WAIT);
    await page.getByRole("button", { name: "Publish" }).click();
    const refusal = page.getByRole("alert", { name: "Failing test cases" });
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain("name Ada: Failed");
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, "publish-gate");
  }, 240_000);

  it("edits a case's expected values, compared and ignored outputs; cancels from the history", async () => {
    // The draft gains an output the cases never saw: each case is made to pass another way.
    await page.goto(`${serve.url}/processes`);
    await page.getByRole("link", { name: "greet", exact: true }).first().click();
    await heading("greet");
    const processUrl = page.url();
    await typeSource(
      'the stamp is "x"\nthe greeting is "Hello, {the name}!"\nif the name is "Ada" then\n  the greeting is "Bye, Ada!"',
    );
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Draft saved.").waitFor(WAIT);

    await page.goto(`${serve.url}/test-suite`);
    await page.getByRole("link", { name: "greet", exact: true }).click();
    await heading("Test cases of greet", 2);
    const save = async (name: string) => {
      const form = page.getByRole("form", { name: `Test case ${name}` });
      // Each save's own answer (a second save's "Saved." may still show the first one's).
      const answered = page.waitForResponse(
        (r) => r.request().method() === "PATCH" && r.url().includes("/api/v2/test-cases/"),
        WAIT,
      );
      await form.getByRole("button", { name: `Save ${name}` }).click();
      expect((await answered).status()).toBe(200);
      await form.getByText("Saved.").waitFor(WAIT);
    };
    // Ada: the expected values edited to the new behaviour.
    await page
      .getByLabel("Expected values of name Ada")
      .fill('{"greeting": "Bye, Ada!", "stamp": "x"}');
    await save("name Ada");
    // Grace: a stamp that differs, ignored.
    await page
      .getByLabel("Expected values of name Grace")
      .fill('{"greeting": "Hello, Grace!", "stamp": "y"}');
    await save("name Grace");
    await page.getByRole("checkbox", { name: "Ignore stamp in name Grace" }).check();
    await save("name Grace");
    // Linus: its own list of compared outputs, without the stamp.
    await page
      .getByLabel("Expected values of name Linus")
      .fill('{"greeting": "Hello, Linus!", "stamp": "z"}');
    await save("name Linus");
    await page
      .getByRole("checkbox", { name: /Compare only the outputs chosen for name Linus/ })
      .check();
    await page.getByRole("checkbox", { name: "Compare stamp in name Linus" }).uncheck();
    await save("name Linus");
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, "test-cases-edit");

    // What was saved is what the page shows again.
    await page.reload();
    await heading("Test cases of greet", 2);
    expect(
      await page.getByRole("checkbox", { name: "Ignore stamp in name Grace" }).isChecked(),
    ).toBe(true);
    expect(
      await page.getByRole("checkbox", { name: "Compare stamp in name Linus" }).isChecked(),
    ).toBe(false);
    expect(
      await page.getByRole("checkbox", { name: "Compare greeting in name Linus" }).isChecked(),
    ).toBe(true);

    await page.goto(`${serve.url}/test-suite`);
    await page.getByRole("checkbox", { name: "Run the tests of greet" }).check();
    await page.getByRole("button", { name: "Run tests" }).click();
    await heading(/Suite run of .*: Passed/, 2);
    expect(await page.getByRole("status").first().textContent()).toContain("3 passed, 0 failed");

    // A suite run that would run for minutes, cancelled from the history list.
    await page.goto(processUrl);
    await heading("greet");
    await typeSource("the n is 0\nrepeat 1000000000 times\n  add 1 to the n");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Draft saved.").waitFor(WAIT);
    await page.goto(`${serve.url}/test-suite`);
    await page.getByRole("checkbox", { name: "Run the tests of greet" }).check();
    await page.getByRole("button", { name: "Run tests" }).click();
    await heading(/Suite run of .*: Running/, 2);
    await page.getByRole("link", { name: "All processes and history" }).click();
    await heading("History", 2);
    const cancel = page.getByRole("button", { name: /Cancel the suite run of/ });
    await cancel.waitFor(WAIT);
    expect(await cancel.count()).toBe(1);
    await cancel.click();
    await page.getByRole("row").filter({ hasText: "Cancelled" }).waitFor(WAIT);
    await page.getByRole("button", { name: /Cancel the suite run of/ }).waitFor({
      state: "detached",
      ...WAIT,
    });
    expect(await axeProblems(page)).toEqual([]);

    // Rename a case, then delete it.
    await page.goto(`${serve.url}/test-suite`);
    await page.getByRole("link", { name: "greet", exact: true }).click();
    await heading("Test cases of greet", 2);
    const linus = page.getByRole("form", { name: "Test case name Linus" });
    await linus.getByLabel("Name", { exact: true }).fill("Linus, own outputs");
    await linus.getByRole("button", { name: "Save name Linus" }).click();
    await page.getByRole("button", { name: "Delete Linus, own outputs" }).waitFor(WAIT);
    await page.getByRole("button", { name: "Delete Linus, own outputs" }).click();
    await page.getByRole("form", { name: "Test case Linus, own outputs" }).waitFor({
      state: "detached",
      ...WAIT,
    });
    expect(await page.getByRole("form", { name: /^Test case / }).count()).toBe(2);
  }, 240_000);
});
