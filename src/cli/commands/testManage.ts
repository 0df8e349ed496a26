// `plainrun test cases …` and `plainrun test runs …`: a Test Suite's cases (list, show,
// rename, edit what they expect and compare, delete) and its suite runs (list, show,
// compare, cancel), on the store or on a server (--server URL --key KEY), printed the same.
import type { Command } from "commander";
import type {
  CaseResultView,
  SuiteComparison,
  SuiteRun,
  SuiteRunDetail,
  TestCase,
  UpdateTestCaseOptions,
} from "../../engine/index.ts";
import type { Json } from "../../interpreter/types.ts";
import { UsageError } from "../errors.ts";
import { formatDuration, formatTime, out, printJson, table } from "../format.ts";
import { parseLooseJson } from "../inputs.ts";
import { diffLines } from "../junit.ts";
import { type CommonFlags, collect, intArg, storeOptions } from "../options.ts";
import { type RemoteFlags, suiteCommand } from "../suiteBackend.ts";

const INHERITED = ["dataDir", "databaseUrl", "json", "server", "key"] as const;

/**
 * A subcommand's flags with those given to the commands above it (`plainrun test
 * --data-dir D cases list`): the closest one given wins.
 */
export function inherited<T extends CommonFlags>(command: Command, own: T): T {
  const flags = { ...own } as Record<string, unknown>;
  for (let c = command.parent; c; c = c.parent) {
    const o = c.opts() as Record<string, unknown>;
    for (const k of INHERITED) if (flags[k] === undefined && o[k] !== undefined) flags[k] = o[k];
  }
  return flags as T;
}

/** The store flags, --json, and --server/--key. */
function suiteOptions(cmd: Command): Command {
  return storeOptions(cmd)
    .option("--server <url>", "work on this Plainrun server instead (with --key)")
    .option("--key <key>", "the server's API key (default $PLAINRUN_API_KEY)");
}

const show = (v: Json | unknown) => JSON.stringify(v);

function compared(c: TestCase): string {
  return c.compare === null
    ? "the process's starred outputs (all where none)"
    : c.compare.join(", ");
}

function caseLines(c: TestCase, processName: string): string {
  const lines = [
    `Test case ${c.name}`,
    `  id:         ${c.id}`,
    `  process:    ${processName} (${c.process_id})`,
    `  from run:   ${c.source_run_id ?? "-"}`,
    `  compared:   ${compared(c)}`,
    `  ignored:    ${c.ignore.length ? c.ignore.join(", ") : "(none)"}`,
    `  answers:    ${c.answers.length ? c.answers.map(show).join(", ") : "(none)"}`,
    `  created:    ${formatTime(c.created_at)}${c.created_by ? ` by ${c.created_by}` : ""}`,
    `  updated:    ${formatTime(c.updated_at)}`,
    "Inputs:",
    ...(Object.keys(c.inputs).length
      ? Object.entries(c.inputs).map(([k, v]) => `  ${k}: ${show(v)}`)
      : ["  (none)"]),
    "Expected:",
    ...(Object.keys(c.expected).length
      ? Object.entries(c.expected).map(([k, v]) => `  ${k}: ${show(v)}`)
      : ["  (none)"]),
  ];
  return lines.join("\n");
}

/** A case's result for people: its status, case and run, then its diff or reason. */
export function resultLines(r: CaseResultView, names: Map<string, string>): string[] {
  const where = `${names.get(r.process_id) ?? r.process_id} › ${r.case_name}`;
  const lines = [`${r.status.toUpperCase()}  ${where}${r.run_id ? ` (run ${r.run_id})` : ""}`];
  if (r.status === "Failed") for (const l of diffLines(r.diff)) lines.push(`    ${l}`);
  else if (r.reason) lines.push(`    ${r.reason}`);
  return lines;
}

function countsLine(s: SuiteRun): string {
  const c = s.counts;
  return `${c.passed} passed, ${c.failed} failed, ${c.error} error, ${c.cancelled} cancelled of ${c.total}${c.pending ? ` (${c.pending} not ended)` : ""}`;
}

