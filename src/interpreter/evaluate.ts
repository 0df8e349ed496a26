// Expressions compiled once into closures over the runtime (`Rt`).
import pluralize from "pluralize";
import type { AggregateFn, Condition, Expr, NameRef } from "../language/ast.ts";
import { suggestWord } from "../language/diagnostics.ts";
import { normalizeName } from "../language/names.ts";
import { aggregate } from "./aggregates.ts";
import { sortCompare } from "./compare.ts";
import { conditionCompiler } from "./conditions.ts";
import {
  addDuration,
  addDurations,
  asDateLike,
  dateDifference,
  makeDuration,
  nowValue,
  scaleDuration,
  todayValue,
} from "./dates.ts";
import { dateRefValue, notADate } from "./dateText.ts";
import { describeExpr } from "./describe.ts";
import { Missing, NeedValue, RunError } from "./errors.ts";
import { checkSomeHave, fieldOf, fileText, pluck } from "./fields.ts";
import { BoundError, checkListSize, checkTextSize, grow, spend } from "./limits.ts";
import {
  arith,
  arithError,
  checkDigits,
  Dec,
  fixedText,
  numberFromText,
  roundNumber,
  roundToStep,
  toDecimalOrNull,
  toNumberValue,
  wholeNumber,
} from "./numbers.ts";
import type { CCond, CExpr, Rt } from "./runtime.ts";
import { parseTable } from "./tables.ts";
import { formatValue, joinList, replaceText, splitText, toCase, trimText } from "./text.ts";
import type { DecimalValue, Value } from "./types.ts";
import { describeValue, isDuration, isFile, isRecord, recordField } from "./values.ts";

export type { CCond, CExpr };

/** Conditions compiled over this module's expressions (conditions.ts takes it as given). */
export const compileCondition: (c: Condition) => CCond = conditionCompiler(compileExpr);

const hasOwn = Object.hasOwn;

export function questionFor(ref: NameRef): string {
  return `What is ${describeExpr(ref)}?`;
}

/** Read a fact: own scope, then `use` aliases, then `the first/last X` of `the Xs`. */
export function readName(rt: Rt, ref: NameRef): Value {
  const v = lookup(rt, ref.key);
  if (v !== undefined) return v;
  throw new NeedValue(ref.key, questionFor(ref));
}

export function lookup(rt: Rt, key: string): Value | undefined {
  const s = rt.scope;
  if (hasOwn(s.facts, key)) return s.facts[key];
  if (hasOwn(s.aliases, key)) {
    const k = s.aliases[key]!;
    if (hasOwn(s.facts, k)) return s.facts[k];
  }
  const m = /^(first|last) (.+)$/.exec(key);
  if (m) {
    const rest = m[2]!;
    const plural = rest.split(" ");
    plural[plural.length - 1] = pluralize.plural(plural[plural.length - 1]!);
    const pk = plural.join(" ");
    const list = hasOwn(s.facts, pk)
      ? s.facts[pk]
      : hasOwn(s.facts, rest)
        ? s.facts[rest]
        : undefined;
    if (Array.isArray(list)) {
      if (list.length === 0) return null;
      return m[1] === "first" ? list[0]! : list[list.length - 1]!;
    }
  }
  return undefined;
}

/**
 * `the order's custmer's name` when the order has no "custmer": name the expression
 * that is nothing and, for a missing field, the record's closest field.
 */
function fieldOfNothing(
  rt: Rt,
  e: Extract<Expr, { kind: "field" }>,
  parent: CExpr | null,
  parentField: string,
): RunError {
  let message = `can't read the field "${e.field}" of ${describeExpr(e.target)}: it is nothing`;
  if (parent && e.target.kind === "field") {
    let holder: Value = null;
    try {
      holder = parent(rt);
    } catch {
      holder = null;
    }
    if (isRecord(holder) && recordField(holder, parentField) === undefined) {
      const keys = Object.keys(holder.f);
      const near = suggestWord(normalizeName(parentField), keys.map(normalizeName));
      const owner = describeExpr(e.target.target);
      message += ` (${owner} has no field "${parentField}"`;
      message += near
        ? `; did you mean "${keys.find((k) => normalizeName(k) === near)}"?)`
        : keys.length
          ? `; its fields are ${keys.map((k) => `"${k}"`).join(", ")})`
          : ")";
    }
  }
  return new RunError(message);
}

