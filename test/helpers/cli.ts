// The real `plainrun` command in a child process, as a user runs it (bin/plainrun.js: the
// compiled build when it is current, else the sources through tsx).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

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

/** The environment without PLAINRUN_* store variables, unless given. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!("PLAINRUN_DATA_DIR" in extra)) delete env.PLAINRUN_DATA_DIR;
  if (!("PLAINRUN_DATABASE_URL" in extra)) delete env.PLAINRUN_DATABASE_URL;
  return env;
}

export function plainrun(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
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
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }),
    );
    child.stdin.end(opts.stdin ?? "");
  });
}
