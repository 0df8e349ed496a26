// The corpus test (issue 11): natural sentences, each with its expected log. At least
// 95% run as meant; every other one is refused with a hint whose rewrite, put in its
// place, runs as meant. The share is reported in docs/language.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { drive, inputsFromJson, MemoryFiles, start, view } from "../../src/interpreter/index.ts";
import { parse } from "../../src/language/index.ts";
import { CORPUS, INPUTS } from "./corpus.ts";

const files = new MemoryFiles();

async function logOf(source: string): Promise<string[] | string> {
  const r = parse(source);
  if (r.diagnostics.length > 0) return `refused: ${r.diagnostics[0]!.message}`;
  const state = start(r.program, inputsFromJson(INPUTS, files));
  await drive(r.program, state, { files, now: () => Date.parse("2026-05-01T12:00:00Z") });
  const v = view(state);
  return v.status === "Succeeded" ? v.log : `${v.status}: ${v.error?.message ?? v.question?.text}`;
}

/** The source with the first diagnostic's words replaced by its hint, or null. */
function rewritten(source: string): string | null {
  const d = parse(source).diagnostics[0];
  if (!d?.suggestion) return null;
  const lines = source.split("\n");
  const line = lines[d.line - 1]!;
  if (!line.includes(d.words)) return null;
  lines[d.line - 1] = line.replace(d.words, d.suggestion);
  return lines.join("\n");
}

type Outcome = "meant" | "refused with a working rewrite" | "wrong";

async function outcomeOf(
  source: string,
  log: string[],
): Promise<{ outcome: Outcome; got: unknown }> {
  const got = await logOf(source);
  if (JSON.stringify(got) === JSON.stringify(log)) return { outcome: "meant", got };
  if (typeof got === "string" && got.startsWith("refused")) {
    const fixed = rewritten(source);
    if (fixed !== null && JSON.stringify(await logOf(fixed)) === JSON.stringify(log)) {
      return { outcome: "refused with a working rewrite", got };
    }
  }
  return { outcome: "wrong", got };
}

describe("the corpus of natural sentences", () => {
  it("runs at least 95% as meant and refuses the rest with a working rewrite", async () => {
    const results: Array<{ intent: string; source: string; outcome: Outcome; got: unknown }> = [];
    for (const intent of CORPUS) {
      for (const source of intent.sources) {
        results.push({ intent: intent.intent, source, ...(await outcomeOf(source, intent.log)) });
      }
    }
    const total = results.length;
    const meant = results.filter((r) => r.outcome === "meant").length;
    expect(total).toBeGreaterThanOrEqual(150);
    expect(results.filter((r) => r.outcome === "wrong")).toEqual([]);
    expect(meant / total).toBeGreaterThanOrEqual(0.95);
    const docs = readFileSync(new URL("../../docs/language.md", import.meta.url), "utf8");
    expect(docs).toContain(`${meant} of the ${total} sentences`);
  });
});