function suiteRunLines(s: SuiteRunDetail, names: Map<string, string>): string {
  const lines = [
    `Suite run ${s.id}`,
    `  status:     ${s.status}`,
    `  stage:      ${s.stage}`,
    `  reason:     ${s.reason}`,
    `  by:         ${s.started_by ?? "-"}`,
    `  processes:  ${
      s.processes
        .map(
          (p) => `${p.name} (${p.version === null ? "draft" : `v${p.version}`}, ${p.cases} cases)`,
        )
        .join(", ") || "(none)"
    }`,
    ...(s.missing.length
      ? [`  missing:    ${s.missing.map((m) => m.name).join(", ")} (Missing test cases)`]
      : []),
    `  counts:     ${countsLine(s)}`,
    `  started:    ${formatTime(s.created_at)}`,
    `  finished:   ${s.finished_at ? `${formatTime(s.finished_at)} (${formatDuration(s.duration_ms)})` : "-"}`,
    "Results:",
    ...(s.results.length
      ? s.results.flatMap((r) => resultLines(r, names).map((l) => `  ${l}`))
      : ["  (none yet)"]),
  ];
  return lines.join("\n");
}

function comparisonLines(c: SuiteComparison, names: Map<string, string>): string {
  const head = (s: SuiteRun) => `${s.id} (${s.status}, ${formatTime(s.created_at)})`;
  const lines = [
    `From ${head(c.before)}`,
    `to   ${head(c.after)}: ${c.changed.length} changed, ${c.unchanged} unchanged`,
  ];
  for (const ch of c.changed) {
    lines.push(
      `  ${names.get(ch.process_id) ?? ch.process_id} › ${ch.case_name}: ${ch.before ?? "(not run)"} → ${ch.after ?? "(not run)"}`,
    );
    const after = ch.after_result;
    if (after?.status === "Failed") for (const l of diffLines(after.diff)) lines.push(`      ${l}`);
    else if (after?.reason) lines.push(`      ${after.reason}`);
  }
  return lines.join("\n");
}

function suiteRunsTable(items: SuiteRun[]): string {
  return table(
    ["ID", "WHEN", "BY", "STAGE", "STATUS", "PASSED", "FAILED", "ERROR", "DURATION"],
    items.map((s) => [
      s.id,
      formatTime(s.created_at),
      s.started_by ?? "-",
      s.stage,
      s.status,
      String(s.counts.passed),
      String(s.counts.failed),
      String(s.counts.error),
      formatDuration(s.duration_ms),
    ]),
  );
}

interface EditFlags extends RemoteFlags {
  expect?: string[];
  compare?: string[];
  compareStarred?: boolean;
  ignore?: string[];
}

/** What `cases edit` changes; a usage error when it is nothing, or a value is malformed. */
function editOf(flags: EditFlags): UpdateTestCaseOptions {
  const patch: UpdateTestCaseOptions = {};
  if (flags.expect?.length) {
    const expected: Record<string, Json> = {};
    for (const e of flags.expect) {
      const eq = e.indexOf("=");
      if (eq <= 0) throw new UsageError(`--expect expects OUTPUT=VALUE, got '${e}'`);
      expected[e.slice(0, eq).trim()] = parseLooseJson(e.slice(eq + 1));
    }
    patch.expected = expected;
  }
  if (flags.compare !== undefined && flags.compareStarred) {
    throw new UsageError("give --compare or --compare-starred, not both");
  }
  if (flags.compare !== undefined) patch.compare = flags.compare.filter((c) => c.trim() !== "");
  if (flags.compareStarred) patch.compare = null;
  if (flags.ignore !== undefined) patch.ignore = flags.ignore.filter((c) => c.trim() !== "");
  if (Object.keys(patch).length === 0) {
    throw new UsageError("say what to change: --expect, --compare, --compare-starred or --ignore");
  }
  return patch;
}

