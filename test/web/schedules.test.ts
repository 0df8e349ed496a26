// Schedules, in a browser against `plainrun serve --roles api,worker,scheduler`: a schedule
// made from a preset on the process's page, its summary and next fire times as it is typed
// and once saved, a run started by it appearing in its history (the link opens the run),
// Pause, and why it is off once a new version needs an input it lacks; a saved schedule edited
// (its form filled in, the change saved and shown, a refused change shown and nothing lost,
// Cancel). Checked with axe, in the light and the dark theme, at desktop and phone width.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/apiClient.ts";
import {
  ensureUiBuilt,
  launchBrowser,
  type ServeProcess,
  screenshot,
  startServe,
} from "./browser.ts";
import { Steps, WAIT } from "./steps.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/plainrun.js");
// An every-minute schedule fires within a minute of its creation; the machine may be loaded.
const FIRE_WAIT = { timeout: 150_000 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let steps: Steps;
let api: ApiClient;

beforeAll(async () => {
  ensureUiBuilt();
  serve = await startServe(["--roles", "api,worker,scheduler"]);
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  steps = new Steps(page, serve.url);
  await steps.setUp(serve.setupUrl);
  const { stdout } = await run(process.execPath, [
    BIN,
    "keys",
    "create",
    "journey",
    "--data-dir",
    serve.dataDir,
  ]);
  api = new ApiClient(serve.url, stdout.trimEnd().split("\n").at(-1) as string);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe("schedules, in the browser", { timeout: 300_000 }, () => {
  it("create from a preset, see its summary and next times, a run from it, pause it", async () => {
    await api.publish("nightly report", 'say "report for {the region}"\n');
    await page.goto(`${serve.url}/processes/nightly report`);
    await steps.heading("nightly report");
    const panel = page.getByRole("region", { name: "Schedules" });

    await panel.getByRole("button", { name: "New schedule" }).click();
    const form = panel.getByRole("form", { name: "New schedule" });
    // The browser's zone is the default; this journey says UTC.
    await form.getByLabel("Time zone").selectOption("UTC");
    await form.getByLabel("Repeats").selectOption({ label: "Daily" });
    await form.getByLabel("At (hours:minutes)").fill("07:45");
    const preview = form.getByRole("region", { name: "Preview" });
    await preview.getByText(/07:45/).first().waitFor(WAIT);
    const previewTimes = preview.getByRole("list", { name: "Next fire times (preview)" });
    await expect.poll(() => previewTimes.getByRole("listitem").count(), WAIT).toBe(5);

    // The preset the journey keeps: every minute. The summary follows the change.
    await form.getByLabel("Repeats").selectOption({ label: "Every N minutes" });
    await form.getByLabel("Every how many minutes").fill("1");
    await preview
      .getByText(/minute/i)
      .first()
      .waitFor(WAIT);
    const summary = (await preview.locator("strong").textContent()) ?? "";
    expect(summary).toMatch(/minute/i);
    expect(summary).not.toMatch(/07:45/);
    await expect.poll(() => previewTimes.getByRole("listitem").count(), WAIT).toBe(5);
    await steps.check("schedule-form");

    // Stored inputs: the Run form's fields, for the published version's input.
    await form.getByLabel("region", { exact: true }).fill("EU");
    await form.getByLabel("Name (optional: the summary by default)").fill("Minutely report");
    await form.getByRole("button", { name: "Create schedule" }).click();
    await panel.getByRole("status").getByText("Schedule “Minutely report” created.").waitFor(WAIT);

    const item = panel.getByRole("listitem", { name: "Schedule Minutely report" });
    await item.getByText(summary, { exact: true }).waitFor(WAIT);
    const times = item.getByRole("list", { name: "Next fire times of Minutely report" });
    await expect.poll(() => times.getByRole("listitem").count(), WAIT).toBe(5);
    await item.getByText("Active").waitFor(WAIT);

    // Its page: the history fills as it fires; the slot links to the run it started.
    await item.getByRole("link", { name: "Minutely report" }).click();
    await steps.heading("Minutely report");
    await page.getByText("region").first().waitFor(WAIT);
    const history = page.getByRole("region", { name: "History" });
    const runLink = history.getByRole("link", { name: /^Run of / }).first();
    await runLink.waitFor(FIRE_WAIT);
    await history.getByText("Fired").first().waitFor(WAIT);
    await steps.check("schedule-page");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "schedule-page-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await runLink.click();
    await steps.heading(/^Run /);
    await page.getByText("report for EU").first().waitFor(WAIT);
    await page.goBack();
    await steps.heading("Minutely report");

    // Pause: no next fire times, and the process page says Paused.
    await page.getByRole("button", { name: "Pause schedule Minutely report" }).click();
    await page.getByRole("button", { name: "Resume schedule Minutely report" }).waitFor(WAIT);
    await page.getByText("No upcoming fire times.").waitFor(WAIT);
    await page.getByRole("link", { name: "nightly report" }).click();
    await steps.heading("nightly report");
    await item.getByText("Paused").waitFor(WAIT);
    await item.getByText("No upcoming fire times.").waitFor(WAIT);
    await steps.check("process-schedules");
    const stored = await api.call<{ items: { enabled: boolean }[] }>(
      "GET",
      "/processes/nightly report/schedules",
    );
    expect(stored.items.map((s) => s.enabled)).toEqual([false]);

    // Resumed, then a version that needs an input it does not store: the process page and
    // the schedule say why it is off.
    await item.getByRole("button", { name: "Resume schedule Minutely report" }).click();
    await item.getByText("Active").waitFor(WAIT);
    await api.call("PATCH", "/processes/nightly report", {
      source: 'say "report for {the region} on {the day}"\n',
    });
    await api.call("POST", "/processes/nightly report/publish");
    await page.reload();
    await steps.heading("nightly report");
    const why = /Schedule “Minutely report” is disabled: Version 2 needs the input 'day'/;
    await page.getByRole("status").getByText(why).waitFor(WAIT);
    await item.getByText("Disabled", { exact: true }).waitFor(WAIT);
    await steps.check("process-schedule-disabled");
    await item.getByRole("link", { name: "Minutely report" }).click();
    await steps.heading("Minutely report");
    await page.getByText(why).waitFor(WAIT);
  });

  it("edit a schedule: its form filled in, a refused change, Cancel, a change saved", async () => {
    await api.publish("weekly digest", 'say "digest for {the team}"\n');
    type Saved = {
      id: string;
      name: string;
      cron: string;
      inputs: object;
      next: string[];
      updated_at: string;
    };
    const made = await api.call<Saved>("POST", "/processes/weekly digest/schedules", {
      preset: { kind: "daily", time: "06:00" },
      timezone: "UTC",
      inputs: { team: "ops" },
    });
    const stored = () => api.call<Saved>("GET", `/schedules/${made.id}`);
    const unchanged = { name: made.name, cron: made.cron, inputs: { team: "ops" } };
    const nextShown = async (list: ReturnType<Page["getByRole"]>) =>
      Promise.all((await list.locator("time").all()).map((t) => t.getAttribute("datetime")));

    // The process page's Schedules panel at phone width.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${serve.url}/processes/weekly digest`);
    await steps.heading("weekly digest");
    const panel = page.getByRole("region", { name: "Schedules" });
    const item = panel.getByRole("listitem", { name: `Schedule ${made.name}` });
    await item.getByText("Active").waitFor(WAIT);
    await panel.scrollIntoViewIfNeeded();
    await steps.check("process-schedules-phone");
    await page.setViewportSize({ width: 1280, height: 1000 });

    // Edit opens the form with the saved values.
    await item.getByRole("link", { name: made.name }).click();
    await steps.heading(made.name);
    await page.getByRole("button", { name: "Edit schedule" }).click();
    const form = page.getByRole("form", { name: "Edit schedule" });
    await form.waitFor(WAIT);
    expect(await form.getByLabel("Repeats").inputValue()).toBe("daily");
    expect(await form.getByLabel("At (hours:minutes)").inputValue()).toBe("06:00");
    expect(await form.getByLabel("Time zone").inputValue()).toBe("UTC");
    expect(await form.getByLabel("team", { exact: true }).inputValue()).toBe("ops");
    const preview = form.getByRole("region", { name: "Preview" });
    await preview.getByText("Every day at 06:00, UTC").waitFor(WAIT);

    // Cancel: nothing sent, the page as before.
    await form.getByLabel("At (hours:minutes)").fill("07:00");
    await form.getByLabel("team", { exact: true }).fill("finance");
    await form.getByRole("button", { name: "Cancel" }).click();
    await form.waitFor({ state: "detached", ...WAIT });
    await steps.heading(made.name);
    expect(await stored()).toMatchObject({ ...unchanged, updated_at: made.updated_at });
    await page.getByRole("region", { name: "When" }).getByText(made.cron).waitFor(WAIT);

    // A cron expression the server refuses: its words beside the form, the fields kept, and
    // the saved schedule unchanged.
    const bad = "61 6 * * *";
    const refusal = (await (
      await fetch(`${serve.url}/api/v2/schedules/preview`, {
        method: "POST",
        headers: { "x-api-key": api.key, "content-type": "application/json" },
        body: JSON.stringify({ cron: bad, timezone: "UTC" }),
      })
    ).json()) as { detail: string };
    expect(refusal.detail).toMatch(/61/);
    await page.getByRole("button", { name: "Edit schedule" }).click();
    await form.getByLabel("Repeats").selectOption({ label: "Cron expression" });
    // The saved timing as cron, to start from.
    expect(await form.getByLabel("Cron expression").inputValue()).toBe(made.cron);
    await form.getByLabel("Cron expression").fill(bad);
    await form.getByRole("button", { name: "Save schedule" }).click();
    await form.getByRole("alert").getByText(refusal.detail).waitFor(WAIT);
    // Said once: the preview above does not repeat the alert's words.
    await preview.getByText(/the expression is refused/).waitFor(WAIT);
    expect(await form.getByText(refusal.detail).count()).toBe(1);
    expect(await form.getByLabel("Cron expression").inputValue()).toBe(bad);
    await steps.check("schedule-edit-error");
    await page.reload();
    await steps.heading(made.name);
    await page.getByRole("region", { name: "When" }).getByText(made.cron).waitFor(WAIT);
    await page.getByRole("region", { name: "Stored inputs" }).getByText("ops").waitFor(WAIT);
    expect(await stored()).toMatchObject({ ...unchanged, updated_at: made.updated_at });

    // A new time, zone and input: saved, shown, and still there after a reload, with the
    // next fire times moved. The name was the summary: it follows the new one.
    await page.getByRole("button", { name: "Edit schedule" }).click();
    await form.getByLabel("At (hours:minutes)").fill("18:15");
    await form.getByLabel("Time zone").selectOption("Europe/Berlin");
    await form.getByLabel("team", { exact: true }).fill("sales");
    const summary = "Every day at 18:15, Europe/Berlin";
    await preview.getByText(summary).waitFor(WAIT);
    await steps.check("schedule-edit-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
    await form.getByLabel("At (hours:minutes)").scrollIntoViewIfNeeded();
    await steps.check("schedule-edit-phone");
    await form.getByRole("button", { name: "Save schedule" }).scrollIntoViewIfNeeded();
    await screenshot(page, "schedule-edit-phone-inputs");
    await page.setViewportSize({ width: 1280, height: 1000 });
    await form.getByRole("button", { name: "Save schedule" }).click();
    await page.getByRole("status").getByText(`Schedule “${summary}” saved.`).waitFor(WAIT);
    const saved = await stored();
    expect(saved).toMatchObject({ name: summary, cron: "15 18 * * *", inputs: { team: "sales" } });
    expect(saved.next).toHaveLength(5);
    expect(saved.next).not.toEqual(made.next);
    for (const time of saved.next) expect(new Date(time).getUTCMinutes()).toBe(15);
    await page.reload();
    await steps.heading(summary);
    const when = page.getByRole("region", { name: "When" });
    await when.getByText("Europe/Berlin", { exact: true }).waitFor(WAIT);
    await page.getByRole("region", { name: "Stored inputs" }).getByText("sales").waitFor(WAIT);
    const times = when.getByRole("list", { name: "Next fire times" });
    await expect.poll(() => nextShown(times), WAIT).toEqual(saved.next);
    await steps.check("schedule-edited");
  });
});
