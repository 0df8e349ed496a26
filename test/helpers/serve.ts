// The real `plainrun serve` as a child process: started on a free port, its output kept, its
// URL read from the line it prints.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

export const ROOT = join(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/plainrun.js");
const execFileP = promisify(execFile);

export interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

export function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
    const onData = () => {
      const m = /Plainrun listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve({ child, url: m[1], output: () => out, exited });
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
}

/** Runs the CLI to completion (rejects on a non-zero exit). */
export function plainrun(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFileP(process.execPath, [BIN, ...args], { cwd: ROOT });
}

/** Creates an API key with `plainrun keys create` over these store flags; returns its secret. */
export async function createKey(storeArgs: string[]): Promise<string> {
  const { stdout } = await plainrun(["keys", "create", `key ${Math.random()}`, ...storeArgs]);
  return stdout.trimEnd().split("\n").at(-1) as string;
}
