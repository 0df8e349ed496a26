// Inside a compile worker thread (see compileWorkers.ts): check each source it is sent.
import { parentPort } from "node:worker_threads";
import { compileSource } from "./compileCache.ts";
import type { CompileAnswer, CompileRequest } from "./compileWorkers.ts";

const port = parentPort;
if (!port) throw new Error("compileThread runs in a worker thread");
port.on("message", ({ id, source }: CompileRequest) => {
  let answer: CompileAnswer;
  try {
    const { hash, inputs, diagnostics, errors } = compileSource(source);
    answer = { id, summary: { hash, inputs, diagnostics, errors } };
  } catch (err) {
    answer = { id, error: err instanceof Error ? err.message : String(err) };
  }
  port?.postMessage(answer);
});
