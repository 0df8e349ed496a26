// Every case in ../shared/examples/*.json, through parse + start + drive (+ answer after
// a JSON round trip of the state), compared with what the case expects.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  answer,
  drive,
  type ExecState,
  inputsFromJson,
  type Json,
  MemoryFiles,
  start,
  view,
} from "../../src/interpreter/index.ts";
import type { Program } from "../../src/language/ast.ts";

const dir = new URL("../../../shared/examples/", import.meta.url);

interface Expect {
  status: string;
  outputs?: Record<string, Json>;
  log?: string[];
  error?: { line: number; contains: string };
  question?: { line: number; contains: string };
}
interface Case {
  inputs: Record<string, Json>;
  expect: Expect;
  answer?: Json;
  then?: Expect;
}

type Parse = (source: string) => { program: Program; diagnostics: unknown[] };
let parse: Parse | null = null;
try {
  const path = "../../src/language/index.ts";
  parse = ((await import(path)) as { parse: Parse }).parse;
} catch {
  parse = null;
}

/** JSON equality with numbers compared by value (34 equals 34.00). */
function normalize(j: Json): Json {
  if (Array.isArray(j)) return j.map(normalize);
  if (j !== null && typeof j === "object") {
    const o: Record<string, Json> = {};
    for (const k of Object.keys(j).sort()) o[k] = normalize(j[k]!);
    return o;
  }
  return j;
}

function check(state: ExecState, e: Expect): void {
  const v = view(state);
  expect(v.status, JSON.stringify(v.error ?? v.question)).toBe(e.status);
  if (e.outputs) expect(normalize(v.outputs)).toEqual(normalize(e.outputs));
  if (e.log) expect(v.log).toEqual(e.log);
  if (e.error) {
    expect(v.error?.line).toBe(e.error.line);
    expect(v.error?.message).toContain(e.error.contains);
  }
  if (e.question) {
    expect(v.question?.line).toBe(e.question.line);
    expect(v.question?.text).toContain(e.question.contains);
  }
}

const names = readdirSync(fileURLToPath(dir))
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -5));

describe.skipIf(parse === null)("shared examples", () => {
  for (const name of names) {
    const source = readFileSync(fileURLToPath(new URL(`${name}.plain`, dir)), "utf8");
    const { cases } = JSON.parse(
      readFileSync(fileURLToPath(new URL(`${name}.json`, dir)), "utf8"),
    ) as {
      cases: Case[];
    };
    cases.forEach((c, i) => {
      it(`${name} #${i + 1}`, async () => {
        const parsed = parse!(source);
        expect(parsed.diagnostics).toEqual([]);
        const program = parsed.program;
        const files = new MemoryFiles();
        const state = start(program, inputsFromJson(c.inputs, files));
        await drive(program, state, { files });
        check(state, c.expect);
        if (c.answer !== undefined && c.then) {
          const resumed = JSON.parse(JSON.stringify(state)) as ExecState;
          answer(program, resumed, c.answer);
          await drive(program, resumed, { files });
          check(resumed, c.then);
        }
      });
    });
  }
});
