// The `plainrun` command. Each command lives in its own module under commands/, loaded
// only when it runs (see commands/index.ts). One style for every command: errors are one
// line `plainrun: sentence` on stderr; exit 0 success, 1 the command failed, 2 usage error.
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.ts";

const args = process.argv.slice(2);

const program = new Command()
  .name("plainrun")
  .description("Plainrun: processes written in plain English, run as durable runs.")
  .version("0.1.0")
  // Inherited by every command added after: commander's usage errors become one line,
  // `plainrun: …` (the help only with --help), and reach the catch below instead of exiting.
  .exitOverride()
  .configureOutput({
    outputError: (text, write) =>
      write(
        `plainrun: ${text.replace(/^error: /, "").replace(/\n\(Did you mean/, " (did you mean")}`,
      ),
  });

async function main(): Promise<number> {
  if (
    !args.some((a) => !a.startsWith("-")) &&
    !args.some((a) => /^(-h|--help|-V|--version)$/.test(a))
  ) {
    process.stderr.write("plainrun: give a command (plainrun --help lists them)\n");
    return 2;
  }
  await registerCommands(program, args);
  await program.parseAsync(process.argv);
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    if (err instanceof CommanderError) {
      // Already printed by outputError (or the help / version, with exit code 0).
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const { reportError } = await import("./errors.ts");
    process.exitCode = reportError(err, args.includes("--json"));
  },
);
