// Two ways into the UI that are not a mouse with JavaScript: the first admin's setup, the
// login page and log out posted as plain forms with JavaScript off, then a whole journey by
// keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys and typing): log in, create and publish a
// process, run it from its form, re-run it, filter the runs list, select runs and archive
// them, log out. Every control reached by Tab must show where the focus is.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureUiBuilt,
  launchBrowser,
  type ServeProcess,
  screenshot,
  startServe,
} from "./browser.ts";
import { EMAIL, PASSWORD, Steps, WAIT } from "./steps.ts";

let serve: ServeProcess;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  serve = await startServe();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

// The page's globals, for the function below that runs in the page (this file is
// type-checked without the DOM's types).
interface El {
  closest(selector: string): El | null;
  contains(other: unknown): boolean;
}
declare const document: { activeElement: unknown };
declare function getComputedStyle(el: El): { outlineStyle: string; outlineWidth: string };

/** Whether the element has the focus and shows it (an outline, or the editor's frame's). */
function focusShown(target: Locator): Promise<{ focused: boolean; visible: boolean }> {
  return target.evaluate((el: El) => {
    const focused = el === document.activeElement || el.contains(document.activeElement);
    const ringOf = (e: El) => {
      const s = getComputedStyle(e);
      return s.outlineStyle !== "none" && Number.parseFloat(s.outlineWidth) >= 2;
    };
    const editor = el.closest(".editor");
    return { focused, visible: ringOf(el) || (editor ? ringOf(editor) : false) };
  });
}

