#!/usr/bin/env node
// The README's test command. Makes sure what the tests need is here, builds the CLI the
// tests spawn, runs the checks (typecheck, lint, the web build) at the same time, then every
// vitest file, and ends with one line of vitest's own counts: `N passed, N failed, N skipped`.
// The checks are reported on their own lines (not counted as tests) and fail the run.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { ensureServices, PG_HOW_TO_START, pgReady } from "./ensure-services.mjs";

ensureServices();
if (!process.env.PLAINRUN_TEST_PG_URL && !pgReady()) {
  console.error(
    `PostgreSQL is not answering at 127.0.0.1:5432; the tests need it: ${PG_HOW_TO_START}.`,
  );
  console.log("0 passed, 0 failed, 0 skipped (PostgreSQL missing: nothing ran)");
  process.exit(1);
}

// The CLI tests spawn bin/plainrun.js, which runs dist/: build it from the current sources.
if (spawnSync("npm", ["run", "--silent", "build:server"], { stdio: "inherit" }).status !== 0) {
  console.error("build failed: npm run build:server");
  console.log("0 passed, 0 failed, 0 skipped (the build failed: nothing ran)");
  process.exit(1);
}

/** Runs a command with its output kept, to print only when it fails. */
function check(name, cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b) => {
      output += b;
    });
    child.stderr.on("data", (b) => {
      output += b;
    });
    child.on("close", (code) =>
      resolve({ name, command: `${cmd} ${args.join(" ")}`, code, output }),
    );
  });
}

const checks = Promise.all([
  check("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]),
  check("lint", "npx", ["biome", "check", "src", "test", "bench", "web/src", "bin", "scripts"]),
  // The UI the journeys test is the one these sources build (its own typecheck included).
  check("build:web", "npm", ["run", "build:web"]),
]);
const checked = await checks;

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
let failed = 0;
let skipped = 0;
let note = "";
try {
  const report = JSON.parse(readFileSync(out, "utf8"));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A file that fails to load has no test results: count it as one failed test.
  const unloaded = report.testResults.filter(
    (f) => f.status === "failed" && f.assertionResults.length === 0,
  ).length;
  failed += unloaded;
  if (unloaded > 0) note = ` (${unloaded} of them test files that did not load)`;
} catch {
  note = " (vitest wrote no results: see its output above)";
}

let checksFailed = 0;
for (const c of checked) {
  if (c.code === 0) {
    console.log(`${c.name}: ok`);
  } else {
    checksFailed++;
    process.stdout.write(c.output);
    console.log(`${c.name}: FAILED (${c.command})`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped${note}`);
process.exit(res.status === 0 && failed === 0 && checksFailed === 0 && !note ? 0 : 1);
