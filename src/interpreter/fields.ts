// `X's Y`: a record's field, or a property of the value (a text's length, a list's
// count, a date's weekday, a file's name…). `the rows' "amount"`: every item's field.

import { suggestWord } from "../language/diagnostics.ts";
import { normalizeName, singularOf } from "../language/names.ts";
import { asDateLike, dateProperty, durationProperty } from "./dates.ts";
import { Missing, RunError } from "./errors.ts";
import { checkTextSize, spend } from "./limits.ts";
import { charCount } from "./text.ts";
import type { FileHost, FileValue, RecordValue, Value } from "./types.ts";
import { describeValue, isFile, recordField } from "./values.ts";

function show(field: string): string {
  return `"${field}"`;
}

export function fileText(files: FileHost, f: FileValue): string {
  const bytes = files.read(f.ref);
  if (bytes === undefined)
    throw new RunError(`the contents of the file "${f.name}" are not available`);
  return checkTextSize(new TextDecoder("utf-8").decode(bytes));
}

/** `has no field "amuont"; did you mean "amount"?` or `its fields are …`, for messages. */
export function fieldHint(keys: string[], field: string): string {
  const near = suggestWord(normalizeName(field), keys.map(normalizeName));
  if (near) return `did you mean "${keys.find((k) => normalizeName(k) === near)}"?`;
  if (keys.length === 0) return "it has no fields";
  const shown = keys.slice(0, 12).map((k) => `"${k}"`);
  return `the fields are ${shown.join(", ")}${keys.length > 12 ? ", …" : ""}`;
}

/** The error for a record without `field`; `is known` and `find` read it as nothing. */
export function missingField(r: RecordValue, field: string, owner: string): Missing {
  return new Missing(
    `${owner} has no field ${show(field)}: ${fieldHint(Object.keys(r.f), field)} (if the field may be missing, test 'is known' first)`,
  );
}

/** The field or property `field` of `v`. A record without that field is an error (Missing). */
export function fieldOf(files: FileHost, v: Value, field: string, owner = "the record"): Value {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && v.k === "record") {
    const x = recordField(v, field);
    if (x === undefined) throw missingField(v, field, owner);
    return x;
  }
  const p = normalizeName(field);
  if (Array.isArray(v)) {
    switch (p) {
      case "count":
      case "length":
      case "size":
      case "number of items":
        return v.length;
      case "first":
      case "first item":
        return v.length ? v[0]! : null;
      case "last":
      case "last item":
        return v.length ? v[v.length - 1]! : null;
    }
    // `the table's amounts`: a plural field whose singular the items hold is a column.
    const singular = singularOf(field);
    if (
      singular !== field &&
      v.length > 0 &&
      v.every(isRecord) &&
      v.some((x) => isRecord(x) && recordField(x, singular) !== undefined)
    ) {
      return pluck(files, v, field);
    }
    throw new RunError(
      `can't read the field ${show(field)} of a list (${describeValue(v)}); to read it from every item, write the items' ${show(field)}`,
    );
  }
  if (typeof v === "string") {
    if (p === "length" || p === "count" || p === "size" || p === "number of characters") {
      return charCount(v);
    }
    const d = asDateLike(v);
    if (d) {
      const x = dateProperty(d, p);
      if (x !== undefined) return x;
    }
    throw new RunError(
      `can't read ${show(field)} of ${describeValue(v)}: text has a length, not ${show(field)}`,
    );
  }
  if (isFile(v)) {
    switch (p) {
      case "name":
        return v.name;
      case "type":
        return v.type;
      case "size":
        return v.size;
      case "text":
      case "contents":
      case "content":
        return fileText(files, v);
      case "extension": {
        const i = v.name.lastIndexOf(".");
        return i < 0 ? "" : v.name.slice(i + 1);
      }
    }
    throw new RunError(`a file has a name, type, size and text, not ${show(field)}`);
  }
  if (v !== null && typeof v === "object" && (v.k === "date" || v.k === "datetime")) {
    const x = dateProperty(v, p);
    if (x !== undefined) return x;
    throw new RunError(`can't read ${show(field)} of ${describeValue(v)}`);
  }
  if (v !== null && typeof v === "object" && v.k === "duration") {
    const x = durationProperty(v, p);
    if (x !== undefined) return x;
  }
  throw new RunError(`can't read the field ${show(field)} of ${describeValue(v)}`);
}

/**
 * An item's field for the plural possessive: the field itself, or, when the item has
 * no field or property by that name and the name is a plural, its singular
 * (`the attachments' names` reads every attachment's name).
 */
function itemField(files: FileHost, v: Value, field: string, singular: string): Value {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && v.k === "record") {
    const x = recordField(v, field);
    if (x !== undefined) return x;
    const y = singular === field ? undefined : recordField(v, singular);
    return y === undefined ? null : y;
  }
  if (singular === field) return fieldOf(files, v, field);
  try {
    return fieldOf(files, v, field);
  } catch (err) {
    if (!(err instanceof RunError)) throw err;
    try {
      return fieldOf(files, v, singular);
    } catch {
      throw err;
    }
  }
}

const LIST_PROPERTIES = new Set([
  "count",
  "length",
  "size",
  "number of items",
  "first",
  "first item",
  "last",
  "last item",
]);

function isRecord(v: Value): v is RecordValue {
  return v !== null && typeof v === "object" && !Array.isArray(v) && v.k === "record";
}

/**
 * `the rows' "amount"`: the field of every item (a single record: its field). When the
 * field is a list property (`count`, `first`…) and no item is a record holding such a
 * field, it is the list's property: `the rows' count` is how many rows there are.
 */
export function pluck(files: FileHost, v: Value, field: string, owner = "the list"): Value {
  const singular = singularOf(field);
  if (
    Array.isArray(v) &&
    LIST_PROPERTIES.has(normalizeName(field)) &&
    v.every((x) => isRecord(x) && recordField(x, field) === undefined)
  ) {
    return fieldOf(files, v, field);
  }
  if (Array.isArray(v)) {
    checkSomeHave(v, field, singular, owner);
    spend(v.length);
    const out: Value[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = itemField(files, v[i]!, field, singular);
    return out;
  }
  if (v === null) return [];
  return itemField(files, v, field, singular);
}

/**
 * A field that no record of the list has is a misspelling, not a column of nothings
 * (`the sum of the lines' amuont` would be 0): an error naming the fields there are.
 * Items that lack a field some other item has read as nothing (sparse JSON).
 */
export function checkSomeHave(v: Value[], field: string, singular: string, owner: string): void {
  if (v.length === 0 || !v.every(isRecord)) return;
  for (const x of v) {
    if (recordField(x as RecordValue, field) !== undefined) return;
    if (singular !== field && recordField(x as RecordValue, singular) !== undefined) return;
  }
  const keys = [...new Set(v.flatMap((x) => Object.keys((x as RecordValue).f)))];
  throw new Missing(`no item of ${owner} has a field ${show(field)}: ${fieldHint(keys, field)}`);
}
