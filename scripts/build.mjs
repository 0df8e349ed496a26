#!/usr/bin/env node
// `npm run build` (run by `npm ci` through `prepare`): compiles src/**/*.ts to dist/ as
// plain ES modules, one file per source file, so the CLI starts without compiling
// TypeScript. esbuild only strips types (tsc --noEmit checks them); relative imports are
// rewritten from .ts to .js and every import stays external, so each command module is
// loaded only when it runs. dist/.built marks a finished build: bin/plainrun.js runs dist
// only when that mark is newer than every source file.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const src = join(root, "src");
const dist = join(root, "dist");

const entryPoints = readdirSync(src, { recursive: true })
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .map((f) => join(src, f));

/** Keeps every import as written, but a relative `./x.ts` becomes `./x.js`. */
const keepImports = {
  name: "keep-imports",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const path = /^\.\.?\//.test(args.path) ? args.path.replace(/\.ts$/, ".js") : args.path;
      return { path, external: true };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: dist,
  outbase: src,
  bundle: true,
  plugins: [keepImports],
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, ".built"), `${new Date().toISOString()}\n`);
