// Parsed programs by source hash (LRU). A hash's source never changes, so an entry never
// goes stale: each source is parsed once per process, not once per run.

import type { Program } from "../language/ast.ts";
import { analyzeInputs, type Diagnostic, parse } from "../language/index.ts";
import { getSource, type Store } from "../store/index.ts";
import { EngineError } from "./errors.ts";
import { sha256 } from "./ids.ts";

export type { Diagnostic } from "../language/index.ts";

export interface Compiled {
  hash: string;
  program: Program;
  inputs: string[];
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
}

/** Parses source text; never throws (a parser crash becomes a diagnostic). */
export function compileSource(source: string): Compiled {
  const hash = sha256(source);
  try {
    const { program, diagnostics } = parse(source);
    const errors = diagnostics.filter((d) => d.severity === "error");
    return { hash, program, inputs: analyzeInputs(program), diagnostics, errors };
  } catch (err) {
    const d: Diagnostic = {
      severity: "error",
      line: 1,
      col: 1,
      endLine: 1,
      endCol: 1,
      message: `The source could not be read: ${err instanceof Error ? err.message : String(err)}`,
      words: "",
    };
    return {
      hash,
      program: { kind: "program", body: [] },
      inputs: [],
      diagnostics: [d],
      errors: [d],
    };
  }
}

export class CompileCache {
  private readonly entries = new Map<string, Compiled>();
  constructor(
    private readonly store: Store,
    private readonly max = 500,
  ) {}

  /** Remembers a compile done elsewhere (saving a draft) so runs of it skip the parse. */
  remember(c: Compiled): void {
    this.entries.delete(c.hash);
    this.entries.set(c.hash, c);
    if (this.entries.size > this.max) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  /** The compiled source if it is in memory (no store read, no LRU bump). */
  peek(hash: string): Compiled | undefined {
    return this.entries.get(hash);
  }

  async get(hash: string): Promise<Compiled> {
    const hit = this.entries.get(hash);
    if (hit) {
      this.entries.delete(hash);
      this.entries.set(hash, hit);
      return hit;
    }
    const row = await getSource(this.store.db, hash);
    if (!row) throw new EngineError("not_found", `No source with hash ${hash}.`);
    const compiled = compileSource(row.source);
    this.remember(compiled);
    return compiled;
  }
}
