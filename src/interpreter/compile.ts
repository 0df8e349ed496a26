// A program compiled once (cached per tree): every block gets a number, in the order
// met, and every statement a closure. Frames in the state refer to blocks by number.
import {
  type CallStmt,
  type DateOrderStmt,
  type Expr,
  type Program,
  procedureSignature,
  type Stmt,
  type Target,
} from "../language/ast.ts";
import { normalizeName, readsBeforeSet } from "../language/index.ts";
import { valuesEqual } from "./compare.ts";
import { describeCondition, describeExpr, describeStmt, describeTarget } from "./describe.ts";
import { Missing, NeedValue, RunError, SendEmail } from "./errors.ts";
import {
  asTable,
  binaryOp,
  compileCondition,
  compileExpr,
  explainArith,
  lookup,
  producesFresh,
} from "./evaluate.ts";
import { setAbove, setFact, touch } from "./facts.ts";
import {
  BoundError,
  checkListSize,
  depthBoundError,
  grow,
  limits,
  MAX_CALL_DEPTH,
  MAX_CHOICE_CHARS,
  MAX_CHOICES,
  MAX_QUESTION_CHARS,
  spend,
} from "./limits.ts";
import { appendLog } from "./log.ts";
import { depthOf, sizeOf } from "./measure.ts";
import { isNumeric, wholeNumber } from "./numbers.ts";
import { type Rt, syncScope } from "./runtime.ts";
import type { Scope } from "./state.ts";
import { formatValue } from "./text.ts";
import { entryLabel } from "./timeline.ts";
import type { FileValue, RecordValue, Value } from "./types.ts";
import {
  copyValue,
  describeValue,
  getOwn,
  isDuration,
  isFile,
  isRecord,
  newRecord,
  putOwn,
  recordField,
  recordKeyFor,
  scalarBytes,
} from "./values.ts";
import { MEMORY } from "./weights.ts";

export interface CStmt {
  line: number;
  /** Short English for the timeline. */
  label: string;
  /** false for statements that do nothing when reached (procedure definitions). */
  record: boolean;
  exec: (rt: Rt) => void;
}

export interface Procedure {
  block: number;
  params: string[];
  name: string;
  /** Facts the body reads before setting them: a parameter outside this set is never needed. */
  reads: ReadonlySet<string>;
}

export interface Compiled {
  blocks: CStmt[][];
  procedures: Map<string, Procedure>;
  /** The process's own `dates are written … first`, if it has one (top level). */
  dateOrder: DateOrderStmt["order"] | null;
}

const cache = new WeakMap<Program, Compiled>();

export function compiled(program: Program): Compiled {
  let c = cache.get(program);
  if (!c) {
    c = compileProgram(program);
    cache.set(program, c);
  }
  return c;
}

function compileProgram(program: Program): Compiled {
  const blocks: CStmt[][] = [];
  const procedures = new Map<string, Procedure>();

  function block(stmts: Stmt[]): number {
    const id = blocks.length;
    blocks.push([]);
    blocks[id] = stmts.map(stmt);
    return id;
  }

  function stmt(s: Stmt): CStmt {
    const exec = compileStmt(s, block, procedures);
    return {
      line: s.span.line,
      label: entryLabel(describeStmt(s)),
      record: s.kind !== "procedure" && s.kind !== "dateOrder",
      exec,
    };
  }

  block(program.body);
  let dateOrder: DateOrderStmt["order"] | null = null;
  for (const s of program.body) if (s.kind === "dateOrder") dateOrder = s.order;
  return { blocks, procedures, dateOrder };
}

/**
 * Store a value without sharing it with another fact (lists and records are copied),
 * `base` levels deep inside its fact (a copy deeper than the depth bound is refused).
 */
function own(v: Value, fresh: boolean, base = 0): Value {
  if (v === null || typeof v !== "object") return v;
  if (!fresh) return copyValue(v, base);
  // At a fact's top a fresh value is no deeper than the values it was made from.
  if (base > 0 && base + depthOf(v, limits.depth) > limits.depth) throw depthBoundError();
  return v;
}

/** How many fields deep a target writes inside its fact (`the X's Y's Z`: 2). */
function targetDepth(t: Target): number {
  let n = 0;
  for (let x: Target = t; x.kind !== "name"; x = x.target) n++;
  return n;
}

