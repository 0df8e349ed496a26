// `plainrun test [PROCESS…]`: run the test cases of processes (all by default) against the
// draft or the published version, here (data directory, database URL: a worker pool in
// this process) or on a server (--server URL --key KEY); a progress line on stderr while
// cases run, a summary, JUnit XML with --junit, exit 1 when a case is Failed or Error.
// Subcommands add cases from runs; testManage.ts manages cases and suite runs.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { Engine, SuiteRun, SuiteRunDetail } from "../../engine/index.ts";
import { STAGES, type Stage } from "../../store/index.ts";
import { engineCommand } from "../engineCommand.ts";
import { CliError, fileProblem, reportError, UsageError } from "../errors.ts";
import { formatDuration, out, printJson } from "../format.ts";
import { junitXml } from "../junit.ts";
import { type CommonFlags, intArg, storeOptions, whoAmI } from "../options.ts";
import { remoteOf, type SuiteBackend } from "../suiteBackend.ts";
import {
  inherited,
  registerCaseCommands,
  registerSuiteRunCommands,
  resultLines,
} from "./testManage.ts";

interface TestFlags extends CommonFlags {
  stage: string;
  junit?: string;
  server?: string;
  key?: string;
  concurrency?: number;
}

/** The progress line: on a terminal rewritten in place, elsewhere a line when it changes (at most each second). */
function progress(): { show: (s: SuiteRun) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = "";
  let lastAt = 0;
  return {
    show(s) {
      const c = s.counts;
      const line = `${c.total - c.pending}/${c.total} cases: ${c.passed} passed, ${c.failed} failed, ${c.error} error`;
      if (line === last) return;
      const now = Date.now();
      if (!tty && now - lastAt < 1000 && c.pending > 0) return;
      last = line;
      lastAt = now;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    },
    end() {
      if (tty && last) process.stderr.write("\n");
    },
  };
}

function summary(s: SuiteRunDetail): string {
  const names = new Map(s.processes.map((p) => [p.id, p.name]));
  const lines: string[] = [];
  for (const r of s.results) if (r.status !== "Passed") lines.push(...resultLines(r, names));
  for (const m of s.missing) lines.push(`MISSING  ${m.name}: Missing test cases`);
  const c = s.counts;
  lines.push(
    `${s.status}: ${c.passed} passed, ${c.failed} failed, ${c.error} error${c.cancelled ? `, ${c.cancelled} cancelled` : ""} of ${c.total} cases on ${s.stage} in ${formatDuration(s.duration_ms)} (suite run ${s.id})`,
  );
  return lines.join("\n");
}

/** A suite run on a server, followed by polling its document. */
async function onServer(
  server: SuiteBackend,
  body: { processes?: string[]; stage: string; concurrency?: number },
  onProgress: (s: SuiteRun) => void,
): Promise<SuiteRunDetail> {
  const started = await server.startSuite(body);
  for (;;) {
    const s = await server.getSuiteRun(started.id);
    onProgress(s);
    if (s.status !== "Running") return s;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function runHere(
  engine: Engine,
  opts: { processes: string[]; stage: Stage; concurrency?: number },
  onProgress: (s: SuiteRun) => void,
): Promise<SuiteRunDetail> {
  await engine.startWorkers({ concurrency: 8 });
  const started = await engine.suites.start({
    processes: opts.processes,
    stage: opts.stage,
    by: whoAmI(),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  });
  const stop = () => void engine.suites.cancel(started.id).catch(() => {});
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await engine.suites.wait(started.id, onProgress);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

function finish(s: SuiteRunDetail, flags: TestFlags): number {
  if (flags.junit) {
    try {
      writeFileSync(flags.junit, junitXml(s));
    } catch (err) {
      throw new CliError(`can't write ${flags.junit}: ${fileProblem(err)}`);
    }
  }
  if (flags.json) printJson(s);
  else out(summary(s));
  return s.status === "Passed" ? 0 : 1;
}

export function registerTest(cmd: Command): void {
  storeOptions(
    cmd
      .argument("[process...]", "process names or ids (default: every process)")
      .option("--stage <stage>", "draft or published", "draft")
      .option(
        "--junit <file>",
        "write JUnit XML (one testsuite per process, one testcase per case)",
      )
      .option("--server <url>", "run on this Plainrun server instead (with --key)")
      .option("--key <key>", "the server's API key (default $PLAINRUN_API_KEY)")
      .option("--concurrency <n>", "cases at once (default 64)", intArg("--concurrency", 1, 1000)),
  ).action(async (processes: string[], flags: TestFlags) => {
    const stage = flags.stage as Stage;
    if (!STAGES.includes(stage)) {
      process.exitCode = reportError(
        new UsageError(`--stage is draft or published, not "${flags.stage}"`),
        flags.json === true,
      );
      return;
    }
    const bar = progress();
    let server: SuiteBackend | undefined;
    try {
      server = remoteOf(flags);
      if (server) {
        const s = await onServer(
          server,
          {
            stage,
            ...(processes.length ? { processes } : {}),
            ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
          },
          bar.show,
        );
        bar.end();
        process.exitCode = finish(s, flags);
        return;
      }
    } catch (err) {
      bar.end();
      process.exitCode = reportError(err, flags.json === true);
      return;
    }
    await engineCommand(flags, async (engine) => {
      const s = await runHere(
        engine,
        { processes, stage, ...(flags.concurrency ? { concurrency: flags.concurrency } : {}) },
        bar.show,
      );
      bar.end();
      return finish(s, flags);
    });
  });

  storeOptions(
    cmd
      .command("add")
      .description("make a test case from each Succeeded run (any other run is refused, with why)")
      .argument("<run...>", "run ids")
      .option("--name <name>", "the case's name (one run only; default: made from the inputs)"),
  ).action((runs: string[], own: CommonFlags & { name?: string }, command: Command) => {
    const flags = inherited(command, own);
    return engineCommand(flags, async (engine) => {
      const results = await engine.testCases.fromRuns(runs, {
        by: whoAmI(),
        ...(flags.name !== undefined ? { name: flags.name } : {}),
      });
      if (flags.json) printJson(results);
      else {
        for (const r of results) {
          out(
            r.ok
              ? `${r.id}: test case "${r.test_case.name}" (${r.test_case.id})`
              : `${r.id}: refused: ${r.error.message}`,
          );
        }
      }
      return results.every((r) => r.ok) ? 0 : 1;
    });
  });

  registerCaseCommands(cmd);
  registerSuiteRunCommands(cmd);
}
