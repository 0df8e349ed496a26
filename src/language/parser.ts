// The parser's entry point: lines -> blocks -> statements, best effort, never throwing.
//
// Language decisions beyond LANGUAGE.md (see also the module comments):
// - One statement per line; any more-indented lines below a line are its block. The
//   statement decides whether it takes a block: if/else, each, repeat, to, validate,
//   a call ending in `where`, and `ask` (only a `the choices are …` line).
// - Names are `the` + words up to a stop word (words.ts STOP_WORDS); a name can hold no
//   number or stop word ("the amount of money" is not a name). Bare field names after
//   `'s`, `whose` or `sorted by` are lower-cased; quoted field names are kept exactly.
// - In a procedure header, a parameter is `a`/`an`/`the` + the words up to the next
//   article, preposition or conjunction (words.ts PARAMETER_ENDS) or stop word, so
//   `to send a reminder to a customer about an invoice` has three parameters. In a
//   call, an argument is any value expression ending before the header's next fixed
//   word; `a X` / `an X` as an argument is the fact `the X`.
// - `the first X` / `the last X` are plain names; `the first of X` is an aggregate.
// - An aggregate's operand is one primary with the postfix word operations that make a
//   list from a list (`sorted`, `sorted by`, `whose`, `split by`, `as a table`). Every
//   other postfix operation (`rounded`, `formatted with`, `in uppercase`, `trimmed`,
//   `joined with`, `with … replaced by`, `as a number/text/date`) applies to the whole
//   arithmetic expression before it, aggregates included: `the sum of X rounded to 1
//   decimal` rounds the sum. `(…)` groups otherwise: `the sum of (X rounded)`.
// - In `whose`, a comparison's left side is a field of the item and its right side is
//   arithmetic only; `and`/`or` continue the filter only before a quoted or bare field.
// - `-3` is the number -3 (NumberLit "-3"); `-(3)` and `-the x` are negations.
// - `(A, B, C)` is a list anywhere; `the Xs are A, B and C` / `is one of A, B or C` too.
// - `read E as a table`: the outermost `as a table` belongs to the statement.
// - `times` multiplies only when a value follows it (so `repeat the count times` works).
// - Compound statements' spans cover their header line only.
// - Hyphenated words (`e-mail`) are one word; `x-1` is not a subtraction.
// - A name may begin with an operation word (words.ts LEADING_NAME_WORDS) when a word
//   that is not a stop word follows: `the sorted rows`, `the rounded total`.
// - `12.5%` is the number 0.125 (NumberLit "0.125").
// - `X is [not] between A and B` parses as `X is at least A and X is at most B`.
// - A one-line `if C then S` may end with `else S` / `otherwise S` / `else if …`; the
//   nearest one-line `if` takes the `else`.
// - Mistake messages: a bare word where a value belongs suggests `the WORDS` (unless a
//   known phrase is closer); a condition whose name swallowed an ordering (`the total
//   greater than 3`, `the due before today`) is an error suggesting `is …`; duration
//   units are among the did-you-mean phrases.
import type { PhrasePart, Program } from "./ast.ts";
import { procedureSignature } from "./ast.ts";
import { parseBlock } from "./blocks.ts";
import { Cursor, ParseError } from "./cursor.ts";
import { type Diagnostic, finishDiagnostics, makeDiagnostic } from "./diagnostics.ts";
import { buildLines, type LineNode, lineWords } from "./lines.ts";
import { parsePhrase } from "./procedures.ts";
import { OWN_VERB_SET } from "./words.ts";

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
}

function collectProcedures(
  roots: LineNode[],
  report: (e: ParseError) => void,
): Map<string, PhrasePart[][]> {
  const byVerb = new Map<string, PhrasePart[][]>();
  const seen = new Set<string>();
  for (const node of roots) {
    if (node.lexError || node.tokens[0]?.lower !== "to" || node.tokens[0].kind !== "word") continue;
    const c = new Cursor(node.tokens, node.text);
    c.advance(1);
    try {
      const phrase = parsePhrase(c);
      const verb = phrase[0]?.kind === "word" ? phrase[0].word : "";
      const sig = procedureSignature(phrase);
      // `send` is the email statement only as `send an email …`: `to send a reminder …` is free.
      const second = phrase[1];
      const emailPhrase =
        second?.kind === "word" ? second.word === "email" : second?.name.key === "email";
      if (OWN_VERB_SET.has(verb) && (verb !== "send" || emailPhrase)) {
        report(
          new ParseError(
            `'${verb}' is already a statement of the language; choose another verb for this procedure`,
            node.tokens[1]!,
            verb,
          ),
        );
        continue;
      }
      if (seen.has(sig)) {
        report(
          new ParseError(
            `The procedure '${lineWords(node)}' is defined twice`,
            node.tokens[0],
            lineWords(node),
          ),
        );
        continue;
      }
      seen.add(sig);
      const list = byVerb.get(verb) ?? [];
      list.push(phrase);
      byVerb.set(verb, list);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      // reported again when the line is parsed as a statement
    }
  }
  return byVerb;
}

/** Parses a process. Never throws: problems come back as diagnostics. */
export function parse(source: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const report = (e: ParseError) => {
    diagnostics.push(makeDiagnostic(e.span, e.message, e.words, e.suggestion));
  };
  try {
    const roots = buildLines(typeof source === "string" ? source : String(source), diagnostics);
    const procedures = collectProcedures(roots, report);
    const body = parseBlock({ procedures, report }, roots, 0);
    const orders = body.filter((s) => s.kind === "dateOrder");
    const other = orders.find((s) => s.order !== orders[0]!.order);
    if (other) {
      report(
        new ParseError(
          `This process already says 'dates are written ${orders[0]!.order} first' (line ${orders[0]!.span.line}); keep one`,
          other.span,
          `dates are written ${other.order} first`,
        ),
      );
    }
    return { program: { kind: "program", body }, diagnostics: finishDiagnostics(diagnostics) };
  } catch (err) {
    diagnostics.push({
      severity: "error",
      line: 1,
      col: 1,
      endLine: 1,
      endCol: 1,
      message: `I could not read this process: ${err instanceof Error ? err.message : String(err)}`,
      words: "",
    });
    return { program: { kind: "program", body: [] }, diagnostics: finishDiagnostics(diagnostics) };
  }
}
