// The web UI's journeys drive a real browser (Debian's chromium through playwright-core)
// against a real `plainrun serve` on a fresh data directory. Each page is checked with
// axe-core, and main pages are saved as screenshots in test-results/web (git-ignored).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SHOTS = join(ROOT, "test-results/web");
export const CHROMIUM = process.env.PLAINRUN_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Builds the UI when web/dist is missing (test:all builds it first). */
export function ensureUiBuilt(): void {
  if (existsSync(join(ROOT, "web/dist/index.html"))) return;
  execFileSync("npm", ["run", "build:web"], { cwd: ROOT, stdio: "inherit" });
}

export interface ServeProcess {
  url: string;
  setupUrl: string;
  /** The SMTP listener's port when the `smtp` role runs (else undefined). */
  smtpPort: number | undefined;
  dataDir: string;
  stop(): Promise<void>;
}

/** `plainrun serve` as a user starts it, on port 0 and a fresh data directory (plus `args`). */
export async function startServe(args: string[] = []): Promise<ServeProcess> {
  const smtp = args.some((a) => /\bsmtp\b/.test(a));
  const dataDir = mkdtempSync(join(tmpdir(), "plainrun-web-"));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, "bin/plainrun.js"),
      "serve",
      "--data-dir",
      dataDir,
      "--port",
      "0",
      "--log-level",
      "warn",
      ...args,
    ],
    { cwd: dataDir, stdio: ["ignore", "pipe", "pipe"], env: withoutAdminEnv() },
  );
  let out = "";
  let err = "";
  child.stderr?.on("data", (d) => {
    err += String(d);
  });
  const lines = await new Promise<{
    url: string;
    setupUrl: string;
    smtpPort: number | undefined;
  }>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start:\n${out}\n${err}`)), 60_000);
    child.stdout?.on("data", (d) => {
      out += String(d);
      const url = /listening on (http\S+)/.exec(out)?.[1];
      const setupUrl = /(http\S+\/setup\?token=\S+)/.exec(out)?.[1];
      const smtpPort = /SMTP listening on \S+:(\d+)/.exec(out)?.[1];
      if (url && setupUrl && (!smtp || smtpPort)) {
        clearTimeout(timer);
        ok({ url, setupUrl, smtpPort: smtpPort ? Number(smtpPort) : undefined });
      }
    });
    child.on("exit", (code) => fail(new Error(`serve exited (${code}):\n${out}\n${err}`)));
  });
  return {
    ...lines,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once("exit", ok));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeProblems(page: Page): Promise<string[]> {
  // The page's own code, as text: this file is type-checked without the DOM's types.
  if (!(await page.evaluate("'axe' in window"))) await page.addScriptTag({ content: axeSource });
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(", ")})`,
    );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

/** The environment without a preset admin, so the server prints its setup link. */
function withoutAdminEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PLAINRUN_ADMIN_EMAIL;
  delete env.PLAINRUN_ADMIN_PASSWORD;
  delete env.PLAINRUN_DATABASE_URL;
  return env;
}