/** The fact a target writes to (`the X` of `the X's Y's Z`). */
function rootKey(t: Target): string {
  return t.kind === "name" ? t.key : rootKey(t.target);
}

/** The record that `t` names, created (as an empty record) where it is missing. */
function recordFor(rt: Rt, t: Target): RecordValue {
  if (t.kind === "name") {
    const cur = lookup(rt, t.key);
    if (cur === undefined || cur === null) {
      const r = newRecord();
      setFact(rt, t.key, r);
      return r;
    }
    if (isRecord(cur)) return cur;
    throw new RunError(
      `can't set a field of ${describeExpr(t)}: it is ${describeValue(cur)}, not a record`,
    );
  }
  const parent = recordFor(rt, t.target);
  const cur = recordField(parent, t.field);
  if (cur === undefined || cur === null) {
    const r = newRecord();
    putOwn(parent.f, recordKeyFor(parent, t.field), r);
    return r;
  }
  if (isRecord(cur)) return cur;
  throw new RunError(
    `can't set a field of the field "${t.field}": it is ${describeValue(cur)}, not a record`,
  );
}

/** Write `v` to a target (a fact, or a field of a record fact). */
function assign(rt: Rt, t: Target, v: Value): void {
  if (t.kind === "name") {
    setFact(rt, t.key, v);
    return;
  }
  const r = recordFor(rt, t.target);
  putOwn(r.f, recordKeyFor(r, t.field), v);
  touch(rt, rootKey(t));
}

function readTarget(rt: Rt, t: Target): Value | undefined {
  if (t.kind === "name") return lookup(rt, t.key);
  const parentKey = t.target;
  const parent = parentKey.kind === "name" ? lookup(rt, parentKey.key) : readTarget(rt, parentKey);
  if (parent === undefined || parent === null) return undefined;
  if (!isRecord(parent)) {
    throw new RunError(`can't read the field "${t.field}" of ${describeValue(parent)}`);
  }
  return recordField(parent, t.field);
}

const ZERO_DURATION: Value = { k: "duration", months: 0, days: 0, ms: 0 };

/**
 * `add`/`subtract`/`multiply`/`divide` on a fact or field; a failure names the target
 * and its value, with the date hints of explainArith (`add 3 to the deadline`).
 */
function update(
  op: "add" | "subtract" | "multiply" | "divide",
  cur: Value | undefined,
  v: Value,
  fresh: boolean,
  target: Target,
  by: Expr,
): Value {
  try {
    return updateValue(op, cur, v, fresh, targetDepth(target));
  } catch (err) {
    if (!(err instanceof RunError) || err instanceof BoundError) throw err;
    const sym = op === "add" ? "+" : op === "subtract" ? "-" : op === "multiply" ? "*" : "/";
    const explained = explainArith(err, sym, cur ?? null, v, undefined, by, false);
    if (explained !== err) throw explained;
    throw new RunError(
      `${err.message} (${describeTarget(target)} is ${describeValue(cur ?? null)})`,
    );
  }
}

function updateValue(
  op: "add" | "subtract" | "multiply" | "divide",
  cur: Value | undefined,
  v: Value,
  fresh: boolean,
  base: number,
): Value {
  if (op === "add") {
    if (typeof cur === "number" && typeof v === "number") return binaryOp("+", cur, v);
    if (Array.isArray(cur)) {
      if (Array.isArray(v)) {
        // Copies of the items as they are now: `add the xs to the xs` doubles the list once.
        const n = v.length;
        checkListSize(cur.length + n);
        spend(n);
        const items = new Array<Value>(n);
        let bytes = MEMORY.item * n;
        for (let i = 0; i < n; i++) {
          const x = v[i]!;
          items[i] = own(x, fresh, base + 1);
          bytes += scalarBytes(x);
        }
        grow(bytes);
        for (let i = 0; i < n; i++) cur.push(items[i]!);
      } else {
        checkListSize(cur.length + 1);
        cur.push(own(v, fresh, base + 1));
        grow(scalarBytes(v) + MEMORY.item);
      }
      return cur;
    }
    if (cur === undefined || cur === null) {
      // A missing fact starts at zero of the added value's kind, or as an empty list.
      if (isDuration(v)) return own(v, fresh);
      if (isNumeric(v)) return binaryOp("+", 0, v);
      return Array.isArray(v) ? (own(v, fresh, base) as Value[]) : [own(v, fresh, base + 1)];
    }
    return binaryOp("+", cur, v);
  }
  if (op === "subtract" && Array.isArray(cur)) {
    spend(cur.length);
    // A list taken from a list removes each of its items (as `add` appends each), unless
    // the list holds that very list as one item.
    if (Array.isArray(v) && !cur.some((x) => valuesEqual(x, v))) {
      spend(v.length * cur.length);
      return cur.filter((x) => !v.some((y) => valuesEqual(x, y)));
    }
    return cur.filter((x) => !valuesEqual(x, v));
  }
  const missing = cur === undefined || cur === null;
  const start = missing ? (op === "subtract" && isDuration(v) ? ZERO_DURATION : 0) : cur;
  return binaryOp(op === "subtract" ? "-" : op === "multiply" ? "*" : "/", start, v);
}

