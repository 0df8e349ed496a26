// The real `plainrun serve` as a child process: started on a free port, its output kept, its
// URL read from the line it prints.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { BIN, plainrun } from "./cli.ts";

export const ROOT = join(import.meta.dirname, "../..");
export { BIN };

export interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves once the output (stdout and stderr) matches; rejects if the server exits first. */
  printed(pattern: RegExp): Promise<string>;
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
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(out)) return;
        child.stdout?.off("data", check);
        child.stderr?.off("data", check);
        resolve(out);
      };
      child.stdout?.on("data", check);
      child.stderr?.on("data", check);
      check();
      void exited.then((code) =>
        reject(new Error(`serve exited (${code}) before ${pattern}: ${out}`)),
      );
    });
  return new Promise((resolve, reject) => {
    // Generous: a start-up on a loaded machine takes seconds; a server that never listens
    // still fails the test, with its output.
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 90_000);
    void printed(/Plainrun listening on (http:\/\/127\.0\.0\.1:\d+)\n/).then(
      (text) => {
        clearTimeout(timer);
        const url = /Plainrun listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(text)?.[1] as string;
        resolve({ child, url, output: () => out, printed, exited });
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Creates an API key with `plainrun keys create` over these store flags; returns its secret. */
export async function createKey(storeArgs: string[]): Promise<string> {
  const r = await plainrun(["keys", "create", `key ${Math.random()}`, ...storeArgs], { cwd: ROOT });
  if (r.code !== 0) throw new Error(`plainrun keys create exited ${r.code}: ${r.stderr}`);
  return r.stdout.trimEnd().split("\n").at(-1) as string;
}
