// A file from the run form: a CSV uploaded through the UI (POST /api/v2/files), read by the
// run, shown on the run page with its name, type and size, and downloaded from there byte
// for byte. Real `plainrun serve`, Debian's chromium, no mocked API.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureUiBuilt, launchBrowser, type ServeProcess, startServe } from "./browser.ts";
import { Steps, WAIT } from "./steps.ts";

const CSV = "item,quantity\nWidget,10\nGadget,3\nSprocket,7\n";

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let ui: Steps;

beforeAll(async () => {
  ensureUiBuilt();
  serve = await startServe();
  browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  page = await context.newPage();
  ui = new Steps(page, serve.url);
  await ui.setUp(serve.setupUrl);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** The button beside an input's field that switches it between a file and text. */
function toggle(input: string, name: string) {
  return page
    .locator(".field")
    .filter({ has: page.getByLabel(input, { exact: true }) })
    .getByRole("button", { name });
}

describe.sequential("a file input on the run form", { timeout: 120_000 }, () => {
  let runId = "";

  it("uploads a CSV from the run form and the run reads it", async () => {
    await ui.newProcess("orders");
    await ui.typeSource(
      "the orders are the orders csv as a table\n" +
        "the total is 0\n" +
        "for each order in the orders\n" +
        "  add the order's quantity to the total\n" +
        'say "{the orders csv\'s name}: {the count of the orders} lines, {the total} items"',
    );
    await ui.saveAndPublish(1);
    // A file-like input name takes a file; the person could type text instead.
    const field = page.getByLabel("orders csv", { exact: true });
    expect(await field.getAttribute("type")).toBe("file");
    await toggle("orders csv", "Type text instead").waitFor(WAIT);
    await field.setInputFiles({
      name: "march.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(CSV),
    });
    runId = await ui.run();
    await ui.statusIs("Succeeded");
    await page.getByText("march.csv: 3 lines, 20 items").first().waitFor(WAIT);
    await ui.check("run-with-file");
  });

  it("shows the file on the run page and downloads it byte for byte", async () => {
    const inputs = page.getByRole("region", { name: "Inputs" });
    const link = inputs.getByRole("link", { name: "march.csv" });
    await link.waitFor(WAIT);
    expect(await inputs.textContent()).toContain(`text/csv, ${CSV.length} bytes`);
    const [download] = await Promise.all([page.waitForEvent("download", WAIT), link.click()]);
    expect(download.suggestedFilename()).toBe("march.csv");
    expect(readFileSync((await download.path())!, "utf8")).toBe(CSV);
    // The page did not navigate away (the file downloads, it does not open as a page).
    expect(new URL(page.url()).pathname).toBe(`/runs/${runId}`);
  });

  it("takes a file for any input, and text for a file-like one", async () => {
    await ui.newProcess("notes");
    await ui.typeSource(
      "the lines are the report as a table\n" +
        'say "{the count of the lines} rows"\n' +
        'say "label: {the label file}"',
    );
    await ui.saveAndPublish(1);
    await toggle("report", "Upload a file instead").click();
    const report = page.getByLabel("report", { exact: true });
    expect(await report.getAttribute("type")).toBe("file");
    await report.setInputFiles({ name: "r.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
    await toggle("label file", "Type text instead").click();
    await page.getByLabel("label file", { exact: true }).fill("plain words");
    await ui.run();
    await ui.statusIs("Succeeded");
    await page.getByText("3 rows").first().waitFor(WAIT);
    await page.getByText("label: plain words").first().waitFor(WAIT);
  });
});
