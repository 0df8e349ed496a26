// Every case in ../shared/examples/*.json, through parse + start + drive (+ answer after
// a JSON round trip of the state), compared with what the case expects.
import { describe, expect, it } from "vitest";
import {
  answer,
  drive,
  type ExecState,
  inputsFromJson,
  MemoryFiles,
  start,
  view,
} from "../../src/interpreter/index.ts";
import { parse } from "../../src/language/index.ts";
import { loadExamples, mismatches } from "../helpers/examples.ts";

describe("shared examples", () => {
  for (const c of loadExamples()) {
    it(`${c.name} #${c.index + 1}`, async () => {
      const { program, diagnostics } = parse(c.source);
      expect(diagnostics).toEqual([]);
      const files = new MemoryFiles();
      const state = start(program, inputsFromJson(c.inputs, files));
      await drive(program, state, { files });
      expect(mismatches(view(state), c.expect)).toEqual([]);
      if (c.answer !== undefined && c.then) {
        const resumed = JSON.parse(JSON.stringify(state)) as ExecState;
        answer(program, resumed, c.answer);
        await drive(program, resumed, { files });
        expect(mismatches(view(resumed), c.then)).toEqual([]);
      }
    });
  }
});
