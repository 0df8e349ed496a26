// `plainrun serve` as a child process on a fresh data directory (embedded SQLite) and a free
// port, exactly as deployed, with an API key made by `plainrun keys create`.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// PLAINRUN_BENCH_ROOT: another checkout's server (built), to measure an old commit as a peer.
const ROOT = process.env.PLAINRUN_BENCH_ROOT ?? join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/plainrun.js");

export interface ServeChild {
  url: string;
  key: string;
  dir: string;
  child: ChildProcess;
  /** Stops the server (SIGTERM) and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * @param store the store flags of both `serve` and `keys create` (default: `--data-dir` on a
 * fresh temp directory; e.g. `["--database-url", url]` for PostgreSQL).
 */
export async function startServeChild(
  name: string,
  args: string[] = [],
  store?: string[],
): Promise<ServeChild> {
  const dir = mkdtempSync(join(tmpdir(), `plainrun-bench-${name}-`));
  const storeArgs = store ?? ["--data-dir", dir];
  const child = spawn(process.execPath, [BIN, "serve", ...storeArgs, "--port", "0", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env },
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /Plainrun listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once("exit", (code) => reject(new Error(`server exited (${code}): ${out}`)));
    });
    const keyOut = execFileSync(
      process.execPath,
      [BIN, "keys", "create", `${name}-${Date.now()}`, ...storeArgs],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    const key = keyOut.trim().split("\n").pop() as string;
    return { url, key, dir, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
