import type { Command } from "commander";
import { formatDiagnostic, parse } from "../../language/index.ts";
import { readTextFile } from "../readTextFile.ts";

/** `plainrun check FILE…`: one `FILE:LINE:COLUMN: message` line per problem; exit 1 on errors. */
export function registerCheck(cmd: Command): void {
  cmd.argument("<files...>", "process files (.plain)").action((files: string[]) => {
    let errors = 0;
    for (const file of files) {
      let source: string;
      try {
        source = readTextFile(file);
      } catch (err) {
        process.stderr.write(`plainrun: ${(err as Error).message}\n`);
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