/** What `clear` leaves: an empty list or record, "" for text, 0 for a number, else nothing. */
function emptyLike(v: Value): Value {
  if (v === null || Array.isArray(v)) return [];
  if (isRecord(v)) return newRecord();
  if (typeof v === "string") return "";
  if (isNumeric(v)) return 0;
  return null;
}

function bindName(e: Expr): string | null {
  if (e.kind === "name") return e.key;
  if (e.kind === "field" || e.kind === "pluck") return normalizeName(e.field);
  return null;
}

function compileStmt(
  s: Stmt,
  block: (stmts: Stmt[]) => number,
  procedures: Map<string, Procedure>,
): (rt: Rt) => void {
  switch (s.kind) {
    case "set": {
      const value = compileExpr(s.value);
      const fresh = producesFresh(s.value);
      const t = s.target;
      if (t.kind === "name") {
        const key = t.key;
        return (rt) => {
          const v = own(value(rt), fresh);
          setFact(rt, key, v);
          setAbove(rt, v);
        };
      }
      const base = targetDepth(t);
      return (rt) => {
        const v = own(value(rt), fresh, base);
        assign(rt, t, v);
        setAbove(rt, v);
      };
    }
    case "use": {
      const value = compileExpr(s.value);
      const src = s.value;
      const as = s.as.key;
      return (rt) => {
        if (src.kind === "name") {
          const sc = rt.scope;
          const target = Object.hasOwn(sc.aliases, src.key) ? sc.aliases[src.key]! : src.key;
          if (Object.hasOwn(sc.facts, target) && target !== as) {
            if (Object.hasOwn(sc.facts, as)) delete sc.facts[as];
            putOwn(sc.aliases, as, target);
            touch(rt, as);
            setAbove(rt, sc.facts[target]!);
            return;
          }
        }
        const v = value(rt);
        // Shared, not copied: still held to the depth bound and counted in the state's size.
        if (depthOf(v, limits.depth) > limits.depth) throw depthBoundError();
        grow(sizeOf([v], limits.stateBytes));
        setFact(rt, as, v);
        setAbove(rt, v);
      };
    }
    case "say": {
      const value = compileExpr(s.value);
      return (rt) => appendLog(rt.state, formatValue(value(rt)));
    }
    case "if": {
      const branches = s.branches.map((b) => ({
        cond: compileCondition(b.condition),
        block: block(b.body),
      }));
      const otherwise = s.otherwise ? block(s.otherwise) : -1;
      return (rt) => {
        for (const b of branches) {
          if (b.cond(rt)) {
            rt.state.frames.push({ t: "b", b: b.block, i: 0 });
            return;
          }
        }
        if (otherwise >= 0) rt.state.frames.push({ t: "b", b: otherwise, i: 0 });
      };
    }
    case "each": {
      const list = compileExpr(s.list);
      const body = block(s.body);
      const item = s.item.key;
      const listText = describeExpr(s.list);
      return (rt) => {
        const v = list(rt);
        if (v === null) return;
        if (!Array.isArray(v)) {
          throw new RunError(
            `can't process each item of ${listText}: it is ${describeValue(v)}, not a list`,
          );
        }
        if (v.length === 0) return;
        if (rt.top) putOwn(rt.state.loopNames, item, true);
        grow(12 * v.length);
        rt.state.frames.push({ t: "e", b: body, i: 0, n: 0, list: v.slice(), item });
        setFact(rt, item, copyValue(v[0]!));
      };
    }
    case "repeat": {
      const times = compileExpr(s.times);
      const body = block(s.body);
      return (rt) => {
        const n = wholeNumber(times(rt), "the number of times to repeat");
        if (n < 0) throw new RunError(`can't repeat a negative number of times (${n})`);
        if (n === 0) return;
        if (rt.top) putOwn(rt.state.loopNames, "iteration", true);
        rt.state.frames.push({ t: "r", b: body, i: 0, n: 1, times: n });
        setFact(rt, "iteration", 1);
      };
    }
    case "update": {
      const value = compileExpr(s.value);
      const fresh = producesFresh(s.value);
      const t = s.target;
      const op = s.op;
      if (t.kind === "name") {
        const key = t.key;
        return (rt) => {
          const v = value(rt);
          const f = rt.scope.facts;
          const cur = Object.hasOwn(f, key) ? f[key] : lookup(rt, key);
          const r =
            op === "add" &&
            typeof cur === "number" &&
            typeof v === "number" &&
            Number.isSafeInteger(cur + v)
              ? cur + v
              : update(op, cur, v, fresh, t, s.value);
          setFact(rt, key, r);
          setAbove(rt, r);
        };
      }
      return (rt) => {
        const v = value(rt);
        const r = update(op, readTarget(rt, t), v, fresh, t, s.value);
        assign(rt, t, r);
        setAbove(rt, r);
      };
    }
    case "insert": {
      const value = compileExpr(s.value);
      const fresh = producesFresh(s.value);
      const at = s.at ? compileExpr(s.at) : null;
      const t = s.target;
      const base = targetDepth(t) + 1;
      return (rt) => {
        const v = value(rt);
        const cur = readTarget(rt, t) ?? [];
        if (!Array.isArray(cur)) {
          throw new RunError(
            `can't ${at ? "insert into" : "append to"} ${describeTarget(t)}: it is ${describeValue(cur)}, not a list (to add to a number, write 'add'; to make a list, write 'the Xs are A, B and C' or 'imagine the Xs')`,
          );
        }
        const pos = at ? wholeNumber(at(rt), "the position to insert at") : cur.length + 1;
        if (pos < 1 || pos > cur.length + 1) {
          throw new RunError(
            `can't insert at position ${pos}: ${describeTarget(t)} has ${cur.length} item${cur.length === 1 ? "" : "s"}, so a position goes from 1 to ${cur.length + 1}`,
          );
        }
        const items = Array.isArray(v) ? v : [v];
        checkListSize(cur.length + items.length);
        spend(cur.length + items.length);
        // In place (a list shared with `use` stays shared), without spreading a long list.
        const n = items.length;
        const old = cur.length;
        const added = items.map((x) => own(x, fresh, base));
        cur.length = old + n;
        for (let i = old - 1; i >= pos - 1; i--) cur[i + n] = cur[i]!;
        for (let i = 0; i < n; i++) cur[pos - 1 + i] = added[i]!;
        grow(items.reduce<number>((n, x) => n + scalarBytes(x) + 1, 0));
        assign(rt, t, cur);
        setAbove(rt, cur);
      };
    }
    case "clear": {
      const t = s.target;
      return (rt) => {
        const cur = readTarget(rt, t);
        const v = emptyLike(cur ?? null);
        assign(rt, t, v);
        setAbove(rt, v);
      };
    }
    case "imagine": {
      const key = s.target.key;
      const shape = s.shape;
      return (rt) => setFact(rt, key, shape === "list" ? [] : newRecord());
    }
    case "get": {
      const value = compileExpr(s.value);
      const fresh = producesFresh(s.value);
      const name = s.as ? s.as.key : bindName(s.value);
      const find = s.mode === "find";
      const question = `What is ${describeExpr(s.value)}?`;
      return (rt) => {
        let v: Value;
        const answered = rt.state.answered;
        if (answered) {
          rt.state.answered = null;
          v = answered.value;
        } else {
          try {
            v = own(value(rt), fresh);
          } catch (e) {
            // A missing field is what `get` asks for and what `find` reads as nothing.
            if (!(e instanceof Missing) && !(find && e instanceof NeedValue)) throw e;
            v = null;
          }
          if (v === null && !find) throw new NeedValue(null, question);
        }
        if (name !== null) setFact(rt, name, v);
        setAbove(rt, v);
      };
    }
    case "ask": {
      const question = compileExpr(s.question);
      const choices = s.choices ? s.choices.map(compileExpr) : null;
      const name = s.as ? s.as.key : "answer";
      return (rt) => {
        const answered = rt.state.answered;
        if (answered) {
          rt.state.answered = null;
          setFact(rt, name, answered.value);
          setAbove(rt, answered.value);
          return;
        }
        const asked = formatValue(question(rt));
        const text =
          asked.length > MAX_QUESTION_CHARS ? `${asked.slice(0, MAX_QUESTION_CHARS)}…` : asked;
        let list: string[] | null = null;
        if (choices) {
          list = [];
          for (const c of choices) {
            const v = c(rt);
            if (Array.isArray(v)) for (const x of v) list.push(formatValue(x));
            else list.push(formatValue(v));
            if (list.length > MAX_CHOICES) {
              throw new BoundError(`a question can offer at most ${MAX_CHOICES} choices`);
            }
          }
          if (list.some((x) => x.length > MAX_CHOICE_CHARS)) {
            throw new BoundError(`a choice can be at most ${MAX_CHOICE_CHARS} characters`);
          }
        }
        throw new NeedValue(null, text, list);
      };
    }
    case "validate": {
      const checks = s.checks.map((c) => ({
        cond: compileCondition(c.condition),
        text: describeCondition(c.condition),
      }));
      return (rt) => {
        const answered = rt.state.answered;
        rt.state.answered = null;
        const failed: string[] = [];
        for (const c of checks) if (!c.cond(rt)) failed.push(c.text);
        if (failed.length === 0) return;
        if (answered) {
          if (formatValue(answered.value).trim().toLowerCase() === "continue") return;
          throw new RunError(
            `stopped because ${failed.length === 1 ? "this check" : "these checks"} failed: ${failed.join("; ")}`,
          );
        }
        throw new NeedValue(
          null,
          `${failed.length === 1 ? "This check" : "These checks"} failed: ${failed.join("; ")}. Continue anyway, or stop?`,
          ["Continue", "Stop"],
        );
      };
    }
    case "procedure": {
      const sig = procedureSignature(s.phrase);
      const params = s.phrase.flatMap((p) => (p.kind === "param" ? [p.name.key] : []));
      const body = block(s.body);
      if (!procedures.has(sig)) {
        procedures.set(sig, {
          block: body,
          params,
          name: describeStmt(s).replace(/^to /, ""),
          reads: new Set(readsBeforeSet(s.body)),
        });
      }
      return () => {};
    }
    case "call":
      return compileCall(s, procedures);
    case "readTable": {
      const source = compileExpr(s.source);
      const fresh = producesFresh(s.source);
      const name = s.as ? s.as.key : "table";
      return (rt) => {
        const src = source(rt);
        const rows = asTable(rt, src);
        const v = rows === src ? own(rows, fresh) : rows;
        setFact(rt, name, v);
        setAbove(rt, v);
      };
    }
    case "sendEmail":
      return compileSendEmail(s);
    case "dateOrder":
      return () => {};
    case "stop":
      return (rt) => {
        rt.state.status = "Succeeded";
      };
    case "fail": {
      const message = compileExpr(s.message);
      return (rt) => {
        const m = formatValue(message(rt)).trim();
        throw new RunError(m === "" ? "the process failed" : m);
      };
    }
  }
}

