// The real `plainrun` command in a child process, as a user runs it (bin/plainrun.js: the
// compiled build when it is current, else the sources through tsx). Each spawn costs a
// Node start-up (about 0.4 s of CPU): tests share a store set up once where they can.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const BIN = fileURLToPath(new URL("../../bin/plainrun.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is closed. */
  done: Promise<CliResult>;
  /** Resolves with stdout so far once it matches (rejects if the process ends first). */
  printed(pattern: RegExp): Promise<string>;
}

/**
 * The timeout of a test (or hook) of a few CLI spawns: each is a Node start-up, seconds of
 * wall clock when the machine is loaded and the tests around run their own at once.
 */
export const CLI = { timeout: 120_000 };

/** The environment without PLAINRUN_* store variables, unless given. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!("PLAINRUN_DATA_DIR" in extra)) delete env.PLAINRUN_DATA_DIR;
  if (!("PLAINRUN_DATABASE_URL" in extra)) delete env.PLAINRUN_DATABASE_URL;
  return env;
}

/** Starts `plainrun ARGS` and returns at once (for commands that keep running). */
export function startPlainrun(args: string[], opts: CliOptions = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: cleanEnv(opts.env),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }),
    );
  });
  child.stdin.end(opts.stdin ?? "");
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stdout)) return;
        child.stdout.off("data", check);
        resolve(stdout);
      };
      child.stdout.on("data", check);
      check();
      void done.then((r) => reject(new Error(`exited ${r.code} before ${pattern}: ${r.stderr}`)));
    });
  return { child, done, printed };
}

/** Runs `plainrun ARGS` to its end. */
export function plainrun(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startPlainrun(args, opts).done;
}

/** The CLI bound to one store: `cli("runs", "list")` adds the store flags after the args. */
export function cliFor(store: string[], opts: CliOptions = {}) {
  const cli = (...args: string[]) => plainrun([...args, ...store], opts);
  /** With --json; throws unless it exits 0, with what it printed. */
  const json = async (...args: string[]) => {
    const r = await cli(...args, "--json");
    if (r.code !== 0) throw new Error(`plainrun ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  return { cli, json };
}

/** A refusal is a sentence: no stack trace on stderr. */
export const noStack = (r: CliResult) => expect(r.stderr).not.toMatch(/^\s+at /m);
