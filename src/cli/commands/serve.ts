import type { Command } from "commander";
import { resolveConfig, SETTINGS } from "../../server/config.ts";
import type { RunningServer } from "../../server/serve.ts";

/** `plainrun serve`: HTTP (API + UI) and workers in one process; settings in docs/configuration.md. */
export function registerServe(cmd: Command): void {
  for (const s of SETTINGS) {
    if (!s.flag) continue;
    const def = s.default === undefined ? "" : ` (default ${s.default})`;
    cmd.option(s.flag, `${s.meaning.replace(/`/g, "")} [${s.env}]${def}`);
  }
  cmd.action(async (flags: Record<string, unknown>) => {
    const config = resolveConfig(flags);
    let server: RunningServer | undefined;
    let stopping: string | undefined;
    const close = (signal: string) => {
      process.stdout.write(`Plainrun stopping (${signal})…\n`);
      (server as RunningServer).close().then(
        () => {
          process.stdout.write("Plainrun stopped.\n");
          process.exit(0);
        },
        (err: unknown) => {
          process.stderr.write(`plainrun: stopping failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
    };
    const onSignal = (signal: string) => {
      if (stopping) {
        process.stderr.write(`plainrun: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      stopping = signal;
      if (server) close(signal);
    };
    // Installed before starting, so a signal during start-up still ends in a clean stop.
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
    // Loaded here, so that `plainrun serve --help` answers without loading the server.
    const { registerRole, startServer } = await import("../../server/serve.ts");
    // The SMTP listener (and its mail parsing) is loaded only when the smtp role runs.
    registerRole("smtp", async (ctx) =>
      (await import("../../triggers/email/role.ts")).startSmtpRole(ctx),
    );
    registerRole("scheduler", async (ctx) =>
      (await import("../../triggers/schedule/role.ts")).startSchedulerRole(ctx),
    );
    server = await startServer(config);
    if (stopping) close(stopping);
  });
}