/** Most recipients (to and cc together) of one email. */
const MAX_EMAIL_RECIPIENTS = 50;
/** Longest subject, in characters. */
const MAX_SUBJECT_CHARS = 900;
const EMAIL_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Addresses from text ("a@x.com, b@y.org") or a list of texts. */
function addressesOf(v: Value, what: string): string[] {
  const out: string[] = [];
  const add = (x: Value) => {
    if (x === null) return;
    if (Array.isArray(x)) {
      for (const y of x) add(y);
      return;
    }
    if (typeof x !== "string") {
      throw new RunError(`${what} must be email addresses (text), not ${describeValue(x)}`);
    }
    for (const part of x.split(/[,;]/)) {
      const a = part.trim();
      if (a === "") continue;
      if (!EMAIL_ADDRESS.test(a)) throw new RunError(`"${a}" in ${what} is not an email address`);
      out.push(a);
    }
  };
  add(v);
  return out;
}

function filesOf(v: Value): FileValue[] {
  const out: FileValue[] = [];
  const add = (x: Value) => {
    if (x === null) return;
    if (Array.isArray(x)) {
      for (const y of x) add(y);
      return;
    }
    if (!isFile(x)) {
      throw new RunError(
        `the email's attachments must be files (such as the attachments of the email that started the run), not ${describeValue(x)}`,
      );
    }
    out.push(x);
  };
  add(v);
  return out;
}