/** Presses Tab (or Shift+Tab) until the target has the focus; it must show the focus. */
async function tabTo(page: Page, target: Locator, back = false) {
  await target.waitFor(WAIT);
  for (let i = 0; i < 80; i++) {
    const { focused, visible } = await focusShown(target);
    if (focused) {
      expect(visible, `the focus on ${target} is visible`).toBe(true);
      return;
    }
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

describe.sequential("without JavaScript, then keyboard only", { timeout: 180_000 }, () => {
  it("creates the first admin and logs in with JavaScript off (plain form posts)", async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    const ui = new Steps(page, serve.url);
    await page.goto(serve.setupUrl);
    await ui.heading("Create the first admin account");
    await screenshot(page, "setup-no-js");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel(/^Password/).fill("short");
    // The browser's own check (minlength) stops a short password before any post.
    await page.getByRole("button", { name: "Create account" }).click();
    expect(new URL(page.url()).pathname).toBe("/setup");
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${serve.url}/`, WAIT);
    const cookies = await context.cookies();
    expect(cookies.some((c) => c.name === "plainrun_session" && c.httpOnly)).toBe(true);
    // <noscript> text, which Playwright's text locators skip.
    expect(await page.evaluate("document.body.innerText")).toContain(
      "Setup and login work without JavaScript",
    );

    // The setup link works once: then its page says it is used, with no form.
    const used = await page.goto(serve.setupUrl);
    expect(used?.status()).toBe(404);
    await ui.heading("This setup link cannot be used");
    expect(await page.getByRole("alert").textContent()).toMatch(/has been used/);
    expect(await page.getByLabel("Email").count()).toBe(0);

    await context.clearCookies();
    await page.goto(`${serve.url}/login?next=${encodeURIComponent("/runs?status=Failed")}`);
    await ui.heading("Log in to Plainrun");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor(WAIT);
    await screenshot(page, "login-no-js");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    // Back to the page that asked for the login.
    await page.waitForURL(`${serve.url}/runs?status=Failed`, WAIT);
    expect((await context.cookies()).some((c) => c.name === "plainrun_session")).toBe(true);

    // Log out: the page's <noscript> holds a form that posts the session's CSRF token.
    expect(await page.evaluate("document.body.innerText")).toContain(`Signed in as ${EMAIL}`);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`${serve.url}/login`, WAIT);
    await ui.heading("Log in to Plainrun");
    expect((await context.cookies()).some((c) => c.name === "plainrun_session")).toBe(false);
    await page.goto(`${serve.url}/runs`);
    expect(await page.getByRole("button", { name: "Log out" }).count()).toBe(0);
    await context.close();
  });

  it("has no serious accessibility problem in those pages (axe, the UI's script blocked)", async () => {
    // axe needs script, so it checks the same server pages with the UI's own bundle refused.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route(/\/assets\/.*\.js$/, (route) => route.abort());
    const page = await context.newPage();
    const ui = new Steps(page, serve.url);
    // Setup is done (the first test), so its link now shows the used-link page.
    await page.goto(serve.setupUrl);
    await ui.heading("This setup link cannot be used");
    await ui.check();
    await page.goto(`${serve.url}/login`);
    await ui.heading("Log in to Plainrun");
    await ui.check();
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor(WAIT);
    await ui.check();
    await context.close();
  });

  it("does a whole journey by keyboard only, the focus always visible", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const ui = new Steps(page, serve.url);
    const key = (k: string) => page.keyboard.press(k);

    // Log in: Tab into the form, type, Enter.
    await page.goto(`${serve.url}/login`);
    await ui.heading("Log in to Plainrun");
    await tabTo(page, page.getByLabel("Email"));
    await page.keyboard.type(EMAIL);
    await key("Tab");
    await page.keyboard.type(PASSWORD);
    await key("Enter");
    await ui.heading("Processes");

    // The first Tab offers to skip the navigation.
    await key("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    expect((await focusShown(skip)).focused).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await key("Enter");

    // New process: the name field takes the typing at once; Enter creates it.
    await tabTo(page, page.getByRole("button", { name: "New process" }));
    await key("Enter");
    expect((await focusShown(page.getByLabel("Name of the new process"))).focused).toBe(true);
    await page.keyboard.type("greeting");
    await key("Enter");
    await ui.heading("greeting");

    // The editor: typed, then Escape and Tab leave it; Save draft and Publish by keys.
    await tabTo(page, page.locator(".cm-content"));
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type('the greeting is "Hello, {the customer name}!"');
    await key("Escape");
    await key("Enter");
    await page.keyboard.type("say the greeting");
    await key("Escape");
    await page.getByText("No errors.").waitFor(WAIT);
    await tabTo(page, page.getByRole("button", { name: "Save draft" }));
    await key("Enter");
    await page.getByText("Draft saved.").waitFor(WAIT);
    await tabTo(page, page.getByRole("button", { name: "Publish" }));
    await key("Space");
    await page.getByText("Published version 1.").waitFor(WAIT);

    // Run from the form: type the input, Enter submits.
    await tabTo(page, page.getByLabel("customer name", { exact: true }));
    await page.keyboard.type("Ada");
    await key("Enter");
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, WAIT);
    const first = new URL(page.url()).pathname.split("/").pop()!;
    await ui.statusIs("Succeeded");

    // Re-run from the run page: a second run.
    await tabTo(page, page.getByRole("button", { name: "Re-run" }));
    await key("Enter");
    await page.waitForURL(
      (u) => /\/runs\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(first),
      WAIT,
    );
    const second = new URL(page.url()).pathname.split("/").pop()!;
    await ui.statusIs("Succeeded");

    // Runs: filter by status with the arrow keys (the choice lands in the URL).
    await tabTo(page, page.getByRole("link", { name: "Runs", exact: true }), true);
    await key("Enter");
    await ui.heading("Runs");
    const status = page.getByLabel("Status");
    await tabTo(page, status);
    // Each arrow press picks the next status; the focus stays on the list while it filters.
    for (let i = 0; i < 10 && (await status.inputValue()) !== "Succeeded"; i++) {
      const before = await status.inputValue();
      expect((await focusShown(status)).focused, `the focus stays on Status (${before})`).toBe(
        true,
      );
      await key("ArrowDown");
      await expect.poll(() => status.inputValue(), WAIT).not.toBe(before);
    }
    await page.waitForURL(/status=Succeeded(&|$)/, WAIT);
    expect(await status.inputValue()).toBe("Succeeded");

    // Select both runs with Space, then Archive with Enter.
    for (const id of [first, second]) {
      const box = page.getByRole("checkbox", { name: `Select run ${id}` });
      await tabTo(page, box);
      await key("Space");
      expect(await box.isChecked()).toBe(true);
    }
    await page.getByText("2 selected").waitFor(WAIT);
    await tabTo(page, page.getByRole("button", { name: "Archive", exact: true }));
    await key("Enter");
    const results = page.getByRole("list", { name: "Results" });
    await results.getByText("archived").first().waitFor(WAIT);
    expect(await results.getByText("archived").count()).toBe(2);
    await page
      .getByRole("checkbox", { name: `Select run ${first}` })
      .waitFor({ state: "detached", ...WAIT });
    await ui.check("runs-keyboard");

    // Show archived by Space, then log out by keys.
    await tabTo(page, page.getByRole("checkbox", { name: "Show archived" }), true);
    await key("Space");
    await page.getByRole("checkbox", { name: `Select run ${first}` }).waitFor(WAIT);
    await tabTo(page, page.getByRole("button", { name: "Log out" }), true);
    await key("Enter");
    await ui.heading("Log in to Plainrun");
    await context.close();
  });
});
