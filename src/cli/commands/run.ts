import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { AnswerError } from "../../interpreter/index.ts";
import type { Json, QuestionInfo } from "../../interpreter/types.ts";
import { type Diagnostic, formatDiagnostic } from "../../language/index.ts";
import { CliError, UsageError } from "../errors.ts";
import { outcomeExitCode } from "../exitCodes.ts";
import { parseFileFlag, parseInputFlag, parseLooseJson, readInputsFile } from "../inputs.ts";
import { type RunView, runLocally, SourceError } from "../localRun.ts";
import { readTextFile } from "../readTextFile.ts";

interface RunFlags {
  input: string[];
  inputs?: string;
  file: string[];
  answer: string[];
  json?: boolean;
  timeLimit: string;
  dateOrder?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `plainrun run FILE`: runs a process locally and prints its status, log and outputs. */
export function registerRun(cmd: Command): void {
  cmd
    .argument("<file>", "process file (.plain)")
    .option(
      "--input <name=value>",
      "an input; VALUE is JSON when valid JSON, else text (repeatable)",
      collect,
      [],
    )
    .option("--inputs <file.json>", "a JSON object of inputs, like the examples' `inputs`")
    .option("--file <name=path>", "a file input (repeatable)", collect, [])
    .option("--answer <value>", "answers the next open question, in turn (repeatable)", collect, [])
    .option(
      "--json",
      "print one JSON object {status, outputs, log, error, question} (status Invalid with diagnostics when the source does not compile)",
    )
    .option("--time-limit <seconds>", "stop the run after this many seconds", "600")
    .option(
      "--date-order <order>",
      "how numeric dates such as 04/05/2026 read when the process does not say: day-first or month-first",
    )
    .action(async (file: string, flags: RunFlags) => {
      const limit = Number(flags.timeLimit);
      if (!Number.isFinite(limit) || limit <= 0)
        throw new UsageError("--time-limit must be a positive number of seconds");
      const order = flags.dateOrder?.trim().toLowerCase();
      if (order !== undefined && order !== "day-first" && order !== "month-first")
        throw new UsageError(
          `--date-order must be day-first or month-first (got "${flags.dateOrder}")`,
        );
      const source = readTextFile(file);
      const inputs: Record<string, Json> = {};
      if (flags.inputs) Object.assign(inputs, readInputsFile(flags.inputs));
      for (const f of flags.input) {
        const [k, v] = parseInputFlag(f);
        inputs[k] = v;
      }
      for (const f of flags.file) {
        const [k, v] = parseFileFlag(f);
        inputs[k] = v;
      }

      const answers = [...flags.answer];
      const interactive = !flags.json && process.stdin.isTTY === true;
      const abort = { aborted: false };
      const onSigint = () => {
        abort.aborted = true;
      };
      process.once("SIGINT", onSigint);
      let result: RunView;
      try {
        result = await runLocally(source, {
          inputs,
          timeLimitMs: limit * 1000,
          dateOrder: order === undefined ? undefined : order === "day-first" ? "day" : "month",
          signal: abort,
          nextAnswer: async (q) => {
            const given = answers.shift();
            if (given !== undefined) return parseLooseJson(given);
            return interactive ? askOnTerminal(q) : null;
          },
        });
      } catch (err) {
        if (err instanceof SourceError) {
          for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
          // With --json every outcome is one object on stdout, a source that does not
          // compile too: status "Invalid", each problem with its line, column and hint.
          if (flags.json) process.stdout.write(`${JSON.stringify(invalidJson(err.diagnostics))}\n`);
          process.exitCode = 1;
          return;
        }
        if (err instanceof AnswerError) throw new CliError(`--answer: ${err.message}`);
        throw err;
      } finally {
        process.off("SIGINT", onSigint);
      }
      if (flags.json) {
        const { status, outputs, log, error, question } = result;
        process.stdout.write(`${JSON.stringify({ status, outputs, log, error, question })}\n`);
      } else {
        process.stdout.write(describe(result));
      }
      process.exitCode = outcomeExitCode([result.status]);
    });
}

/** `{"status":"Invalid", …, "diagnostics":[{line, column, endLine, endColumn, message, hint}]}`. */
function invalidJson(diagnostics: Diagnostic[]) {
  const list = diagnostics.map((d) => ({
    line: d.line,
    column: d.col,
    endLine: d.endLine,
    endColumn: d.endCol,
    message: d.message,
    hint: d.suggestion ?? null,
  }));
  const first = list[0];
  return {
    status: "Invalid",
    outputs: {},
    log: [],
    error: first ? { line: first.line, message: first.message } : null,
    question: null,
    diagnostics: list,
  };
}

async function askOnTerminal(q: QuestionInfo): Promise<Json | null> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const choices = q.choices ? ` [${q.choices.join(" / ")}]` : "";
    for (;;) {
      const reply = (await rl.question(`? line ${q.line}: ${q.text}${choices} `)).trim();
      if (reply === "") continue;
      if (q.choices && !q.choices.some((c) => c.toLowerCase() === reply.toLowerCase())) {
        process.stdout.write(`  please answer one of: ${q.choices.join(", ")}\n`);
        continue;
      }
      return parseLooseJson(reply);
    }
  } catch {
    return null; // stdin closed: leave the question open
  } finally {
    rl.close();
  }
}

function describe(r: RunView): string {
  const lines = [`Status: ${r.status}`];
  if (r.error)
    lines.push(`Error${r.error.line ? ` (line ${r.error.line})` : ""}: ${r.error.message}`);
  if (r.question) {
    const choices = r.question.choices ? ` [${r.question.choices.join(" / ")}]` : "";
    lines.push(`Question (line ${r.question.line}): ${r.question.text}${choices}`);
    lines.push("  answer it with --answer VALUE");
  }
  if (r.log.length > 0) lines.push("Log:", ...r.log.map((l) => `  ${l}`));
  const outputs = Object.entries(r.outputs);
  if (outputs.length > 0)
    lines.push("Outputs:", ...outputs.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`));
  return `${lines.join("\n")}\n`;
}