function compileSendEmail(s: Extract<Stmt, { kind: "sendEmail" }>): (rt: Rt) => void {
  const to = compileExpr(s.to);
  const cc = s.cc ? compileExpr(s.cc) : null;
  const subject = s.subject ? compileExpr(s.subject) : null;
  const message = s.message ? compileExpr(s.message) : null;
  const attachments = s.attachments ? compileExpr(s.attachments) : null;
  return (rt) => {
    const toList = addressesOf(to(rt), "the email's recipients");
    const ccList = cc ? addressesOf(cc(rt), "the email's cc") : [];
    if (toList.length === 0) throw new RunError("the email has no recipient: its 'to' is empty");
    if (toList.length + ccList.length > MAX_EMAIL_RECIPIENTS) {
      throw new BoundError(`an email can have at most ${MAX_EMAIL_RECIPIENTS} recipients`);
    }
    const state = rt.state;
    const sent = state.sent;
    if (sent) {
      // The statement runs again once the host delivered it: it ends with what became of it.
      state.sent = null;
      if (!sent.ok) {
        throw new RunError(`the email to ${toList.join(", ")} was not sent: ${sent.answer}`);
      }
      return;
    }
    const subjectText = subject
      ? formatValue(subject(rt))
          .replace(/[\r\n]+/g, " ")
          .trim()
      : "";
    if (subjectText.length > MAX_SUBJECT_CHARS) {
      throw new BoundError(`an email's subject can be at most ${MAX_SUBJECT_CHARS} characters`);
    }
    throw new SendEmail({
      to: toList,
      cc: ccList,
      subject: subjectText,
      text: message ? formatValue(message(rt)) : "",
      attachments: attachments ? filesOf(attachments(rt)).map((f) => ({ ...f })) : [],
    });
  };
}

