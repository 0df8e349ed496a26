#!/usr/bin/env node
// The README's test command: makes sure what the tests need is here, runs every
// vitest suite, and ends with the plain `N passed, N failed` line that CI reads.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { ensureServices } from "./ensure-services.mjs";

ensureServices();

const out = ".vitest/results.json";
mkdirSync(".vitest", { recursive: true });
rmSync(out, { force: true });
const args = ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${out}`, ...process.argv.slice(2)];
const res = spawnSync("npx", args, { stdio: "inherit" });

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(out, "utf8"));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  // A suite that fails to load has no test results; count it as a failure.
  failed += report.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
} catch {
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(res.status === 0 && failed === 0 ? 0 : 1);
