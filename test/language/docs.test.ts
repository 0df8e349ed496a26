// Keeps docs/language.md true to the implementation: every ```plain block in the guide
// must parse with no diagnostics, and a block annotated with an HTML comment right
// before its fence, such as
//   <!-- expect-log: ["Hello, Ada!"] inputs: {"customer name":"Ada"} answers: ["Ada"] -->
// is run through the interpreter (answering its questions in turn, after a JSON round
// trip of the state as the engine does) and must end Succeeded with exactly that log.
import { readFileSync } from "node:fs";
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
import { parse } from "../../src/language/index.ts";

const guide = readFileSync(new URL("../../docs/language.md", import.meta.url), "utf8");

interface Expectation {
  log: string[];
  inputs: Record<string, Json>;
  answers: Json[];
  status: string;
}

interface Block {
  line: number;
  source: string;
  expect: Expectation | null;
}

/** The end index (exclusive) of the JSON value that starts at `from`. */
function jsonEnd(text: string, from: number): number {
  const first = text[from];
  if (first !== "[" && first !== "{" && first !== '"') {
    const m = /\S+/y;
    m.lastIndex = from;
    return from + (m.exec(text)?.[0].length ?? 0);
  }
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") depth++;
    else if ((ch === "]" || ch === "}") && --depth === 0) return i + 1;
  }
  throw new Error(`unterminated JSON in annotation: ${text.slice(from)}`);
}

/** `key: JSON key: JSON …` (keys expect-log, inputs, answers, status). */
function parseAnnotation(text: string): Expectation {
  const out: Expectation = { log: [], inputs: {}, answers: [], status: "Succeeded" };
  let pos = 0;
  const keyRe = /\s*([a-z-]+):\s*/y;
  while (pos < text.trim().length) {
    keyRe.lastIndex = pos;
    const m = keyRe.exec(text);
    if (!m) throw new Error(`bad annotation near: ${text.slice(pos)}`);
    const start = keyRe.lastIndex;
    const end = jsonEnd(text, start);
    const value = JSON.parse(text.slice(start, end)) as Json;
    switch (m[1]) {
      case "expect-log":
        out.log = value as string[];
        break;
      case "inputs":
        out.inputs = value as Record<string, Json>;
        break;
      case "answers":
        out.answers = value as Json[];
        break;
      case "status":
        out.status = value as string;
        break;
      default:
        throw new Error(`unknown annotation key '${m[1]}'`);
    }
    pos = end;
  }
  return out;
}

function extractBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```plain") continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== "```") body.push(lines[j++]!);
    if (j >= lines.length) throw new Error(`the plain block at line ${i + 1} is not closed`);
    const before = i > 0 ? lines[i - 1]!.trim() : "";
    const note = /^<!--\s*(expect-log:.*?)\s*-->$/.exec(before);
    blocks.push({
      line: i + 1,
      source: `${body.join("\n")}\n`,
      expect: note ? parseAnnotation(note[1]!) : null,
    });
    i = j;
  }
  return blocks;
}

const blocks = extractBlocks(guide);

describe("docs/language.md", () => {
  it("has plain examples, most of them with an expected log", () => {
    expect(blocks.length).toBeGreaterThan(20);
    expect(blocks.filter((b) => b.expect).length).toBeGreaterThan(20);
  });

  it("annotations sit only right before plain blocks", () => {
    const annotations = guide.split("\n").filter((l) => l.trim().startsWith("<!-- expect-log:"));
    expect(annotations.length).toBe(blocks.filter((b) => b.expect).length);
  });

  it.each(blocks.map((b) => [b.line, b] as const))(
    "the example at line %i parses with no diagnostics",
    (_line, block) => {
      expect(parse(block.source).diagnostics).toEqual([]);
    },
  );

  const runnable = blocks.filter((b) => b.expect !== null);
  it.each(runnable.map((b) => [b.line, b] as const))(
    "the example at line %i writes the log the guide shows",
    async (_line, block) => {
      const want = block.expect!;
      const { program } = parse(block.source);
      const files = new MemoryFiles();
      let state: ExecState = start(program, inputsFromJson(want.inputs, files));
      const answers = [...want.answers];
      for (;;) {
        await drive(program, state, { files });
        const v = view(state);
        if (v.status !== "AwaitingAnswer" || answers.length === 0) break;
        state = JSON.parse(JSON.stringify(state)) as ExecState;
        answer(program, state, answers.shift()!);
      }
      const v = view(state);
      expect(answers, "every answer in the annotation was used").toEqual([]);
      expect(v.status, JSON.stringify(v.error ?? v.question)).toBe(want.status);
      expect(v.log).toEqual(want.log);
    },
  );
});
