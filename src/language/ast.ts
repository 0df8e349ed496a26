// The typed syntax tree of the process language (see docs/language.md).
// Every node carries a span; everything else in a node is what the program means,
// so two parses of equivalent text compare equal once spans are stripped.

/** A source range: 1-based line and column; `end*` point just past the last character. */
export interface Span {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/**
 * A fact's name as the program refers to it. `key` is the normalized form used for
 * lookup and as the JSON key: lower case, without the leading "the", single spaces
 * ("the Invoice  Total" -> "invoice total"). `text` is how it was written, for messages.
 */
export interface NameRef {
  kind: "name";
  key: string;
  text: string;
  span: Span;
}

// ---------------------------------------------------------------- expressions

export interface NumberLit {
  kind: "number";
  /** Exact decimal text, canonical ("$120.20" -> "120.20", "-3" -> "-3"). */
  value: string;
  span: Span;
}

/** Quoted text; `parts` alternates literal text and `{…}` interpolations. */
export interface TextLit {
  kind: "text";
  parts: Array<string | Expr>;
  span: Span;
}

export interface BoolLit {
  kind: "bool";
  value: boolean;
  span: Span;
}

export interface NothingLit {
  kind: "nothing";
  span: Span;
}

/** `today` / `the current date` (a date), `now` / `the current time` (a date-time). */
export interface NowExpr {
  kind: "now";
  which: "date" | "datetime";
  span: Span;
}

export type DurationUnit = "seconds" | "minutes" | "hours" | "days" | "weeks" | "months" | "years";

/** `3 days`, `(the grace) days`: an amount (any number expression) and a unit. */
export interface DurationExpr {
  kind: "duration";
  amount: Expr;
  unit: DurationUnit;
  span: Span;
}

/**
 * `next Monday` / `last Friday` (the nearest such day after / before today), `this
 * Friday` (today if it is a Friday, else the next one), `the start of the month` / `the
 * end of the year` (of today's week, month or year; `shift` 1: of the next one, `the end
 * of next month`; -1: of the last one).
 */
export interface DateRefExpr {
  kind: "dateRef";
  ref: "next" | "last" | "this" | "start" | "end";
  /** A weekday ("monday") for next/last/this; "week", "month" or "year" for start/end. */
  unit: string;
  shift?: 1 | -1;
  span: Span;
}

/** `the above`: the value the previous statement produced. */
export interface AboveExpr {
  kind: "above";
  span: Span;
}

/**
 * `X's field` / `X's "quoted field"`: a record field, or else a property of the value
 * (a text's length, a list's count, a date's year, a file's name…). Decided at run time.
 */
export interface FieldExpr {
  kind: "field";
  target: Expr;
  field: string;
  span: Span;
}

/** `the rows' "amount"`: the field of every item of a list. */
export interface PluckExpr {
  kind: "pluck";
  target: Expr;
  field: string;
  span: Span;
}

export type ArithOp = "+" | "-" | "*" | "/";

export interface BinaryExpr {
  kind: "binary";
  op: ArithOp;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface NegateExpr {
  kind: "negate";
  operand: Expr;
  span: Span;
}

export type AggregateFn = "sum" | "average" | "count" | "maximum" | "minimum" | "first" | "last";

/** `the sum of X`, `the count of X` / `the number of X`, `the first of X`… */
export interface AggregateExpr {
  kind: "aggregate";
  fn: AggregateFn;
  of: Expr;
  span: Span;
}

/**
 * `the rows whose "status" is "open"`: keep the items for which `where` holds. Inside
 * `where`, an `ItemFieldExpr` reads a field of the item being tested.
 */
export interface WhoseExpr {
  kind: "whose";
  list: Expr;
  where: Condition;
  span: Span;
}

/** A field of the current item, only inside a `whose` condition. */
export interface ItemFieldExpr {
  kind: "itemField";
  field: string;
  span: Span;
}

/** `X sorted by "amount" descending`; `field` null sorts the values themselves. */
export interface SortExpr {
  kind: "sort";
  list: Expr;
  field: string | null;
  descending: boolean;
  span: Span;
}

/** Text operations written after their operand. */
export interface TextCaseExpr {
  kind: "case";
  operand: Expr;
  to: "upper" | "lower";
  span: Span;
}

export interface TrimExpr {
  kind: "trim";
  operand: Expr;
  span: Span;
}

export interface SplitExpr {
  kind: "split";
  operand: Expr;
  separator: Expr;
  span: Span;
}

export interface JoinExpr {
  kind: "join";
  operand: Expr;
  separator: Expr;
  span: Span;
}

export interface ReplaceExpr {
  kind: "replace";
  operand: Expr;
  from: Expr;
  to: Expr;
  span: Span;
}

/**
 * `X rounded` (to a whole number), `X rounded to N decimals`, `X rounded to the nearest
 * 0.05` (a multiple of `step`; `decimals` is then null); half away from zero, or with
 * `mode` up (never smaller: `rounded up`) or down (never larger: `rounded down`).
 */
export interface RoundExpr {
  kind: "round";
  operand: Expr;
  decimals: Expr | null;
  step?: Expr;
  mode?: "up" | "down";
  span: Span;
}

/** `X formatted with N decimals`: the text of a number with exactly N decimals. */
export interface FormatExpr {
  kind: "format";
  operand: Expr;
  decimals: Expr;
  span: Span;
}

/** `X as a table` (CSV/TSV text or file), `X as a number`, `X as text`, `X as a date`. */
export interface ConvertExpr {
  kind: "convert";
  operand: Expr;
  to: "table" | "number" | "text" | "date" | "datetime";
  span: Span;
}

/** `A, B and C`: a list written out (in `the Xs are …`, `is one of …`). */
export interface ListExpr {
  kind: "list";
  items: Expr[];
  span: Span;
}

export type Expr =
  | NumberLit
  | TextLit
  | BoolLit
  | NothingLit
  | NowExpr
  | DateRefExpr
  | DurationExpr
  | AboveExpr
  | NameRef
  | FieldExpr
  | PluckExpr
  | BinaryExpr
  | NegateExpr
  | AggregateExpr
  | WhoseExpr
  | ItemFieldExpr
  | SortExpr
  | TextCaseExpr
  | TrimExpr
  | SplitExpr
  | JoinExpr
  | ReplaceExpr
  | RoundExpr
  | FormatExpr
  | ConvertExpr
  | ListExpr;

// ----------------------------------------------------------------- conditions

export type CompareOp =
  | "is" // equality: text ignores case and surrounding spaces; numeric text compares as numbers
  | "isNot"
  | "greater" // is greater than, >, is after (dates) are the same comparison on ordered values
  | "less"
  | "atLeast"
  | "atMost"
  | "contains"
  | "notContains"
  | "startsWith"
  | "endsWith"
  | "before"
  | "after";

export interface CompareCond {
  kind: "compare";
  op: CompareOp;
  left: Expr;
  right: Expr;
  span: Span;
}

/**
 * `X is empty`, `X is not empty`, `X is known`, `X is not known`, `X is missing` (not
 * known, or empty), `X is not missing`.
 */
export interface TestCond {
  kind: "test";
  test: "empty" | "notEmpty" | "known" | "notKnown" | "missing" | "notMissing";
  subject: Expr;
  span: Span;
}

/** `X is one of A, B or C` (`negated`: `is not one of`). */
export interface OneOfCond {
  kind: "oneOf";
  subject: Expr;
  options: Expr[];
  negated: boolean;
  span: Span;
}

export interface AndCond {
  kind: "and";
  left: Condition;
  right: Condition;
  span: Span;
}

export interface OrCond {
  kind: "or";
  left: Condition;
  right: Condition;
  span: Span;
}

export interface NotCond {
  kind: "not";
  operand: Condition;
  span: Span;
}

/** A bare value used as a condition: `if the approved then` (true / yes). */
export interface TruthyCond {
  kind: "truthy";
  subject: Expr;
  span: Span;
}

export type Condition =
  | CompareCond
  | TestCond
  | OneOfCond
  | AndCond
  | OrCond
  | NotCond
  | TruthyCond;

// ----------------------------------------------------------------- statements

/** Where a value is stored: a fact, or a field of a record fact (`the X's Y`). */
export type Target = NameRef | FieldTarget;

export interface FieldTarget {
  kind: "fieldTarget";
  target: Target;
  field: string;
  span: Span;
}

/** `the X is E`, `the Xs are A, B and C`, `the X's Y is E`, `the result is E`. */
export interface SetStmt {
  kind: "set";
  target: Target;
  value: Expr;
  span: Span;
}

/** `use E as the X`: bind a second name to the same value (lists and records shared). */
export interface UseStmt {
  kind: "use";
  value: Expr;
  as: NameRef;
  span: Span;
}

export interface SayStmt {
  kind: "say";
  value: Expr;
  span: Span;
}

export interface IfBranch {
  condition: Condition;
  body: Stmt[];
  span: Span;
}

/** `if C then` … `else if C then` … `else` … (a one-line `if C then S` has a one-statement body). */
export interface IfStmt {
  kind: "if";
  branches: IfBranch[];
  otherwise: Stmt[] | null;
  span: Span;
}

/**
 * `process each X as follows` (the list is `the Xs`, filled in by the parser) or
 * `process each X in E as follows`. Inside, `the X` is the item.
 */
export interface EachStmt {
  kind: "each";
  item: NameRef;
  list: Expr;
  body: Stmt[];
  span: Span;
}

/** `repeat N times`; `the iteration` counts from 1. */
export interface RepeatStmt {
  kind: "repeat";
  times: Expr;
  body: Stmt[];
  span: Span;
}

/**
 * `add E to the X`, `subtract E from the X`, `multiply the X by E`, `divide the X by E`.
 * A missing X starts as 0 (or an empty list for `add` of a non-number).
 */
export interface UpdateStmt {
  kind: "update";
  op: "add" | "subtract" | "multiply" | "divide";
  target: Target;
  value: Expr;
  span: Span;
}

/**
 * `insert E at position N in the Xs` (also `at the start of`, `prepend E to the Xs`):
 * E (each item, when E is a list) goes in at position N, counted from 1; `at` null:
 * at the end (`append E to the Xs`, `insert E into the Xs`). The Xs must be a list.
 */
export interface InsertStmt {
  kind: "insert";
  value: Expr;
  at: Expr | null;
  target: Target;
  span: Span;
}

/** `clear the X`: a list becomes empty, a record empty, a text "", a number 0. */
export interface ClearStmt {
  kind: "clear";
  target: Target;
  span: Span;
}

/** `imagine the Xs` (an empty list), `imagine a record as the X` (an empty record). */
export interface ImagineStmt {
  kind: "imagine";
  target: NameRef;
  shape: "list" | "record";
  span: Span;
}

/**
 * `get E [as the X]`: evaluate E; a missing value raises a question.
 * `find E [as the X]`: the same, but a missing value becomes `nothing`.
 * Without `as`, the value is bound to E's own name when E is a name or field.
 */
export interface GetStmt {
  kind: "get";
  mode: "get" | "find";
  value: Expr;
  as: NameRef | null;
  span: Span;
}

/** `ask "question" [as the X]` with optional indented `the choices are "A", "B"`. */
export interface AskStmt {
  kind: "ask";
  question: Expr;
  choices: Expr[] | null;
  as: NameRef | null;
  span: Span;
}

export interface Check {
  condition: Condition;
  span: Span;
}

/** `validate the following` + indented `ensure C` lines. */
export interface ValidateStmt {
  kind: "validate";
  checks: Check[];
  span: Span;
}

/**
 * One word of a procedure's phrase: a plain word that a call must repeat, or a
 * parameter (`an invoice` -> param "invoice"; a/an/the match each other in calls).
 */
export type PhrasePart = { kind: "word"; word: string } | { kind: "param"; name: NameRef };

/** `to classify an order` + indented body. Only at the top level. */
export interface ProcedureStmt {
  kind: "procedure";
  /** Lower-case verb, the phrase's first word. */
  verb: string;
  phrase: PhrasePart[];
  body: Stmt[];
  span: Span;
}

export interface CallArg {
  param: string;
  value: Expr;
}

/** `classify the order` / `approve the invoice where` + indented `the X is E` lines. */
export interface CallStmt {
  kind: "call";
  /** The called procedure's signature (see `procedureSignature`). */
  procedure: string;
  args: CallArg[];
  where: SetStmt[];
  span: Span;
}

/** `read E as a table [as the X]`: binds `the table` (or the X) and `the above`. */
export interface ReadTableStmt {
  kind: "readTable";
  source: Expr;
  as: NameRef | null;
  span: Span;
}

/**
 * `send an email to E` with optional indented lines `the subject is E`, `the message is E`
 * (also `the body is`), `the attachments are E` (files) and `the cc is E`.
 */
export interface SendEmailStmt {
  kind: "sendEmail";
  to: Expr;
  subject: Expr | null;
  message: Expr | null;
  attachments: Expr | null;
  cc: Expr | null;
  span: Span;
}

/**
 * `dates are written day first` / `… month first`: how this process's numeric dates
 * (`04/05/2026`) read, wherever it is written (top level only). Does nothing when reached.
 */
export interface DateOrderStmt {
  kind: "dateOrder";
  order: "day" | "month";
  span: Span;
}

export interface StopStmt {
  kind: "stop";
  span: Span;
}

export interface FailStmt {
  kind: "fail";
  message: Expr;
  span: Span;
}

export type Stmt =
  | SetStmt
  | UseStmt
  | SayStmt
  | IfStmt
  | EachStmt
  | RepeatStmt
  | UpdateStmt
  | InsertStmt
  | ImagineStmt
  | ClearStmt
  | GetStmt
  | AskStmt
  | ValidateStmt
  | ProcedureStmt
  | CallStmt
  | ReadTableStmt
  | SendEmailStmt
  | DateOrderStmt
  | StopStmt
  | FailStmt;

/** A whole process. Procedures stay in `body` where they were written. */
export interface Program {
  kind: "program";
  body: Stmt[];
}

/** The key a call uses to find its procedure: verb and words, params as "_". */
export function procedureSignature(phrase: PhrasePart[]): string {
  return phrase.map((p) => (p.kind === "word" ? p.word : "_")).join(" ");
}
