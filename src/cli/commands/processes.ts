import { type Command, InvalidArgumentError } from "commander";
import type { Process, Version } from "../../engine/index.ts";
import { engineCommand } from "../engineCommand.ts";
import { UsageError } from "../errors.ts";
import { formatTime, out, printJson, table } from "../format.ts";
import { type CommonFlags, collect, secondsArg, storeOptions, whoAmI } from "../options.ts";
import { readTextFile } from "../readTextFile.ts";

interface CreateFlags extends CommonFlags {
  file: string;
  description?: string;
}

interface UpdateFlags extends CommonFlags {
  file?: string;
  description?: string;
  star?: string[];
  timeLimit?: number;
  testGate?: string;
}

function versionArg(value: string): number {
  const m = /^\s*v?(\d+)\s*$/i.exec(value);
  if (!m) throw new InvalidArgumentError(`a version is a number like 3 or v3, not "${value}".`);
  return Number(m[1]);
}

const newestFirst = (vs: Version[]) => [...vs].sort((a, b) => b.version - a.version);

const list = (xs: string[]) => (xs.length > 0 ? xs.join(", ") : "(none)");

function describeProcess(p: Process, versions: Version[]): string {
  const lines = [
    `Process ${p.name}`,
    `  id:           ${p.id}`,
    `  description:  ${p.description || "(none)"}`,
    `  published:    ${p.latest_version > 0 ? `v${p.latest_version}` : "not yet"}`,
    `  inputs:       ${list(p.inputs)}`,
    `  starred:      ${list(p.starred_outputs)}`,
    `  time limit:   ${p.settings.time_limit_ms / 1000} s`,
    `  created:      ${formatTime(p.created_at)}`,
    `  updated:      ${formatTime(p.updated_at)}`,
    "Versions:",
  ];
  if (versions.length === 0) lines.push("  (none)");
  for (const v of newestFirst(versions)) {
    lines.push(
      `  v${v.version}  ${formatTime(v.created_at)}  inputs: ${list(v.inputs)}${v.source_hash === p.draft_hash ? "  (same as the draft)" : ""}`,
    );
  }
  lines.push("Draft:");
  const source = p.draft_source.replace(/\n$/, "");
  lines.push(...(source ? source.split("\n").map((l) => `  ${l}`) : ["  (empty)"]));
  return `${lines.join("\n")}\n`;
}

