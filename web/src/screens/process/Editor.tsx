// The process editor (CodeMirror 6): highlighting, errors underlined as the person types
// (the server checks the text after a pause), completion of verbs and named facts.
// Tab is left to the page, so keyboard users can move on; Escape then Tab also works.
import { autocompletion } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic as CmDiagnostic, linter, lintGutter, lintKeymap } from "@codemirror/lint";
import { EditorState, type Text } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { Diagnostic } from "../../api/client";
import { completer, factNames, plainHighlight, plainLanguage } from "./language";

export interface CheckResult {
  diagnostics: Diagnostic[];
  inputs: string[];
}

/** The hint a diagnostic carries, in words. */
export function diagnosticText(d: Diagnostic): string {
  const hint = d.suggestion && !d.message.includes(d.suggestion) ? ` Hint: ${d.suggestion}` : "";
  return `${d.message}${hint}`;
}

function toRange(doc: Text, d: Diagnostic): { from: number; to: number } {
  const line = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
  const endLine = doc.line(Math.min(Math.max(d.endLine, d.line, 1), doc.lines));
  const from = Math.min(line.from + Math.max(d.col - 1, 0), line.to);
  let to = Math.min(endLine.from + Math.max(d.endCol - 1, 0), endLine.to);
  if (to <= from) to = Math.min(from + 1, doc.length);
  return { from, to: Math.max(to, from) };
}

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--bg)", color: "var(--fg)", fontSize: "14px" },
  ".cm-content": { fontFamily: "var(--mono)", caretColor: "var(--fg)" },
  ".cm-gutters": {
    backgroundColor: "var(--bg-soft)",
    color: "var(--muted)",
    borderRight: "1px solid var(--line)",
  },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 8%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "transparent" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground": {
    backgroundColor: "color-mix(in srgb, var(--accent) 30%, transparent) !important",
  },
  ".cm-tooltip": {
    backgroundColor: "var(--bg)",
    color: "var(--fg)",
    border: "1px solid var(--line)",
  },
  ".cm-diagnosticText": { color: "var(--fg)" },
});

export function Editor({
  value,
  onChange,
  check,
  onChecked,
  label,
}: {
  value: string;
  onChange: (text: string) => void;
  check: (source: string) => Promise<CheckResult>;
  onChecked: (result: CheckResult) => void;
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const latest = useRef({ onChange, check, onChecked, value, inputs: [] as string[] });
  latest.current.onChange = onChange;
  latest.current.check = check;
  latest.current.onChecked = onChecked;
  latest.current.value = value;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is made once; value syncs below
  useEffect(() => {
    const lint = linter(
      async (v): Promise<CmDiagnostic[]> => {
        const doc = v.state.doc;
        const text = doc.toString();
        try {
          const result = await latest.current.check(text);
          if (v.state.doc.toString() !== text) return [];
          latest.current.inputs = result.inputs;
          latest.current.onChecked(result);
          return result.diagnostics.map((d) => ({
            ...toRange(doc, d),
            severity: d.severity === "warning" ? "warning" : "error",
            message: diagnosticText(d),
          }));
        } catch {
          return [];
        }
      },
      { delay: 400 },
    );
    const state = EditorState.create({
      doc: value,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        plainLanguage,
        syntaxHighlighting(plainHighlight),
        lint,
        lintGutter(),
        autocompletion({
          override: [
            completer(() =>
              factNames(view.current?.state.doc.toString() ?? "", latest.current.inputs),
            ),
          ],
        }),
        keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": label }),
        theme,
        EditorView.updateListener.of((u) => {
          // Only what the person typed: a text set from outside (a restore) is not a change.
          const text = u.docChanged ? u.state.doc.toString() : undefined;
          if (text !== undefined && text !== latest.current.value) latest.current.onChange(text);
        }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => view.current?.destroy();
  }, []);

  // A restore or a reload replaces the text from outside.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div className="editor" ref={host} />;
}
