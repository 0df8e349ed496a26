#!/usr/bin/env node
// bench/cli: how long the CLI takes to answer, against bare Node in the same invocation.
//   npm run build && node bench/cli/run.mjs [--runs 10]
// Medians (and min–max) of wall time over N runs, interleaved so that load hits every
// command alike: `node -e 0`, `plainrun --help`, `plainrun check` of a 50-line process,
// `plainrun run` of the greeting example (each against `node -e 0`); then `plainrun serve` on
// an empty data directory until GET /api/v2/health answers, against a bare Node HTTP server
// started and asked the same way, with the CPU each used until then (/proc, every thread: a
// figure that load inflates far less than wall time). Ends with one JSON line of the figures.
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../../", import.meta.url).pathname;
const bin = join(root, "bin/plainrun.js");
const runsArg = process.argv.indexOf("--runs");
const N = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;

/** Whether bin/plainrun.js runs dist/ (built, and no source newer than the build). */
function distIsCurrent() {
  if (!existsSync(join(root, "dist/.built"))) return false;
  const built = statSync(join(root, "dist/.built")).mtimeMs;
  const src = join(root, "src");
  return !readdirSync(src, { recursive: true }).some(
    (f) => f.endsWith(".ts") && statSync(join(src, f)).mtimeMs > built,
  );
}
if (!distIsCurrent()) {
  console.error("bench/cli: build first (npm run build:server); it measures the compiled CLI");
  process.exit(2);
}
// PLAINRUN_EXAMPLES_DIR: the examples folder, for a checkout not beside it (a git worktree).
const examples = process.env.PLAINRUN_EXAMPLES_DIR ?? join(root, "../shared/examples");
const greeting = join(examples, "greeting.plain");
if (!existsSync(greeting)) {
  console.error(`bench/cli: the greeting example is not at ${greeting}`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "plainrun-bench-cli-"));
// 50 lines: inputs, arithmetic, conditions, a loop and text, as a real process has.
const words = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"];
const lines = ["# Fifty lines of a made-up order check.", "imagine the squares"];
for (const w of words) {
  lines.push(`the ${w} amount is the base amount * 3 + 1`);
  lines.push(`if the ${w} amount is greater than 100 then`);
  lines.push(`  say "the ${w} amount is large"`);
  lines.push("else");
  lines.push(`  say "the ${w} amount is {the ${w} amount}"`);
}
while (lines.length < 46) lines.push("the total is the first amount + the second amount");
lines.push("repeat 5 times", "  add the iteration * the iteration to the squares");
lines.push("the sum is the sum of the squares", 'say "done: {the sum}"');
const fifty = join(dir, "fifty.plain");
writeFileSync(fifty, `${lines.slice(0, 50).join("\n")}\n`);
const check = spawnSync(process.execPath, [bin, "check", fifty], { encoding: "utf8" });
if (check.status !== 0) {
  console.error(`bench/cli: the 50-line process does not check:\n${check.stdout}${check.stderr}`);
  process.exit(2);
}

const commands = {
  node: [process.execPath, ["-e", "0"]],
  help: [process.execPath, [bin, "--help"]],
  check: [process.execPath, [bin, "check", fifty]],
  run: [process.execPath, [bin, "run", greeting, "--input", "customer name=Ada"]],
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time([cmd, args]) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env } });
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

// The peer of `plainrun serve`: a bare Node HTTP server, started and asked the same way.
const PEER = `require("node:http").createServer((q, s) => s.end("ok")).listen(0, "127.0.0.1", function () {
  console.log("listening on http://127.0.0.1:" + this.address().port);
});`;

/** CPU time (user + system, every thread) a live process has used so far, in ms. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return Number.NaN;
  }
}

/** Wall time from spawn until the printed URL answers, and the CPU the server used meanwhile. */
async function serveReady(peer) {
  const data = mkdtempSync(join(dir, "data-"));
  const t = process.hrtime.bigint();
  const args = peer ? ["-e", PEER] : [bin, "serve", "--port", "0", "--data-dir", data];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (b) => {
      text += b;
      const m = /listening on (http\S+)/i.exec(text);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  for (;;) {
    // Polls without pause: the figure is the time until the first answer.
    const ok = await fetch(peer ? url : `${url}/api/v2/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
  }
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = cpuMs(child.pid);
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  return { ms, cpu };
}

const samples = { node: [], help: [], check: [], run: [], serve_peer: [], serve: [] };
const serveCpu = { serve_peer: [], serve: [] };
for (let i = 0; i < N; i++) {
  for (const [name, c] of Object.entries(commands)) samples[name].push(time(c));
  for (const name of ["serve_peer", "serve"]) {
    const { ms, cpu } = await serveReady(name === "serve_peer");
    samples[name].push(ms);
    serveCpu[name].push(cpu);
  }
}
rmSync(dir, { recursive: true, force: true });
if (!distIsCurrent()) {
  // bin/plainrun.js ran the sources through tsx for some of the samples: they do not count.
  console.error("bench/cli: a source changed during the bench (dist/ is stale); run it again");
  process.exit(2);
}

const nodeMs = median(samples.node);
const limits = { help: 3, check: 5, run: 5 };
const fmt = (x) => `${Math.round(x)} ms`;
console.log(`bench/cli: ${N} runs each, interleaved; medians (min–max)\n`);
console.log("| command | median | spread | × peer | limit |\n|---|---|---|---|---|");
const figures = { bench: "cli", runs: N };
const peerMs = median(samples.serve_peer);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  // The CLI commands compare with `node -e 0`, the server with a bare Node HTTP server.
  const serving = name in serveCpu;
  const ratio = m / (serving ? peerMs : nodeMs);
  figures[`${name}_ms`] = Math.round(m);
  if (name in limits || name === "serve") figures[`${name}_ratio`] = Math.round(ratio * 100) / 100;
  if (serving) figures[`${name}_cpu_ms`] = Math.round(median(serveCpu[name]));
  const limit = name in limits ? `≤ ${limits[name]}×` : name === "serve" ? "< 1000 ms" : "";
  const shown = name === "node" || name === "serve_peer" ? "" : `${ratio.toFixed(2)}×`;
  console.log(
    `| ${name} | ${fmt(m)} | ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} | ${shown} | ${limit} |`,
  );
}
for (const name of Object.keys(serveCpu)) {
  const xs = serveCpu[name];
  console.log(
    `${name}: CPU until it answered (all threads) ${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`,
  );
}
console.log(JSON.stringify(figures));
