// The `plainrun` command. Each command group lives in its own module under commands/
// and registers itself on the program here.
import { Command } from "commander";
import { registerCommands } from "./commands/index.ts";

const program = new Command()
  .name("plainrun")
  .description("Plainrun: processes written in plain English, run as durable runs.")
  .version("0.1.0")
  .showHelpAfterError();

registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`plainrun: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