function compileCall(s: CallStmt, procedures: Map<string, Procedure>): (rt: Rt) => void {
  const args = s.args.map((a) => ({
    param: a.param,
    value: compileExpr(a.value),
    fresh: producesFresh(a.value),
    // A bare name the procedure does not need (its parameter is never read, or a `where`
    // line gives it) is bound only when it has a value, so it never raises a question.
    lazyKey: a.value.kind === "name" ? a.value.key : null,
  }));
  const where = s.where.map((w) => ({
    key: w.target.kind === "name" ? w.target.key : null,
    value: compileExpr(w.value),
    fresh: producesFresh(w.value),
  }));
  const sig = s.procedure;
  const line = s.span.line;
  const givenByWhere = new Set(where.flatMap((w) => (w.key === null ? [] : [w.key])));
  return (rt) => {
    const proc = procedures.get(sig);
    if (!proc)
      throw new RunError(`there is no procedure "${sig.replace(/ _/g, " …")}" in this process`);
    if (rt.state.depth >= MAX_CALL_DEPTH) {
      throw new RunError(
        `procedures called each other more than ${MAX_CALL_DEPTH} levels deep (endless recursion?)`,
      );
    }
    const scope: Scope = { facts: {}, aliases: {} };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      let v: Value;
      try {
        v = own(a.value(rt), a.fresh);
      } catch (err) {
        const param = proc.params[i];
        const needed = param === undefined || (proc.reads.has(param) && !givenByWhere.has(param));
        if (!needed && err instanceof NeedValue && a.lazyKey !== null && err.key === a.lazyKey) {
          continue;
        }
        throw err;
      }
      putOwn(scope.facts, proc.params[i] ?? normalizeName(a.param), v);
      if (proc.params[i] !== undefined && normalizeName(a.param) !== proc.params[i]) {
        putOwn(scope.facts, normalizeName(a.param), v);
      }
    }
    for (const w of where) {
      if (w.key === null) throw new RunError("a `where` line can only set a fact, not a field");
      putOwn(scope.facts, w.key, own(w.value(rt), w.fresh));
    }
    rt.state.frames.push({ t: "c", b: proc.block, i: 0, line, scope });
    rt.state.depth++;
    syncScope(rt);
  };
}

export { getOwn };
