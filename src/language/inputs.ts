// The inputs of a process: facts its top level reads before it sets them.
//
// Decisions: statements are walked in text order, and a fact set anywhere earlier in
// the text (in any branch) counts as set. `add/subtract/multiply/divide … the X` does
// not read X (a missing X starts at 0 or empty). Setting a field of X (`the X's Y is`)
// sets X. Procedure bodies are not walked; a call's `where` values and its arguments
// are, except an argument that is a bare name whose parameter the procedure never reads
// before setting it (the run binds such an argument only when it has a value).
// `the first X` / `the last X`, unless set earlier, read `the Xs` when the process names
// `the Xs` anywhere (its input is the list); otherwise `the last name` is its own input.
import {
  type Condition,
  type Expr,
  type Program,
  procedureSignature,
  type Stmt,
  type Target,
} from "./ast.ts";
import { pluralOf } from "./names.ts";

type Node = Expr | Condition;

class InputFinder {
  readonly inputs: string[] = [];
  private readonly seen = new Set<string>();
  private readonly set = new Set<string>();

  constructor(
    private readonly mentioned: ReadonlySet<string>,
    /** Per procedure signature: the parameters its body reads before setting them. */
    private readonly paramReads: ReadonlyMap<string, ParamReads> = new Map(),
  ) {}

  private known(key: string, locals: ReadonlySet<string>): boolean {
    return this.set.has(key) || locals.has(key);
  }

  private read(key: string, locals: ReadonlySet<string>): void {
    if (this.known(key, locals)) return;
    // `the first X` not set before: the run reads the first item of `the Xs`.
    const m = /^(first|last) (.+)$/.exec(key);
    if (m && this.mentioned.has(pluralOf(m[2]!))) key = pluralOf(m[2]!);
    if (this.known(key, locals) || this.seen.has(key)) return;
    this.seen.add(key);
    this.inputs.push(key);
  }

  private define(key: string): void {
    this.set.add(key);
  }

  /** Reads every name in an expression or condition (generic walk over child nodes). */
  reads(node: Node | null | undefined, locals: ReadonlySet<string>): void {
    if (!node) return;
    if (node.kind === "name") {
      this.read(node.key, locals);
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === "span" || v === null || typeof v !== "object") continue;
      if (Array.isArray(v)) {
        for (const item of v) {
          if (item && typeof item === "object" && "kind" in item) this.reads(item as Node, locals);
        }
      } else if ("kind" in v) {
        this.reads(v as Node, locals);
      }
    }
  }

  private rootOf(t: Target): string {
    return t.kind === "name" ? t.key : this.rootOf(t.target);
  }

  block(body: Stmt[], locals: ReadonlySet<string>): void {
    for (const s of body) this.stmt(s, locals);
  }

  private stmt(s: Stmt, locals: ReadonlySet<string>): void {
    switch (s.kind) {
      case "set":
        this.reads(s.value, locals);
        this.define(this.rootOf(s.target));
        return;
      case "use":
        this.reads(s.value, locals);
        this.define(s.as.key);
        return;
      case "say":
        this.reads(s.value, locals);
        return;
      case "fail":
        this.reads(s.message, locals);
        return;
      case "if":
        for (const b of s.branches) {
          this.reads(b.condition, locals);
          this.block(b.body, locals);
        }
        if (s.otherwise) this.block(s.otherwise, locals);
        return;
      case "each":
        this.reads(s.list, locals);
        this.block(s.body, new Set([...locals, s.item.key]));
        return;
      case "repeat":
        this.reads(s.times, locals);
        this.block(s.body, new Set([...locals, "iteration"]));
        return;
      case "insert":
        if (s.at) this.reads(s.at, locals);
        this.reads(s.value, locals);
        if (s.target.kind === "name") this.define(s.target.key);
        else this.read(this.rootOf(s.target), locals);
        return;
      case "update":
        this.reads(s.value, locals);
        if (s.target.kind === "name") this.define(s.target.key);
        else this.read(this.rootOf(s.target), locals);
        return;
      case "imagine":
        this.define(s.target.key);
        return;
      case "clear":
        if (s.target.kind === "name") this.define(s.target.key);
        else this.read(this.rootOf(s.target), locals);
        return;
      case "get":
        this.reads(s.value, locals);
        if (s.as) this.define(s.as.key);
        else if (s.value.kind === "name") this.define(s.value.key);
        else if (s.value.kind === "field") this.define(s.value.field);
        return;
      case "ask":
        this.reads(s.question, locals);
        for (const choice of s.choices ?? []) this.reads(choice, locals);
        this.define(s.as ? s.as.key : "answer");
        return;
      case "validate":
        for (const check of s.checks) this.reads(check.condition, locals);
        return;
      case "procedure":
        return;
      case "call": {
        const proc = this.paramReads.get(s.procedure);
        const given = new Set(s.where.map((w) => (w.target.kind === "name" ? w.target.key : "")));
        s.args.forEach((arg, i) => {
          const param = proc?.params[i];
          const needed = param === undefined || (proc!.read.has(param) && !given.has(param));
          if (arg.value.kind !== "name" || needed) this.reads(arg.value, locals);
        });
        for (const w of s.where) this.reads(w.value, locals);
        return;
      }
      case "readTable":
        this.reads(s.source, locals);
        this.define(s.as ? s.as.key : "table");
        return;
      case "sendEmail":
        for (const e of [s.to, s.subject, s.message, s.attachments, s.cc])
          if (e) this.reads(e, locals);
        return;
      case "dateOrder":
      case "stop":
        return;
    }
  }
}

/** The process's input names (normalized keys), in the order they are first read. */
export function analyzeInputs(program: Program): string[] {
  const finder = new InputFinder(mentionedNames(program), parameterReads(program));
  finder.block(program.body, new Set());
  return finder.inputs;
}

/** Every fact name the program mentions anywhere (reads, writes, procedure bodies). */
function mentionedNames(program: Program): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (!node || typeof node !== "object") return;
    const rec = node as Record<string, unknown>;
    if (rec.kind === "name" && typeof rec.key === "string") names.add(rec.key);
    for (const [k, v] of Object.entries(rec)) if (k !== "span") visit(v);
  };
  visit(program.body);
  return names;
}

/** For each procedure, its parameters and the facts its body reads before setting them. */
interface ParamReads {
  params: string[];
  read: Set<string>;
}

function parameterReads(program: Program): Map<string, ParamReads> {
  const out = new Map<string, ParamReads>();
  for (const s of program.body) {
    if (s.kind !== "procedure") continue;
    const params = s.phrase.flatMap((p) => (p.kind === "param" ? [p.name.key] : []));
    out.set(procedureSignature(s.phrase), { params, read: new Set(readsBeforeSet(s.body)) });
  }
  return out;
}

/** The facts a block (a procedure's body) reads before it sets them. */
export function readsBeforeSet(body: Stmt[]): string[] {
  const finder = new InputFinder(new Set());
  finder.block(body, new Set());
  return finder.inputs;
}
