// Starts a worker thread on a module of this code base, named by its .ts URL
// (`new URL("./x.ts", import.meta.url)`), both when the code runs compiled (dist/, where
// the module is the .js file beside this one) and from the TypeScript sources (the thread
// registers tsx's loader first, as bin/plainrun.js does).
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

const compiled = import.meta.url.endsWith(".js");

export function startModuleWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (compiled) return new Worker(new URL(moduleUrl.href.replace(/\.ts$/, ".js")), options);
  const tsxApi = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const code = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
