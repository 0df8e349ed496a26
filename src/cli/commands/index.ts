import type { Command } from "commander";

interface CommandEntry {
  name: string;
  description: string;
  /** The module that adds the command's arguments, options and action. */
  load: () => Promise<(cmd: Command) => void>;
}

/**
 * Every command, in the order `plainrun --help` lists them. A command's module (and what it
 * imports: the parser, the engine, the server) is loaded only when that command runs, so
 * `plainrun --help` and `plainrun check` do not pay for the store or the server.
 */
export const COMMANDS: CommandEntry[] = [
  {
    name: "check",
    description: "check process files and print every problem as FILE:LINE:COLUMN: message",
    load: async () => (await import("./check.ts")).registerCheck,
  },
  {
    name: "run",
    description:
      "run a process file locally (no server); exit 0 when it Succeeded, 3 when it waits for an answer",
    load: async () => (await import("./run.ts")).registerRun,
  },
  {
    name: "processes",
    description: "create, change, publish and inspect stored processes",
    load: async () => (await import("./processes.ts")).registerProcesses,
  },
  {
    name: "start",
    description:
      "start a run of a stored process (published version, or --draft); prints the run id",
    load: async () => (await import("./start.ts")).registerStart,
  },
  {
    name: "runs",
    description: "list, inspect and manage runs",
    load: async () => (await import("./runs.ts")).registerRuns,
  },
  {
    name: "test",
    description:
      "run the test cases of processes (draft or published) here or on a server; exit 1 on a Failed or Error case",
    load: async () => (await import("./test.ts")).registerTest,
  },
  {
    name: "email",
    description: "show and rotate a process's email addresses; set who may send to them",
    load: async () => (await import("./email.ts")).registerEmail,
  },
  {
    name: "schedules",
    description:
      "schedule published processes (presets or cron, in a time zone); preview, pause, resume, history",
    load: async () => (await import("./schedules.ts")).registerSchedules,
  },
  {
    name: "serve",
    description:
      "start the server: the HTTP API and UI plus workers (every flag also has an environment variable)",
    load: async () => (await import("./serve.ts")).registerServe,
  },
  {
    name: "keys",
    description: "manage API keys (on the server's data dir or database)",
    load: async () => (await import("./keys.ts")).registerKeys,
  },
];

/**
 * Adds every command to the program: in full the one that args name (`plainrun NAME …` or
 * `plainrun help NAME`), the others by name and description only (enough for the help).
 */
export async function registerCommands(program: Command, args: string[]): Promise<void> {
  const words = args.filter((a) => !a.startsWith("-"));
  const wanted = words[0] === "help" ? words[1] : words[0];
  for (const entry of COMMANDS) {
    const cmd = program.command(entry.name).description(entry.description);
    if (entry.name === wanted) (await entry.load())(cmd);
  }
}