const DATE_SHAPE = /^\s*(?:\d{4}-\d{1,2}-\d{1,2}(?:[T ].*)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\s*$/;

/**
 * A failed arithmetic's error with a hint for the usual mistakes: a number added to a
 * date (add a duration), text that looks like a date but is none, text joined with `+`
 * (write `{…}` inside the quotes), a division by a value that is 0 (named). Other errors
 * pass through unchanged.
 */
export function explainArith(
  err: unknown,
  op: string,
  a: Value,
  b: Value,
  left?: Expr,
  right?: Expr,
  textHint = true,
): unknown {
  if (!(err instanceof RunError) || err instanceof BoundError) return err;
  if (op === "/" && right && right.kind !== "number" && toDecimalOrNull(b)?.isZero()) {
    return new RunError(`${err.message} (${describeExpr(right)} is 0)`);
  }
  if (op !== "+" && op !== "-") return err;
  for (const v of [a, b]) {
    if (typeof v === "string" && DATE_SHAPE.test(v) && !asDateLike(v)) {
      return new RunError(
        `${err.message}: ${/\//.test(v) || /^\s*\d{1,2}\./.test(v) ? notADate(v) : `"${v.trim()}" is not a valid date (write dates as "YYYY-MM-DD", e.g. "2026-03-01")`}`,
      );
    }
  }
  // A duration with a text that is no date: the text was meant as one (`the start + 3 days`).
  if (isDuration(a) || isDuration(b)) {
    const text = [a, b].find((v): v is string => typeof v === "string" && !asDateLike(v));
    if (text !== undefined) return new RunError(`${err.message}: ${notADate(text)}`);
  }
  const date = asDateLike(a);
  const n = toDecimalOrNull(b);
  if (date && n !== null && typeof b !== "string") {
    const amount = n.toString();
    const verb = op === "+" ? "add" : "subtract";
    return new RunError(
      `can't ${verb} the number ${amount} ${op === "+" ? "to" : "from"} the date ${formatValue(date)}: ${verb} a duration instead, such as ${amount} days`,
    );
  }
  if (op === "+" && textHint) {
    const textSide = [a, b].findIndex((v) => typeof v === "string" && toDecimalOrNull(v) === null);
    if (textSide >= 0) {
      const other = textSide === 0 ? right : left;
      const own = textSide === 0 ? left : right;
      const shown = `{${other && other.kind !== "text" ? describeExpr(other) : "…"}}`;
      const literal =
        own?.kind === "text" && own.parts.every((x) => typeof x === "string")
          ? own.parts.join("")
          : "Total: ";
      const example = textSide === 0 ? `${literal}${shown}` : `${shown}${literal}`;
      return new RunError(
        `${err.message}: '+' adds numbers; to put a value into a text, write it in braces inside the quotes, as in "${example}"`,
      );
    }
  }
  return err;
}

function binary(op: "+" | "-" | "*" | "/", a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") return arith(op, a, b);
  const aDur = isDuration(a);
  const bDur = isDuration(b);
  if (aDur || bDur) {
    if (aDur && bDur && (op === "+" || op === "-")) return addDurations(a, b, op === "+" ? 1 : -1);
    if (bDur && !aDur && (op === "+" || op === "-")) {
      const d = asDateLike(a);
      if (d) return addDuration(d, b, op === "+" ? 1 : -1);
    }
    if (aDur && !bDur && op === "+") {
      const d = asDateLike(b);
      if (d) return addDuration(d, a, 1);
    }
    if (op === "*" || op === "/") {
      const dur = aDur ? a : bDur ? b : null;
      const other = aDur ? b : a;
      const n = toDecimalOrNull(other);
      if (dur && n && !(op === "/" && !aDur)) {
        if (op === "/" && n.isZero()) throw new RunError("can't divide a duration by zero");
        return scaleDuration(dur, op === "*" ? n.toNumber() : 1 / n.toNumber());
      }
    }
    throw arithError(op, a, b);
  }
  if (op === "-") {
    const x = asDateLike(a);
    const y = x ? asDateLike(b) : null;
    if (x && y) return dateDifference(x, y);
  }
  return arith(op, a, b);
}

export { binary as binaryOp };

/** The fields `the total of X` / `the count of X`… read when X is a record. */
const RECORD_AGGREGATE_FIELDS: Record<AggregateFn, string[]> = {
  sum: ["total", "sum"],
  count: ["count", "number"],
  average: ["average"],
  maximum: ["maximum"],
  minimum: ["minimum"],
  first: ["first"],
  last: ["last"],
};

function tableOf(rt: Rt, v: Value): Value[] {
  if (typeof v === "string") return parseTable(v);
  if (isFile(v)) return parseTable(fileText(rt.files, v));
  if (Array.isArray(v)) return v;
  if (v === null) return [];
  throw new RunError(`can't read ${describeValue(v)} as a table: it is not CSV text or a file`);
}

export function asTable(rt: Rt, v: Value): Value[] {
  return tableOf(rt, v);
}

function toList(v: Value, what: string): Value[] {
  if (Array.isArray(v)) return v;
  if (v === null) return [];
  throw new RunError(`can't ${what} ${describeValue(v)}: it is not a list`);
}

export function compileExpr(e: Expr): CExpr {
  switch (e.kind) {
    case "number": {
      // Checked against the run's own digits bound when executed, never while compiling.
      let v: Value;
      try {
        v = numberFromText(e.value);
      } catch (err) {
        return () => {
          throw err;
        };
      }
      if (typeof v === "number") return () => v;
      const dec = v as DecimalValue;
      const digits = new Dec(dec.v);
      return () => {
        checkDigits(digits);
        return dec;
      };
    }
    case "text": {
      if (e.parts.every((p) => typeof p === "string")) {
        const s = (e.parts as string[]).join("");
        return () => s;
      }
      const parts = e.parts.map((p) => (typeof p === "string" ? p : compileExpr(p)));
      return (rt) => {
        let out = "";
        for (const p of parts) out += typeof p === "string" ? p : formatValue(p(rt));
        grow(out.length);
        return checkTextSize(out);
      };
    }
    case "bool": {
      const v = e.value;
      return () => v;
    }
    case "nothing":
      return () => null;
    case "now":
      return e.which === "date" ? (rt) => todayValue(rt.now()) : (rt) => nowValue(rt.now());
    case "dateRef": {
      const { ref, unit } = e;
      const shift = e.shift ?? 0;
      return (rt) => dateRefValue(ref, unit, rt.now(), shift);
    }
    case "duration": {
      const amount = compileExpr(e.amount);
      const unit = e.unit;
      return (rt) => makeDuration(amount(rt), unit);
    }
    case "above":
      return (rt) => {
        if (rt.state.hasAbove) return rt.state.above;
        throw new Missing(
          rt.state.aboveMissing ??
            "'the above' has no value here: no statement before this line produced one",
        );
      };
    case "name": {
      const key = e.key;
      const ref = e;
      return (rt) => {
        const f = rt.scope.facts;
        if (hasOwn(f, key)) return f[key]!;
        return readName(rt, ref);
      };
    }
    case "field": {
      const target = compileExpr(e.target);
      const field = e.field;
      const parent = e.target.kind === "field" ? compileExpr(e.target.target) : null;
      const parentField = e.target.kind === "field" ? e.target.field : "";
      const owner = describeExpr(e.target);
      return (rt) => {
        const v = target(rt);
        if (v === null) throw fieldOfNothing(rt, e, parent, parentField);
        return fieldOf(rt.files, v, field, owner);
      };
    }
    case "pluck": {
      const target = compileExpr(e.target);
      const field = e.field;
      const owner = describeExpr(e.target);
      return (rt) => pluck(rt.files, target(rt), field, owner);
    }
    case "binary": {
      const l = compileExpr(e.left);
      const r = compileExpr(e.right);
      const op = e.op;
      return (rt) => {
        const a = l(rt);
        const b = r(rt);
        try {
          return binary(op, a, b);
        } catch (err) {
          throw explainArith(err, op, a, b, e.left, e.right);
        }
      };
    }
    case "negate": {
      const x = compileExpr(e.operand);
      return (rt) => {
        const v = x(rt);
        if (isDuration(v)) return scaleDuration(v, -1);
        return binary("-", 0, v);
      };
    }
    case "aggregate": {
      const of = compileExpr(e.of);
      const fn = e.fn;
      const fields = RECORD_AGGREGATE_FIELDS[fn];
      return (rt) => {
        const v = of(rt);
        if (isRecord(v)) {
          // `the total of the order`: the record's own field of that name.
          for (const f of fields) {
            const x = recordField(v, f);
            if (x !== undefined) return x;
          }
        }
        return aggregate(fn, v);
      };
    }
    case "whose": {
      const list = compileExpr(e.list);
      const where = compileCondition(e.where);
      const fields = itemFieldsOf(e.where);
      const owner = describeExpr(e.list);
      return (rt) => {
        const items = toList(list(rt), "filter");
        for (const f of fields) checkSomeHave(items, f, f, owner);
        spend(items.length);
        const out: Value[] = [];
        const stack = rt.items;
        const depth = stack.length;
        for (let i = 0; i < items.length; i++) {
          const it = items[i]!;
          stack[depth] = it;
          if (where(rt)) out.push(it);
        }
        stack.length = depth;
        return out;
      };
    }
    case "itemField": {
      const field = e.field;
      return (rt) => {
        const it = rt.items[rt.items.length - 1];
        if (it === undefined)
          throw new RunError(`"${field}" can only be used in a "whose" condition`);
        // An item without the field (another item has it: checked by `whose`) is nothing.
        if (isRecord(it)) return recordField(it, field) ?? null;
        return fieldOf(rt.files, it, field);
      };
    }
    case "sort": {
      const list = compileExpr(e.list);
      const field = e.field;
      const sign = e.descending ? -1 : 1;
      const owner = describeExpr(e.list);
      return (rt) => {
        const items = toList(list(rt), "sort");
        if (field !== null) checkSomeHave(items, field, field, owner);
        spend(items.length);
        const keyed = items.map((v, i) => ({
          v,
          i,
          k:
            field === null
              ? v
              : isRecord(v)
                ? (recordField(v, field) ?? null)
                : fieldOf(rt.files, v, field),
        }));
        keyed.sort((a, b) => {
          spend(1);
          return sign * sortCompare(a.k, b.k) || a.i - b.i;
        });
        return keyed.map((x) => x.v);
      };
    }
    case "case": {
      const x = compileExpr(e.operand);
      const to = e.to;
      return (rt) => toCase(x(rt), to);
    }
    case "trim": {
      const x = compileExpr(e.operand);
      return (rt) => trimText(x(rt));
    }
    case "split": {
      const x = compileExpr(e.operand);
      const sep = compileExpr(e.separator);
      return (rt) => splitText(x(rt), sep(rt));
    }
    case "join": {
      const x = compileExpr(e.operand);
      const sep = compileExpr(e.separator);
      return (rt) => joinList(x(rt), sep(rt));
    }
    case "replace": {
      const x = compileExpr(e.operand);
      const from = compileExpr(e.from);
      const to = compileExpr(e.to);
      return (rt) => replaceText(x(rt), from(rt), to(rt));
    }
    case "round": {
      const x = compileExpr(e.operand);
      const d = e.decimals ? compileExpr(e.decimals) : null;
      const mode = e.mode;
      if (e.step) {
        const s = compileExpr(e.step);
        return (rt) => {
          const v = x(rt);
          const step = s(rt);
          if (Array.isArray(v)) {
            spend(v.length);
            return v.map((i) => roundToStep(i, step, mode));
          }
          return roundToStep(v, step, mode);
        };
      }
      return (rt) => {
        const v = x(rt);
        const places = d ? wholeNumber(d(rt), "the number of decimals") : 0;
        if (Array.isArray(v)) {
          spend(v.length);
          return v.map((i) => roundNumber(i, places, mode));
        }
        return roundNumber(v, places, mode);
      };
    }
    case "format": {
      const x = compileExpr(e.operand);
      const d = compileExpr(e.decimals);
      return (rt) => {
        const places = wholeNumber(d(rt), "the number of decimals");
        if (places < 0 || places > 100)
          throw new RunError("the number of decimals must be between 0 and 100");
        return fixedText(x(rt), places);
      };
    }
    case "convert": {
      const x = compileExpr(e.operand);
      switch (e.to) {
        case "table":
          return (rt) => tableOf(rt, x(rt));
        case "number":
          return (rt) => {
            const v = x(rt);
            const n = toNumberValue(v);
            if (n === null) throw new RunError(`${describeValue(v)} is not a number`);
            return n;
          };
        case "text":
          return (rt) => {
            const t = formatValue(x(rt));
            grow(t.length);
            return t;
          };
        case "date":
          return (rt) => {
            const v = x(rt);
            const d = asDateLike(v);
            if (!d)
              throw new RunError(
                typeof v === "string" ? notADate(v) : `${describeValue(v)} is not a date`,
              );
            return d.k === "date" ? d : { k: "date", v: d.v.slice(0, 10) };
          };
        case "datetime":
          return (rt) => {
            const v = x(rt);
            const d = asDateLike(v);
            if (!d) throw new RunError(`${describeValue(v)} is not a date and time`);
            return d.k === "datetime" ? d : { k: "datetime", v: `${d.v}T00:00:00.000Z` };
          };
      }
      break;
    }
    case "list": {
      const items = e.items.map(compileExpr);
      return (rt) => {
        const out: Value[] = new Array(items.length);
        for (let i = 0; i < items.length; i++) out[i] = items[i]!(rt);
        checkListSize(out.length);
        return out;
      };
    }
  }
  const never: never = e;
  throw new Error(`unknown expression ${(never as Expr).kind}`);
}

/** The item fields a `whose` condition reads (its own, not those of a nested `whose`). */
function itemFieldsOf(c: Condition): string[] {
  const out = new Set<string>();
  const visit = (x: Condition): void => {
    switch (x.kind) {
      case "and":
      case "or":
        visit(x.left);
        visit(x.right);
        return;
      case "not":
        visit(x.operand);
        return;
      case "compare":
        if (x.left.kind === "itemField") out.add(x.left.field);
        return;
      case "test":
      case "truthy":
        if (x.subject.kind === "itemField") out.add(x.subject.field);
        return;
      case "oneOf":
        if (x.subject.kind === "itemField") out.add(x.subject.field);
        return;
    }
  };
  visit(c);
  return [...out];
}

/** Whether evaluating `e` yields a fresh value that no other fact shares. */
export function producesFresh(e: Expr): boolean {
  return (
    e.kind === "convert" ||
    e.kind === "split" ||
    e.kind === "number" ||
    e.kind === "text" ||
    e.kind === "binary"
  );
}

export { isRecord };
