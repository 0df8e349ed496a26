import { readFileSync } from "node:fs";
import { CliError, fileProblem } from "./errors.ts";

/** A text file's contents, or a refusal that says which file and why in words (exit 1). */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`can't read ${path}: ${fileProblem(err)}`);
  }
}
