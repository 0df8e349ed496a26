// Loads the spec's example cases (../shared/examples) for the tests that must pass them.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Json } from "../../src/interpreter/types.ts";

// PLAINRUN_EXAMPLES_DIR for a checkout that does not sit beside shared/ (a git worktree).
export const examplesDir = process.env.PLAINRUN_EXAMPLES_DIR
  ? `${process.env.PLAINRUN_EXAMPLES_DIR.replace(/\/$/, "")}/`
  : fileURLToPath(new URL("../../../shared/examples/", import.meta.url));

export interface ExpectedEnd {
  status: "Succeeded" | "Failed" | "AwaitingAnswer";
  outputs?: Record<string, Json>;
  log?: string[];
  error?: { line: number; contains: string };
  question?: { line: number; contains: string };
}

export interface ExampleCase {
  name: string;
  index: number;
  source: string;
  file: string;
  inputs: Record<string, Json>;
  expect: ExpectedEnd;
  answer?: Json;
  then?: ExpectedEnd;
}

export function loadExamples(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const f of readdirSync(examplesDir)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    const name = f.slice(0, -".json".length);
    const file = `${examplesDir}${name}.plain`;
    const source = readFileSync(file, "utf8");
    const spec = JSON.parse(readFileSync(`${examplesDir}${f}`, "utf8")) as {
      cases: Omit<ExampleCase, "name" | "index" | "source" | "file">[];
    };
    spec.cases.forEach((c, index) => {
      cases.push({ ...c, name, index, source, file });
    });
  }
  return cases;
}

/** Compares JSON values with numbers by value (34 equals 34.00), everything else exactly. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => sameJson(x, b[i]))
    );
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return (
      sameJson(ka, kb) &&
      ka.every((k) =>
        sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return a === b;
}

interface EndedRun {
  status: string;
  outputs: Record<string, Json> | null;
  log: string[];
  error: { line: number | null; message: string } | null;
  question: { line: number; text: string } | null;
}

/** Lists every way `run` differs from what the case expects (empty when it matches). */
export function mismatches(run: EndedRun, expect: ExpectedEnd): string[] {
  const problems: string[] = [];
  if (run.status !== expect.status)
    problems.push(
      `status ${run.status}, expected ${expect.status} (${JSON.stringify(run.error ?? run.question)})`,
    );
  if (expect.outputs && !sameJson(run.outputs, expect.outputs)) {
    problems.push(
      `outputs ${JSON.stringify(run.outputs)}, expected ${JSON.stringify(expect.outputs)}`,
    );
  }
  if (expect.log && !sameJson(run.log, expect.log))
    problems.push(`log ${JSON.stringify(run.log)}, expected ${JSON.stringify(expect.log)}`);
  if (expect.error) {
    if (
      run.error?.line !== expect.error.line ||
      !run.error.message.includes(expect.error.contains)
    ) {
      problems.push(
        `error ${JSON.stringify(run.error)}, expected line ${expect.error.line} containing ${JSON.stringify(expect.error.contains)}`,
      );
    }
  }
  if (expect.question) {
    if (
      run.question?.line !== expect.question.line ||
      !run.question.text.includes(expect.question.contains)
    ) {
      problems.push(
        `question ${JSON.stringify(run.question)}, expected line ${expect.question.line} containing ${JSON.stringify(expect.question.contains)}`,
      );
    }
  }
  return problems;
}
