// Starts worker pools in separate OS processes (node --import tsx), as a deployment would.
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import type { TestStore } from "./stores.ts";

const SCRIPT = join(import.meta.dirname, "../engine/fixtures/workerProcess.ts");

export interface WorkerChild {
  child: ChildProcess;
  workerId: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export async function forkWorker(
  t: TestStore,
  env: Record<string, string> = {},
): Promise<WorkerChild> {
  const child = fork(SCRIPT, [], {
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      STORE_URL: t.url,
      ...(t.schema ? { STORE_SCHEMA: t.schema } : {}),
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const workerId = await new Promise<string>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { workerId: string }).workerId));
    child.once("exit", (code) => reject(new Error(`worker process exited early (${code})`)));
  });
  return {
    child,
    workerId,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.send("stop");
      await exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
