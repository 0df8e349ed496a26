#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs through
// `prepare`). When dist/ is missing or older than a source file (an edit, a checkout), it
// runs the TypeScript sources through tsx instead, so a stale build never answers.
import { readdirSync, statSync } from "node:fs";
import module from "node:module";

// Node 22.1+ keeps the compiled code of the modules it loads (in the OS temp directory), so a
// second start skips most of the compiling; Node 20 has no such cache.
module.enableCompileCache?.();

const root = new URL("../", import.meta.url);

function builtAt() {
  try {
    return statSync(new URL("dist/.built", root)).mtimeMs;
  } catch {
    return -1;
  }
}

function sourcesNewerThan(time) {
  const src = new URL("src/", root);
  for (const file of readdirSync(src, { recursive: true })) {
    if (file.endsWith(".ts") && statSync(new URL(file, src)).mtimeMs > time) return true;
  }
  return false;
}

const built = builtAt();
if (built >= 0 && !process.env.PLAINRUN_FROM_SOURCE && !sourcesNewerThan(built)) {
  await import("../dist/cli/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
