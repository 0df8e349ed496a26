// The public API of the process language: parsing, diagnostics, inputs, printing.
export * from "./ast.ts";
export { type Diagnostic, formatDiagnostic } from "./diagnostics.ts";
export { analyzeInputs, readsBeforeSet } from "./inputs.ts";
export { normalizeName, pluralOf, singularOf } from "./names.ts";
export { type ParseResult, parse } from "./parser.ts";
// The phrasing tables and the editor's completions (the web editor imports these).
export * as phrasings from "./phrasings.ts";
export {
  COMPARE_WORDS,
  dateRefText,
  printCondition,
  printExpr,
  printProgram,
  TEST_WORDS,
} from "./printer.ts";
export { stripSpans } from "./spans.ts";
export { type Completion, completions, phrasingsMarkdown } from "./vocabulary.ts";
