import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { formatDiagnostic, parse } from "../../language/index.ts";

/** `plainrun check FILE…`: one `FILE:LINE:COLUMN: message` line per problem; exit 1 on errors. */
export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check process files and print every problem as FILE:LINE:COLUMN: message")
    .argument("<files...>", "process files (.plain)")
    .action((files: string[]) => {
      let errors = 0;
      for (const file of files) {
        let source: string;
        try {
          source = readFileSync(file, "utf8");
        } catch (err) {
          process.stderr.write(`${file}: can't read: ${(err as Error).message}\n`);
          errors++;
          continue;
        }
        const { diagnostics } = parse(source);
        for (const d of diagnostics) {
          process.stdout.write(`${formatDiagnostic(file, d)}\n`);
          if (d.severity === "error") errors++;
        }
      }
      if (errors === 0)
        process.stdout.write(`${files.length === 1 ? files[0] : `${files.length} files`}: ok\n`);
      process.exitCode = errors > 0 ? 1 : 0;
    });
}