/** `plainrun processes …`: create, update, publish, list, show, versions, restore. */
export function registerProcesses(group: Command): void {
  storeOptions(
    group
      .command("create")
      .description(
        "create a process from a .plain file (refused, with every error, when it does not compile)",
      )
      .argument("<name>", "the process's name")
      .requiredOption("--file <file.plain>", "the draft's source")
      .option("--description <text>", "what the process is for"),
  ).action((name: string, flags: CreateFlags) =>
    engineCommand(
      flags,
      async (engine) => {
        const source = readTextFile(flags.file);
        const p = await engine.processes.create({
          name,
          source,
          ...(flags.description !== undefined ? { description: flags.description } : {}),
        });
        if (flags.json) printJson(p);
        else out(`Created process ${p.name} (${p.id}); inputs: ${list(p.inputs)}`);
      },
      flags.file,
    ),
  );

  storeOptions(
    group
      .command("update")
      .description("change a process's draft, description, starred outputs or time limit")
      .argument("<process>", "name or id")
      .option(
        "--file <file.plain>",
        "new draft source (refused, with every error, when it does not compile)",
      )
      .option("--description <text>", "new description")
      .option(
        "--star <output>",
        'a starred output (repeatable; replaces the list; --star "" clears it)',
        collect,
      )
      .option("--time-limit <seconds>", "run time limit in seconds", secondsArg)
      .option(
        "--test-gate <on|off>",
        "the publish gate: publishing requires the draft's test cases to pass",
      ),
  ).action((ref: string, flags: UpdateFlags) =>
    engineCommand(
      flags,
      async (engine) => {
        if (
          flags.file === undefined &&
          flags.description === undefined &&
          flags.star === undefined &&
          flags.timeLimit === undefined &&
          flags.testGate === undefined
        ) {
          throw new UsageError(
            "nothing to change: give --file, --description, --star, --time-limit or --test-gate",
          );
        }
        if (flags.testGate !== undefined && !["on", "off"].includes(flags.testGate)) {
          throw new UsageError(`--test-gate is on or off, not "${flags.testGate}"`);
        }
        const p = await engine.processes.update(ref, {
          ...(flags.file !== undefined ? { source: readTextFile(flags.file) } : {}),
          ...(flags.description !== undefined ? { description: flags.description } : {}),
          ...(flags.star !== undefined
            ? { starredOutputs: flags.star.filter((s) => s.trim() !== "") }
            : {}),
          ...(flags.timeLimit !== undefined || flags.testGate !== undefined
            ? {
                settings: {
                  ...(flags.timeLimit !== undefined
                    ? { time_limit_ms: Math.round(flags.timeLimit * 1000) }
                    : {}),
                  ...(flags.testGate !== undefined ? { test_gate: flags.testGate === "on" } : {}),
                },
              }
            : {}),
        });
        if (flags.json) printJson(p);
        else
          out(
            `Updated process ${p.name}; inputs: ${list(p.inputs)}; starred: ${list(p.starred_outputs)}`,
          );
      },
      flags.file,
    ),
  );

  storeOptions(
    group
      .command("publish")
      .description(
        "publish the draft as the next version (nothing when the latest version has the same source)",
      )
      .argument("<process>", "name or id"),
  ).action((ref: string, flags: CommonFlags) =>
    engineCommand(flags, async (engine) => {
      // The publish gate runs the draft's test cases: execute them here.
      if ((await engine.processes.get(ref)).settings.test_gate === true) {
        await engine.startWorkers({ concurrency: 8 });
      }
      const { version: v, created } = await engine.processes.publishDraft(ref, { by: whoAmI() });
      const name = (await engine.processes.get(v.process_id)).name;
      if (flags.json) printJson({ ...v, created });
      else if (created) out(`Published ${name} v${v.version}`);
      else out(`${name} v${v.version} already has the draft's source: nothing published`);
    }),
  );

  storeOptions(group.command("list").description("list the processes")).action(
    (flags: CommonFlags) =>
      engineCommand(flags, async (engine) => {
        const ps = await engine.processes.list();
        if (flags.json) return printJson(ps);
        if (ps.length === 0)
          return out("No processes yet: plainrun processes create NAME --file F.plain");
        out(
          table(
            ["NAME", "ID", "PUBLISHED", "INPUTS", "UPDATED", "DESCRIPTION"],
            ps.map((p) => [
              p.name,
              p.id,
              p.latest_version > 0 ? `v${p.latest_version}` : "-",
              p.inputs.join(", ") || "-",
              formatTime(p.updated_at),
              p.description,
            ]),
          ),
        );
      }),
  );

  storeOptions(
    group
      .command("show")
      .description("a process: its settings, inputs, versions and draft")
      .argument("<process>", "name or id"),
  ).action((ref: string, flags: CommonFlags) =>
    engineCommand(flags, async (engine) => {
      const p = await engine.processes.get(ref);
      const versions = await engine.processes.versions(p.id);
      if (flags.json) printJson({ ...p, versions });
      else out(describeProcess(p, versions));
    }),
  );

  storeOptions(
    group
      .command("versions")
      .description("the published versions of a process")
      .argument("<process>", "name or id"),
  ).action((ref: string, flags: CommonFlags) =>
    engineCommand(flags, async (engine) => {
      const versions = await engine.processes.versions(ref);
      if (flags.json) return printJson(versions);
      if (versions.length === 0)
        return out("No published versions yet: plainrun processes publish NAME");
      out(
        table(
          ["VERSION", "PUBLISHED", "SOURCE", "INPUTS"],
          newestFirst(versions).map((v) => [
            `v${v.version}`,
            formatTime(v.created_at),
            v.source_hash.slice(0, 12),
            v.inputs.join(", ") || "-",
          ]),
        ),
      );
    }),
  );

  storeOptions(
    group
      .command("restore")
      .description("copy a published version's source into the draft")
      .argument("<process>", "name or id")
      .argument("<version>", "version number (3 or v3)", versionArg),
  ).action((ref: string, version: number, flags: CommonFlags) =>
    engineCommand(flags, async (engine) => {
      const p = await engine.processes.restore(ref, version);
      if (flags.json) printJson(p);
      else out(`Restored v${version} of ${p.name} into its draft`);
    }),
  );
}
