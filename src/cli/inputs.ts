// Turns command-line input flags into the JSON inputs a run takes.
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Json } from "../interpreter/types.ts";
import { CliError, fileProblem, UsageError } from "./errors.ts";

/** `--input NAME=VALUE`: VALUE is read as JSON when it is valid JSON (42, true, [1,2]), else as text. */
export function parseInputFlag(flag: string): [string, Json] {
  const eq = flag.indexOf("=");
  if (eq <= 0) throw new UsageError(`--input expects NAME=VALUE, got '${flag}'`);
  const name = flag.slice(0, eq).trim();
  const raw = flag.slice(eq + 1);
  return [name, parseLooseJson(raw)];
}

export function parseLooseJson(raw: string): Json {
  try {
    return JSON.parse(raw) as Json;
  } catch {
    return raw;
  }
}

const types: Record<string, string> = {
  ".csv": "text/csv",
  ".tsv": "text/tab-separated-values",
  ".txt": "text/plain",
  ".json": "application/json",
  ".pdf": "application/pdf",
  ".html": "text/html",
  ".xml": "application/xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
};

/** `--file NAME=PATH`: the file becomes a file input `{name, type, base64}`. */
export function parseFileFlag(flag: string): [string, Json] {
  const eq = flag.indexOf("=");
  if (eq <= 0) throw new UsageError(`--file expects NAME=PATH, got '${flag}'`);
  const name = flag.slice(0, eq).trim();
  const path = flag.slice(eq + 1);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new CliError(`can't read ${path} for --file ${name}: ${fileProblem(err)}`);
  }
  const type = types[extname(path).toLowerCase()] ?? "application/octet-stream";
  return [name, { name: basename(path), type, base64: bytes.toString("base64") }];
}

/** `--inputs FILE.json`: a JSON object like the examples' `inputs`. */
export function readInputsFile(path: string): Record<string, Json> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`can't read --inputs ${path}: ${fileProblem(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--inputs ${path} is not JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new CliError(`--inputs ${path} must hold a JSON object of input names and values`);
  }
  return parsed as Record<string, Json>;
}
