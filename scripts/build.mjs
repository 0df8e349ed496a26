#!/usr/bin/env node
// `npm run build` (run by `npm ci` through `prepare`): compiles src/**/*.ts to dist/ as
// plain ES modules, one file per source file, so the CLI starts without compiling
// TypeScript and each command module is loaded only when it runs (relative imports stay
// imports, rewritten from .ts to .js). The packages the sources import are bundled into
// shared chunks under dist/vendor/: Node's ES module loader costs about a millisecond per
// file, and kysely, fastify, zod and their dependencies are some 1,500 files, most of the
// server's start-up (docs/benchmarks.md, bench/cli). A few stay in node_modules: native
// modules, packages that read their own files at run time, and the ones loaded only on
// demand. esbuild only strips types (tsc --noEmit checks them). dist/.built marks a finished
// build: bin/plainrun.js runs dist only when that mark is newer than every source file.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const src = join(root, "src");
const dist = join(root, "dist");

/** Loaded from node_modules at run time, never bundled. */
export const EXTERNAL = [
  // native modules (and the packages that find their binaries by path)
  "better-sqlite3",
  "@node-rs/argon2",
  // loaded with createRequire only when a PostgreSQL store opens (store/dialects/postgres.ts)
  "pg",
  // the TypeScript loader of the from-source fallback (engine/moduleWorker.ts)
  "tsx",
  // serves its own static files, found beside its code
  "@fastify/swagger-ui",
  // starts its transports as worker threads from files beside its code
  "pino",
];

const external = (path) => EXTERNAL.some((p) => path === p || path.startsWith(`${p}/`));

const entryPoints = readdirSync(src, { recursive: true })
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .map((f) => join(src, f));

/** Keeps every relative import as written (`./x.ts` becomes `./x.js`); packages are bundled. */
const ownFilesApart = {
  name: "own-files-apart",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      if (/^\.\.?\//.test(args.path) && args.importer.startsWith(src)) {
        return { path: args.path.replace(/\.ts$/, ".js"), external: true };
      }
      if (external(args.path)) return { path: args.path, external: true };
      return undefined;
    });
  },
};

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: dist,
  outbase: src,
  bundle: true,
  splitting: true,
  chunkNames: "vendor/[name]-[hash]",
  plugins: [ownFilesApart],
  format: "esm",
  platform: "node",
  target: "node20",
  // Bundled CommonJS code calls require() for Node's modules and the external packages.
  banner: {
    js: 'import { createRequire as __plainrunRequire } from "node:module"; const require = __plainrunRequire(import.meta.url);',
  },
  logLevel: "warning",
});
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, ".built"), `${new Date().toISOString()}\n`);
