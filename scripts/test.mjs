#!/usr/bin/env node
// The README's test command: makes sure what the tests need is here, runs every
// vitest suite, and ends with the plain `N passed, N failed` line that CI reads.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { ensureServices } from "./ensure-services.mjs";

ensureServices();

// The CLI tests spawn bin/plainrun.js, which runs dist/: build it from the current sources.
if (spawnSync("npm", ["run", "--silent", "build:server"], { stdio: "inherit" }).status !== 0) {
  console.error("build failed: npm run build:server");
  process.exit(1);
}

// Types and lint are part of "all tests": a failure of either counts as one failed check.
const checks = [
  ["typecheck", ["tsc", "--noEmit", "-p", "."]],
  ["lint", ["biome", "check", "src", "test", "bench", "web/src", "bin", "scripts"]],
  // The UI the journeys test is the one these sources build (its own typecheck included).
  ["build:web", ["npm", "run", "build:web"]],
];
let checkFailures = 0;
for (const [name, cmd] of checks) {
  const r = spawnSync("npx", cmd, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`${name} failed: npx ${cmd.join(" ")}`);
    checkFailures++;
  }
}

const out = ".vitest/results.json";
mkdirSync(".vitest", { recursive: true });
rmSync(out, { force: true });
const args = [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile=${out}`,
  ...process.argv.slice(2),
];
const res = spawnSync("npx", args, { stdio: "inherit" });

let passed = 0;
let failed = checkFailures;
try {
  const report = JSON.parse(readFileSync(out, "utf8"));
  passed = report.numPassedTests;
  failed += report.numFailedTests;
  // A suite that fails to load has no test results; count it as a failure.
  failed += report.testResults.filter(
    (f) => f.status === "failed" && f.assertionResults.length === 0,
  ).length;
} catch {
  failed += 1;
}
passed += checks.length - checkFailures;
console.log(`${passed} passed, ${failed} failed`);
process.exit(res.status === 0 && failed === 0 ? 0 : 1);
