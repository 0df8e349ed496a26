// Conditions compiled once into closures returning true/false.
import type { Condition, Expr } from "../language/ast.ts";
import {
  compareForDates,
  compareValues,
  contains,
  endsWith,
  isEmpty,
  startsWith,
  truthy,
  valuesEqual,
} from "./compare.ts";
import { Missing, NeedValue } from "./errors.ts";
import { spend } from "./limits.ts";
import type { CCond, CExpr, Rt } from "./runtime.ts";
import type { Value } from "./types.ts";

/**
 * The condition compiler over a given expression compiler. Expressions hold conditions
 * (`whose`) and conditions hold expressions: evaluate.ts makes the pair, so neither
 * module imports the other.
 */
export function conditionCompiler(compileExpr: (e: Expr) => CExpr): (c: Condition) => CCond {
  return compileCondition;

  function compileCondition(c: Condition): CCond {
    switch (c.kind) {
      case "compare": {
        const l = compileExpr(c.left);
        const r = compileExpr(c.right);
        switch (c.op) {
          case "is":
            return (rt) => valuesEqual(l(rt), r(rt));
          case "isNot":
            return (rt) => !valuesEqual(l(rt), r(rt));
          case "greater":
            return (rt) => compareValues(l(rt), r(rt)) > 0;
          case "less":
            return (rt) => compareValues(l(rt), r(rt)) < 0;
          case "atLeast":
            return (rt) => compareValues(l(rt), r(rt)) >= 0;
          case "atMost":
            return (rt) => compareValues(l(rt), r(rt)) <= 0;
          case "before":
            return (rt) => compareForDates(l(rt), r(rt)) < 0;
          case "after":
            return (rt) => compareForDates(l(rt), r(rt)) > 0;
          case "contains":
            return (rt) => contains(l(rt), r(rt));
          case "notContains":
            return (rt) => !contains(l(rt), r(rt));
          case "startsWith":
            return (rt) => startsWith(l(rt), r(rt));
          case "endsWith":
            return (rt) => endsWith(l(rt), r(rt));
        }
        throw new Error("unknown comparison");
      }
      case "test": {
        const s = compileExpr(c.subject);
        switch (c.test) {
          case "empty":
            return (rt) => isEmpty(orNothing(rt, s));
          case "notEmpty":
            return (rt) => !isEmpty(orNothing(rt, s));
          case "known":
            return (rt) => known(rt, s);
          case "notKnown":
            return (rt) => !known(rt, s);
          case "missing":
            return (rt) => missing(rt, s);
          case "notMissing":
            return (rt) => !missing(rt, s);
        }
        throw new Error("unknown test");
      }
      case "oneOf": {
        const s = compileExpr(c.subject);
        const opts = c.options.map(compileExpr);
        const neg = c.negated;
        return (rt) => {
          const v = s(rt);
          let hit = false;
          for (const o of opts) {
            const ov = o(rt);
            if (Array.isArray(ov)) spend(ov.length);
            if (Array.isArray(ov) ? ov.some((x) => valuesEqual(v, x)) : valuesEqual(v, ov)) {
              hit = true;
              break;
            }
          }
          return neg ? !hit : hit;
        };
      }
      case "and": {
        const a = compileCondition(c.left);
        const b = compileCondition(c.right);
        return (rt) => a(rt) && b(rt);
      }
      case "or": {
        const a = compileCondition(c.left);
        const b = compileCondition(c.right);
        return (rt) => a(rt) || b(rt);
      }
      case "not": {
        const a = compileCondition(c.operand);
        return (rt) => !a(rt);
      }
      case "truthy": {
        const s = compileExpr(c.subject);
        return (rt) => truthy(s(rt));
      }
    }
    const never: never = c;
    throw new Error(`unknown condition ${(never as Condition).kind}`);
  }
}

/** `is known`: has a value other than nothing. Never asks. */
function known(rt: Rt, s: (rt: Rt) => Value): boolean {
  try {
    return s(rt) !== null;
  } catch (e) {
    if (e instanceof NeedValue || e instanceof Missing) return false;
    throw e;
  }
}

/** `is missing`: no value (never asks), or an empty one (blank text, empty list). */
function missing(rt: Rt, s: (rt: Rt) => Value): boolean {
  try {
    return isEmpty(s(rt));
  } catch (e) {
    if (e instanceof NeedValue || e instanceof Missing) return true;
    throw e;
  }
}

/** `is empty` asks about a missing value: a record's missing field is empty, not an error. */
function orNothing(rt: Rt, s: (rt: Rt) => Value): Value {
  try {
    return s(rt);
  } catch (e) {
    if (e instanceof Missing) return null;
    throw e;
  }
}