export function registerCaseCommands(test: Command): void {
  const cases = test
    .command("cases")
    .description("test cases: list, show, rename, edit, delete (default: list)");

  suiteOptions(
    cases
      .command("list", { isDefault: true })
      .description("list test cases (of one process, or all)")
      .argument("[process]", "name or id"),
  ).action((ref: string | undefined, own: RemoteFlags, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const list = await b.listCases(ref);
      if (flags.json) return printJson(list);
      const names = await b.processNames();
      out(
        table(
          ["ID", "PROCESS", "NAME", "EXPECTED", "COMPARED", "IGNORED"],
          list.map((c) => [
            c.id,
            names.get(c.process_id) ?? c.process_id,
            c.name,
            Object.keys(c.expected).join(", ") || "-",
            c.compare === null ? "(starred)" : c.compare.join(", ") || "-",
            c.ignore.join(", ") || "-",
          ]),
        ),
      );
    });
  });

  suiteOptions(
    cases
      .command("show")
      .description("a test case: inputs, expected values, what it compares")
      .argument("<case>", "test case id"),
  ).action((id: string, own: RemoteFlags, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const c = await b.getCase(id);
      if (flags.json) return printJson(c);
      out(caseLines(c, (await b.processNames()).get(c.process_id) ?? c.process_id));
    });
  });

  suiteOptions(
    cases
      .command("rename")
      .description("rename a test case (names are unique within a process)")
      .argument("<case>", "test case id")
      .argument("<name>", "the new name"),
  ).action((id: string, name: string, own: RemoteFlags, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const c = await b.updateCase(id, { name });
      if (flags.json) return printJson(c);
      out(`Renamed test case ${c.id} to "${c.name}"`);
    });
  });

  suiteOptions(
    cases
      .command("edit")
      .description("change what a test case expects, compares or ignores")
      .argument("<case>", "test case id")
      .option(
        "--expect <output=value>",
        "the expected value of an output (JSON, else text; repeatable; the others stay)",
        collect,
      )
      .option(
        "--compare <output>",
        "compare only these outputs (repeatable; replaces the list; overrides the process's starred outputs)",
        collect,
      )
      .option("--compare-starred", "compare the process's starred outputs again (all where none)")
      .option(
        "--ignore <output>",
        'never compare these outputs (repeatable; replaces the list; "" clears it)',
        collect,
      ),
  ).action((id: string, own: EditFlags, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const c = await b.updateCase(id, editOf(flags));
      if (flags.json) return printJson(c);
      out(
        `Updated test case "${c.name}"; compared: ${compared(c)}; ignored: ${c.ignore.join(", ") || "(none)"}; expected: ${Object.keys(c.expected).join(", ") || "(none)"}`,
      );
    });
  });

  suiteOptions(
    cases
      .command("delete")
      .description("delete test cases (their past results stay in the history)")
      .argument("<case...>", "test case ids"),
  ).action((ids: string[], own: RemoteFlags, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const results = [];
      for (const id of ids) {
        try {
          results.push({ id, ok: true as const, test_case: await b.deleteCase(id) });
        } catch (err) {
          results.push({ id, ok: false as const, error: { message: (err as Error).message } });
        }
      }
      if (flags.json) printJson(results);
      else {
        for (const r of results) {
          out(r.ok ? `${r.id}: deleted "${r.test_case.name}"` : `${r.id}: ${r.error.message}`);
        }
      }
      return results.every((r) => r.ok) ? 0 : 1;
    });
  });
}

export function registerSuiteRunCommands(test: Command): void {
  const runs = test
    .command("runs")
    .description("suite runs: list, show, compare, cancel (default: list)");

  const list = (own: RemoteFlags & { limit: number; cursor?: string }, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const page = await b.listSuiteRuns({
        limit: flags.limit,
        ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
      });
      if (flags.json) return printJson(page);
      out(suiteRunsTable(page.items));
      if (page.next_cursor) out(`More: add --cursor ${page.next_cursor}`);
    });
  };
  const listOptions = (c: Command) =>
    suiteOptions(
      c
        .option("--limit <n>", "how many (default 20)", intArg("--limit", 1, 500), 20)
        .option("--cursor <cursor>", "the next page, as the last line gave it"),
    );
  listOptions(
    runs.command("list", { isDefault: true }).description("suite runs, newest first"),
  ).action(list);
  // The name this list had first.
  listOptions(
    test.command("history").description("suite runs, newest first (as test runs list)"),
  ).action(list);

  suiteOptions(
    runs
      .command("show")
      .description("a suite run: who, when, which versions, counts, each case's result and diff")
      .argument("<suite-run>", "suite run id"),
  ).action((id: string, own: RemoteFlags, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const s = await b.getSuiteRun(id);
      if (flags.json) return printJson(s);
      out(suiteRunLines(s, await b.processNames()));
    });
  });

  suiteOptions(
    runs
      .command("compare")
      .description("what changed between two suite runs: the cases whose result changed, and how")
      .argument("<before>", "the earlier suite run id")
      .argument("<after>", "the later suite run id"),
  ).action((before: string, after: string, own: RemoteFlags, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const c = await b.compare(before, after);
      if (flags.json) return printJson(c);
      out(comparisonLines(c, await b.processNames()));
    });
  });

  suiteOptions(
    runs
      .command("cancel")
      .description("cancel a Running suite run: its runs in flight and the cases not started")
      .argument("<suite-run>", "suite run id"),
  ).action((id: string, own: RemoteFlags, command: Command) => {
    const flags = inherited(command, own);
    return suiteCommand(flags, async (b) => {
      const s = await b.cancel(id);
      if (flags.json) return printJson(s);
      out(
        s.status === "Cancelled"
          ? `Cancelled suite run ${s.id}: ${countsLine(s)}`
          : `Cancel requested for suite run ${s.id}: the server executing it ends it shortly`,
      );
    });
  });
}
