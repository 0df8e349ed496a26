import type { Command } from "commander";
import { registerCheck } from "./check.ts";
import { registerKeys } from "./keys.ts";
import { registerRun } from "./run.ts";
import { registerServe } from "./serve.ts";
import { registerProcesses } from "./processes.ts";
import { registerStart } from "./start.ts";
import { registerRuns } from "./runs.ts";

/** Every command group adds itself here (one module per group). */
export function registerCommands(program: Command): void {
  registerCheck(program);
  registerRun(program);
  registerServe(program);
  registerKeys(program);
  registerProcesses(program);
  registerStart(program);
  registerRuns(program);
}
