// Makes the README's screenshots (docs/images/*.png) from the real UI: a `plainrun serve` on a
// fresh data directory, a few processes and runs made through the UI's own API, then the runs
// list and a run's page at desktop (1280×800) width, light and dark, and at phone (390×844) width.
//
//   npm run build:web && node --import tsx scripts/screenshots.ts [--out docs/images]
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { APIRequestContext, Browser } from "playwright-core";
import { ensureUiBuilt, launchBrowser, startServe } from "../test/web/browser.ts";
import { EMAIL, PASSWORD } from "../test/web/steps.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: { out: { type: "string", default: join(ROOT, "docs/images") } },
});
const OUT = resolve(args.out);

const SOURCES: Record<string, string> = {
  greeting: 'the greeting is "Hello, {the customer name}!"\nsay the greeting',
  "invoice total":
    "the lines are the invoice csv as a table\n" +
    "the total is 0\n" +
    "for each line in the lines\n" +
    "  add the line's quantity * the line's unit price to the total\n" +
    'say "{the count of the lines} lines, total {the total}"',
  approval: 'ask "Approve the order?"\n  the choices are "Yes", "No"\nsay "Answer: {the answer}"',
  "stock check": 'fail with "the stock file is missing"',
};
const INVOICE = "item,quantity,unit price\nWidget,10,12.50\nGadget,3,99.99\nSprocket,7,4.20\n";

/** The API as the signed-in UI calls it (session cookie and CSRF token). */
async function api(request: APIRequestContext, url: string) {
  const me = (await (await request.get(`${url}/api/v2/auth/me`)).json()) as { csrf_token: string };
  const headers = { "x-csrf-token": me.csrf_token };
  return async <T>(method: string, path: string, data?: unknown): Promise<T> => {
    const res = await request.fetch(`${url}/api/v2${path}`, { method, data, headers });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

async function waitFinal(call: Awaited<ReturnType<typeof api>>, id: string, statuses: string[]) {
  for (;;) {
    const run = await call<{ status: string }>("GET", `/runs/${id}`);
    if (statuses.includes(run.status)) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

async function main(browser: Browser, url: string, setupUrl: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(setupUrl);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { level: 1, name: "Processes" }).waitFor();
  const call = await api(context.request, url);

  const ids: Record<string, string> = {};
  for (const [name, source] of Object.entries(SOURCES)) {
    const p = await call<{ id: string }>("POST", "/processes", { name, source });
    await call("POST", `/processes/${p.id}/publish`);
    ids[name] = p.id;
  }
  const start = (process: string, inputs: Record<string, unknown> = {}) =>
    call<{ id: string }>("POST", "/runs", { process_id: ids[process], inputs });
  const upload = await context.request.post(`${url}/api/v2/files`, {
    multipart: { file: { name: "march.csv", mimeType: "text/csv", buffer: Buffer.from(INVOICE) } },
    headers: { "x-csrf-token": (await call<{ csrf_token: string }>("GET", "/auth/me")).csrf_token },
  });
  const file = (await upload.json()) as { id: string };
  const started: { id: string; wait: string[] }[] = [];
  for (const name of ["Ada", "Grace", "Linus", "Margaret", "Alan"])
    started.push({ ...(await start("greeting", { "customer name": name })), wait: ["Succeeded"] });
  started.push({ ...(await start("stock check")), wait: ["Failed"] });
  started.push({ ...(await start("approval")), wait: ["AwaitingAnswer"] });
  const invoice = await start("invoice total", { "invoice csv": { file_id: file.id } });
  started.push({ ...invoice, wait: ["Succeeded"] });
  for (const r of started) await waitFinal(call, r.id, r.wait);
  const cookies = await context.storageState();
  await context.close();
  return { runPage: `${url}/runs/${invoice.id}`, cookies };
}

const serve = await startServe();
let browser: Browser | undefined;
try {
  ensureUiBuilt();
  browser = await launchBrowser();
  const made = await main(browser, serve.url, serve.setupUrl);
  mkdirSync(OUT, { recursive: true });
  const shots = [
    { suffix: "", width: 1280, height: 800, scheme: "light" as const },
    { suffix: "-dark", width: 1280, height: 800, scheme: "dark" as const },
    { suffix: "-phone", width: 390, height: 844, scheme: "light" as const },
  ];
  for (const shot of shots) {
    const context = await browser.newContext({
      viewport: { width: shot.width, height: shot.height },
      colorScheme: shot.scheme,
      storageState: made.cookies,
    });
    const page = await context.newPage();
    await page.goto(`${serve.url}/runs`);
    await page.locator("tr[data-run-id]").nth(7).waitFor();
    await page.waitForLoadState("networkidle").catch(() => {});
    await page.screenshot({ path: join(OUT, `runs-list${shot.suffix}.png`) });
    await page.goto(made.runPage);
    await page.getByRole("link", { name: "march.csv" }).waitFor();
    await page.waitForLoadState("networkidle").catch(() => {});
    await page.screenshot({ path: join(OUT, `run-page${shot.suffix}.png`) });
    await context.close();
    console.log(`runs-list${shot.suffix}.png, run-page${shot.suffix}.png`);
  }
} finally {
  await browser?.close();
  await serve.stop();
}
