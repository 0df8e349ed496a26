// Steps the web journeys share, as a person does them in the UI (by accessible names).
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { axeProblems, screenshot } from "./browser.ts";

export const WAIT = { timeout: 20_000 };
export const EMAIL = "admin@example.com";
export const PASSWORD = "correct horse battery";

export class Steps {
  constructor(
    readonly page: Page,
    readonly url: string,
  ) {}

  /** Checks the page with axe and, when named, saves its screenshot. */
  async check(name?: string) {
    await this.page.waitForLoadState("networkidle").catch(() => {});
    expect(await axeProblems(this.page)).toEqual([]);
    if (name) await screenshot(this.page, name);
  }

  async heading(text: string | RegExp) {
    await this.page.getByRole("heading", { level: 1, name: text }).waitFor(WAIT);
  }

  /** Creates the first admin through the UI's setup page. */
  async setUp(setupUrl: string) {
    await this.page.goto(setupUrl);
    await this.heading("Create the first admin account");
    await this.page.getByLabel("Email").fill(EMAIL);
    await this.page.getByLabel(/^Password/).fill(PASSWORD);
    await this.page.getByRole("button", { name: "Create account" }).click();
    await this.heading("Processes");
  }

  /** Creates a process through the New process form and returns its id. */
  async newProcess(name: string): Promise<string> {
    await this.page.goto(`${this.url}/processes`);
    await this.page.getByRole("button", { name: "New process" }).click();
    await this.page.getByLabel("Name of the new process").fill(name);
    await this.page.getByRole("button", { name: "Create", exact: true }).click();
    await this.heading(name);
    return new URL(this.page.url()).pathname.split("/").pop()!;
  }

  /** Replaces the editor's text as typed input. */
  async typeSource(source: string) {
    await this.page.locator(".cm-content").click();
    await this.page.keyboard.press("ControlOrMeta+A");
    await this.page.keyboard.press("Delete");
    await this.page.keyboard.insertText(source);
  }

  async saveAndPublish(version: number) {
    await this.page.getByText("No errors.").waitFor(WAIT);
    await this.page.getByRole("button", { name: "Save draft" }).click();
    await this.page.getByText("Draft saved.").waitFor(WAIT);
    await this.page.getByRole("button", { name: "Publish" }).click();
    await this.page.getByText(`Published version ${version}.`).waitFor(WAIT);
  }

  /** Presses Run on the process page and returns the new run's id (its page is open). */
  async run(): Promise<string> {
    await this.page.getByRole("button", { name: "Run", exact: true }).click();
    await this.page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, WAIT);
    return new URL(this.page.url()).pathname.split("/").pop()!;
  }

  async statusIs(status: string) {
    await this.page.locator("h1 .badge", { hasText: new RegExp(`^${status}$`) }).waitFor(WAIT);
  }
}
