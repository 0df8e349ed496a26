/**
 * bench/email: messages accepted per second end to end over SMTP, each with a 50 KB CSV
 * attachment, where "accepted" is the 250 that Plainrun sends only once the message's run
 * (and its file) is durably stored; beside Postfix's smtp-sink as the ceiling of SMTP itself.
 *
 *   node --import tsx bench/email/run.ts [--messages 2000] [--sessions 10] [--reps 1]
 *     [--warmup 2000]    (messages sent, untimed, to each fresh server and sink first)
 *     [--roles smtp]     (`plainrun serve`'s roles; api,worker,smtp also executes the runs)
 *     [--cpu-prof DIR]   (the server's CPU profile, for `node --cpu-prof`'s viewers)
 *
 * Builds the server first (scripts/build.mjs: bin/plainrun.js would otherwise run the
 * TypeScript sources through tsx when a source is newer than dist/, a slower server).
 * Installs Postfix (for smtp-source and smtp-sink) with apt-get when missing. Creates and
 * publishes a process with the CLI on a fresh data directory (embedded SQLite). Each
 * repetition sends the same pre-formatted message (no Message-ID, so none is deduplicated)
 * with `smtp-source -s SESSIONS -m MESSAGES -F FILE` (one connection per message, as
 * smtp-source does), to smtp-sink, then to a fresh `plainrun serve --roles ROLES` child
 * process, then to smtp-sink again (the sink's figure is the mean of the two, taken on
 * both sides of Plainrun's), each after --warmup untimed messages (a fresh server compiles
 * its code while it answers its first ones; the figure is a running server's). By default
 * the server has only the smtp role: the runs are stored queued,
 * for workers elsewhere, so the figure is the intake's; with the worker role the same
 * process also executes them (the CSV read as a 5,000-row table) meanwhile. Then it checks
 * that the store holds one run per message. Prints one JSON line: median, min and max
 * over the repetitions.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/index.ts";
import { numberArg } from "../lib/args.ts";
import { cpuSeconds, cpuSecondsByThread } from "../lib/cpu.ts";
import { round, spread } from "../lib/stats.ts";

const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/plainrun.js");
const messages = numberArg("messages", 2000);
const sessions = numberArg("sessions", 10);
const repetitions = numberArg("reps", 1);
// V8 is still optimizing the per-connection code after 500 messages (374 TurboFan compiles
// in the next 6,000, 98 in 4,000 after 2,000: docs/benchmarks.md, stop 12).
const warmup = numberArg("warmup", 2000);
const rolesAt = process.argv.indexOf("--roles");
const roles = rolesAt > 0 ? (process.argv[rolesAt + 1] as string) : "smtp";
const profileAt = process.argv.indexOf("--cpu-prof");
const profileDir = profileAt > 0 ? process.argv[profileAt + 1] : undefined;

function ensurePostfix(): void {
  if (existsSync("/usr/sbin/smtp-source") && existsSync("/usr/sbin/smtp-sink")) return;
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "postfix"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function message(to: string): string {
  const rows = ["id,amount"];
  while (rows.join("\n").length < 50 * 1024)
    rows.push(`${rows.length},${randomBytes(4).readUInt32BE()}`);
  const csv = Buffer.from(`${rows.join("\n")}\n`)
    .toString("base64")
    .replace(/.{76}/g, "$&\n");
  return [
    "From: ap@example.com",
    `To: ${to}`,
    "Subject: bench invoice",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "See attached.",
    "--b1",
    'Content-Type: text/csv; name="lines.csv"',
    'Content-Disposition: attachment; filename="lines.csv"',
    "Content-Transfer-Encoding: base64",
    "",
    csv,
    "--b1--",
    "",
  ].join("\n");
}

/** Resolves once something accepts connections on the port. */
async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, "127.0.0.1");
      c.once("connect", () => {
        c.destroy();
        r(true);
      });
      c.once("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** Runs smtp-source and returns the seconds it took to deliver `count` messages. */
function source(port: number, to: string, file: string, count = messages): number {
  const t0 = process.hrtime.bigint();
  execFileSync(
    "/usr/sbin/smtp-source",
    [
      "-s",
      String(sessions),
      "-m",
      String(count),
      "-F",
      file,
      "-f",
      "ap@example.com",
      "-t",
      to,
      `127.0.0.1:${port}`,
    ],
    { stdio: "inherit" },
  );
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Starts `plainrun serve` with these roles; resolves with it once SMTP listens. */
async function serve(dir: string, roles: string, port: number, profile: string | undefined) {
  const child = spawn(
    process.execPath,
    [
      ...(profile ? ["--cpu-prof", "--cpu-prof-dir", profile] : []),
      BIN,
      "serve",
      "--data-dir",
      dir,
      "--port",
      "0",
      "--roles",
      roles,
      "--smtp-port",
      String(port),
      "--mail-domain",
      "bench.test",
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (/SMTP listening/.test(out)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
  return child;
}

/**
 * smtp-sink's seconds for the timed messages, on a fresh sink after --warmup untimed ones.
 */
async function sinkSeconds(address: string, file: string): Promise<number> {
  const sinkPort = await freePort();
  const sink = spawn(
    "/usr/sbin/smtp-sink",
    [...(process.getuid?.() === 0 ? ["-u", "nobody"] : []), `127.0.0.1:${sinkPort}`, "100"],
    { stdio: "ignore" },
  );
  await listening(sinkPort);
  if (warmup > 0) source(sinkPort, address, file, warmup);
  const seconds = source(sinkPort, address, file);
  sink.kill("SIGTERM");
  return seconds;
}

/**
 * One repetition: smtp-sink, Plainrun, smtp-sink again, on the same message; rates in
 * messages/s. The sink's run is short (a few seconds) and the host's speed drifts, so the
 * ceiling is taken on both sides of Plainrun's run and the two are averaged.
 */
async function repetition(dir: string, address: string, file: string) {
  const sinkBefore = await sinkSeconds(address, file);

  const smtpPort = await freePort();
  const child = await serve(dir, roles, smtpPort, profileDir);
  // A server answers its first messages while still compiling its code: the figure is the
  // steady state, as a server that has been up a while would give.
  if (warmup > 0) source(smtpPort, address, file, warmup);
  const cpuBefore = cpuSeconds(child.pid as number);
  const threadsBefore = cpuSecondsByThread(child.pid as number);
  const plainrunSeconds = source(smtpPort, address, file);
  const serverCpu = cpuSeconds(child.pid as number) - cpuBefore;
  const threads: Record<string, number> = {};
  for (const [name, s] of cpuSecondsByThread(child.pid as number)) {
    const ms = ((s - (threadsBefore.get(name) ?? 0)) / messages) * 1000;
    threads[name] = ms;
  }
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  const sinkMean = (sinkBefore + (await sinkSeconds(address, file))) / 2;
  return {
    sink: messages / sinkMean,
    plainrun: messages / plainrunSeconds,
    ratio: sinkMean / plainrunSeconds,
    cpuMs: (serverCpu / messages) * 1000,
    threads,
  };
}

async function main() {
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: "ignore" });
  ensurePostfix();
  const dir = mkdtempSync(join(tmpdir(), "plainrun-bench-email-"));
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [BIN, ...args, "--data-dir", dir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PLAINRUN_MAIL_DOMAIN: "bench.test" },
    });
  writeFileSync(
    join(dir, "p.plain"),
    "read the first attachment as a table as the lines\nthe line count is the count of the lines\n",
  );
  cli("processes", "create", "intake", "--file", join(dir, "p.plain"));
  cli("processes", "publish", "intake");
  const address = JSON.parse(cli("email", "show", "intake", "--json")).published as string;
  const file = join(dir, "message.eml");
  const text = message(address);
  writeFileSync(file, text);

  const reps: Array<Awaited<ReturnType<typeof repetition>>> = [];
  for (let i = 0; i < repetitions; i++) reps.push(await repetition(dir, address, file));

  const store = await openStore({ url: `sqlite:${join(dir, "plainrun.sqlite")}` });
  const rows = await store.db
    .selectFrom("runs")
    .select("status")
    .where("trigger", "=", "email")
    .execute();
  const statuses: Record<string, number> = {};
  for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const cell = (values: number[], digits: number) => {
    const s = spread(values);
    return {
      median: round(s.median, digits),
      min: round(s.min, digits),
      max: round(s.max, digits),
    };
  };
  const result = {
    bench: "email",
    roles,
    messages,
    warmup,
    sessions,
    repetitions,
    // smtp-source sends each line of the file with CRLF.
    message_bytes: Buffer.byteLength(text) + (text.match(/\n/g)?.length ?? 0),
    sink_per_s: cell(
      reps.map((r) => r.sink),
      0,
    ),
    plainrun_per_s: cell(
      reps.map((r) => r.plainrun),
      0,
    ),
    ratio: cell(
      reps.map((r) => r.ratio),
      2,
    ),
    server_cpu_ms_per_message: cell(
      reps.map((r) => r.cpuMs),
      1,
    ),
    // Per thread name (median over the repetitions): where the server's CPU goes.
    server_cpu_ms_per_message_by_thread: Object.fromEntries(
      [...new Set(reps.flatMap((r) => Object.keys(r.threads)))].map((name) => [
        name,
        round(spread(reps.map((r) => r.threads[name] ?? 0)).median, 2),
      ]),
    ),
    runs_stored: rows.length,
    runs_expected: (messages + warmup) * repetitions,
    run_statuses_at_stop: statuses,
  };
  console.log(JSON.stringify(result));
}

await main();
