import type { Command } from "commander";
import { registerCheck } from "./check.ts";
import { registerKeys } from "./keys.ts";
import { registerProcesses } from "./processes.ts";
import { registerRun } from "./run.ts";
import { registerRuns } from "./runs.ts";
import { registerServe } from "./serve.ts";
import { registerStart } from "./start.ts";

/** Every command group adds itself here (one module per group). */
export function registerCommands(program: Command): void {
  registerCheck(program);
  registerRun(program);
  registerProcesses(program);
  registerStart(program);
  registerRuns(program);
  registerServe(program);
  registerKeys(program);
}
