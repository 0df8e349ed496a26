// The process language for CodeMirror: highlighting (statement verbs, comparison words,
// text, numbers, comments) and what to complete (verbs, and the facts the source names).
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { HighlightStyle, StreamLanguage } from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { STATEMENT_VERBS } from "../../../../src/language/words.ts";

/** First words of the built-in statements: the parser's own list, shared (it has no I/O). */
export const VERBS = STATEMENT_VERBS;
const WORDS = new Set([
  "is",
  "are",
  "then",
  "each",
  "as",
  "follows",
  "times",
  "plus",
  "minus",
  "and",
  "or",
  "not",
  "of",
  "in",
  "to",
  "from",
  "by",
  "with",
  "greater",
  "less",
  "than",
  "equal",
  "rounded",
  "decimals",
  "empty",
  "known",
  "one",
  "before",
  "after",
  "between",
  "table",
  "list",
  "choices",
]);
const VERB_SET = new Set(VERBS);

interface State {
  lineStart: boolean;
  inString: boolean;
}

export const plainLanguage = StreamLanguage.define<State>({
  name: "plainrun",
  startState: () => ({ lineStart: true, inString: false }),
  token(stream, state) {
    if (stream.sol()) state.lineStart = true;
    if (state.inString) {
      if (stream.skipTo('"')) {
        stream.next();
        state.inString = false;
      } else stream.skipToEnd();
      return "string";
    }
    if (stream.eatSpace()) return null;
    if (stream.peek() === "#") {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.eat('"')) {
      if (stream.skipTo('"')) stream.next();
      else {
        stream.skipToEnd();
        state.inString = false;
      }
      state.lineStart = false;
      return "string";
    }
    if (stream.match(/^-?\d+(\.\d+)?%?/)) {
      state.lineStart = false;
      return "number";
    }
    const word = stream.match(/^[A-Za-z_][\w']*/) as RegExpMatchArray | null;
    if (word) {
      const w = word[0].toLowerCase();
      const first = state.lineStart;
      state.lineStart = false;
      if (first && VERB_SET.has(w)) return "keyword";
      if (w === "the") return "variableName";
      if (WORDS.has(w)) return "operatorKeyword";
      return null;
    }
    stream.next();
    state.lineStart = false;
    return null;
  },
});

/** Colours from the page's theme variables, so both themes keep their contrast. */
export const plainHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: "var(--accent)", fontWeight: "600" },
  { tag: tags.operatorKeyword, color: "var(--accent)" },
  { tag: tags.string, color: "var(--ok)" },
  { tag: tags.number, color: "var(--warn)" },
  { tag: tags.comment, color: "var(--muted)", fontStyle: "italic" },
  { tag: tags.variableName, color: "var(--fg)", fontWeight: "600" },
]);

/** Fact names the source states: "the X is …", "… as the X", "for each X", plus its inputs. */
export function factNames(source: string, inputs: readonly string[] = []): string[] {
  const names = new Set(inputs);
  for (const line of source.split("\n")) {
    const t = line.trim();
    const m = /^the (.+?) (?:is|are) /i.exec(t);
    if (m?.[1]) names.add(m[1]);
    const as = /\bas the ([a-z][\w ]*?)\s*$/i.exec(t);
    if (as?.[1]) names.add(as[1]);
    const each = /^(?:process|for) each ([a-z][\w ]*?)(?: in| as|$)/i.exec(t);
    if (each?.[1]) names.add(each[1]);
    const get = /^get the ([a-z][\w ]*?)\s*$/i.exec(t);
    if (get?.[1]) names.add(get[1]);
  }
  return [...names].filter((n) => n.length <= 60);
}

/** Completes statement verbs at a line's start and fact names after "the ". */
export function completer(names: () => string[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const fact = /\bthe ([\w ]*)$/i.exec(before);
    if (fact) {
      const options: Completion[] = names().map((n) => ({
        label: n,
        type: "variable",
        detail: "fact",
      }));
      return { from: ctx.pos - (fact[1]?.length ?? 0), options, validFor: /^[\w ]*$/ };
    }
    const start = /^\s*(\w*)$/.exec(before);
    if (start && (start[1] || ctx.explicit)) {
      const options: Completion[] = VERBS.map((v) => ({ label: v, type: "keyword" }));
      return { from: ctx.pos - (start[1]?.length ?? 0), options, validFor: /^\w*$/ };
    }
    return null;
  };
}
