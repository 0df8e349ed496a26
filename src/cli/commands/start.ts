import type { Command } from "commander";
import type { Engine, Run, RunDetail } from "../../engine/index.ts";
import type { Json } from "../../interpreter/types.ts";
import { engineCommand } from "../engineCommand.ts";
import { outcomeExitCode } from "../exitCodes.ts";
import { describeOutcome, out, printJson } from "../format.ts";
import { parseFileFlag, parseInputFlag, readInputsFile } from "../inputs.ts";
import { type CommonFlags, collect, storeOptions, whoAmI } from "../options.ts";
import { waitWithWorkers } from "../waitForRuns.ts";

interface StartFlags extends CommonFlags {
  draft?: boolean;
  input: string[];
  inputs?: string;
  file: string[];
  wait?: boolean;
}

/** --inputs, then --input, then --file (stored in the engine's file store, referred to by id). */
export async function inputsFromFlags(
  engine: Engine,
  flags: { input: string[]; inputs?: string; file: string[] },
): Promise<Record<string, Json>> {
  const inputs: Record<string, Json> = flags.inputs ? readInputsFile(flags.inputs) : {};
  for (const f of flags.input) {
    const [k, v] = parseInputFlag(f);
    inputs[k] = v;
  }
  for (const f of flags.file) {
    const [k, v] = parseFileFlag(f);
    const inline = v as { name: string; type: string; base64: string };
    const stored = await engine.files.put(Buffer.from(inline.base64, "base64"), {
      name: inline.name,
      type: inline.type,
    });
    inputs[k] = { file_id: stored.id, name: stored.name, type: stored.type };
  }
  return inputs;
}

/** A run as --json prints it after waiting: everything but the step timeline (see runs show). */
export function runWithoutTimeline(run: RunDetail): Run {
  const { timeline: _timeline, ...rest } = run;
  return rest;
}

/** `plainrun start PROCESS`: a manual run of a stored process. */
export function registerStart(cmd: Command): void {
  storeOptions(
    cmd
      .argument("<process>", "name or id")
      .option("--draft", "run the draft instead of the published version")
      .option(
        "--input <name=value>",
        "an input; VALUE is JSON when valid JSON, else text (repeatable)",
        collect,
        [],
      )
      .option("--inputs <file.json>", "a JSON object of inputs")
      .option("--file <name=path>", "a file input (repeatable)", collect, [])
      .option(
        "--wait",
        "execute it here and wait until it is final or asks a question; print status, log and outputs (exit 0 when it Succeeded, 3 when it waits for an answer)",
      ),
  ).action((processRef: string, flags: StartFlags) =>
    engineCommand(flags, async (engine) => {
      const inputs = await inputsFromFlags(engine, flags);
      const run = await engine.startRun({
        process: processRef,
        stage: flags.draft ? "draft" : "published",
        inputs,
        trigger: { type: "manual", details: { who: whoAmI(), via: "cli" } },
      });
      if (!flags.wait) {
        if (flags.json) printJson(run);
        else out(run.id);
        return 0;
      }
      const [done] = (await waitWithWorkers(engine, [run.id])) as [RunDetail];
      if (flags.json) printJson(runWithoutTimeline(done));
      else out(describeOutcome(done));
      return outcomeExitCode([done.status]);
    }),
  );
}
