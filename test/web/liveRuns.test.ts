// The runs list is live from pushed status changes (GET /runs/events/stream), not from a
// re-read every 2 s: its fallback re-read comes 30 s after the page read its rows, and each
// change here shows well before it. A run started and answered through the API shows on the
// open list as it is stored, waits, and succeeds.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/apiClient.ts";
import {
  axeProblems,
  ensureUiBuilt,
  launchBrowser,
  type ServeProcess,
  startServe,
} from "./browser.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/plainrun.js");
const WAIT = { timeout: 20_000 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let key: string;

function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return new ApiClient(serve.url, key).call<T>(method, path, body);
}

const rowOf = (id: string) =>
  page.getByRole("row").filter({ has: page.getByRole("checkbox", { name: `Select run ${id}` }) });

beforeAll(async () => {
  ensureUiBuilt();
  serve = await startServe();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(serve.setupUrl);
  await page.getByLabel("Email").fill("admin@example.com");
  await page.getByLabel(/^Password/).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { level: 1, name: "Processes" }).waitFor(WAIT);
  const { stdout } = await run(process.execPath, [
    BIN,
    "keys",
    "create",
    "live",
    "--data-dir",
    serve.dataDir,
  ]);
  key = stdout.trimEnd().split("\n").at(-1) as string;
  await api("POST", "/processes", {
    name: "ask",
    source: 'ask "Go?" with choices "yes", "no" as the go\nsay "went {the go}"',
  });
  await api("POST", "/processes/ask/publish");
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe("the runs list, live", { timeout: 120_000 }, () => {
  it("shows a run started elsewhere as it waits, then as it succeeds", async () => {
    await page.goto(`${serve.url}/runs`);
    await page.getByRole("heading", { level: 1, name: "Runs" }).waitFor(WAIT);
    await page.waitForLoadState("networkidle").catch(() => {});
    const { id } = await api<{ id: string }>("POST", "/runs", { process: "ask" });
    await rowOf(id).getByText("AwaitingAnswer", { exact: true }).waitFor(WAIT);
    await api("POST", `/runs/${id}/answer`, { answer: "yes" });
    await rowOf(id).getByText("Succeeded", { exact: true }).waitFor(WAIT);
    expect(await axeProblems(page)).toEqual([]);
  });

  it("follows a burst of runs to their end", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await api<{ id: string }>("POST", "/runs", { process: "ask" })).id);
    for (const id of ids)
      await rowOf(id).getByText("AwaitingAnswer", { exact: true }).waitFor(WAIT);
    await api("POST", "/runs/actions/cancel", { run_ids: ids });
    for (const id of ids) await rowOf(id).getByText("Cancelled", { exact: true }).waitFor(WAIT);
  });
});
