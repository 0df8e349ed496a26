// `E as a table`: CSV or TSV text (or a file's text) -> a list of records. The first
// line is the header; cells stay text ("10" stays "10") until used as numbers.
import { parse } from "csv-parse/sync";
import { RunError } from "./errors.ts";
import { checkListSize, grow, limits, spend, stateBoundError } from "./limits.ts";
import type { RecordValue, Value } from "./types.ts";
import { putOwn } from "./values.ts";
import { MEMORY } from "./weights.ts";

/** Pick the delimiter from the header line: tab, semicolon or comma (the most frequent). */
export function sniffDelimiter(text: string): string {
  const nl = text.indexOf("\n");
  const head = nl < 0 ? text : text.slice(0, nl);
  let tabs = 0;
  let commas = 0;
  let semis = 0;
  let quoted = false;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 9) tabs++;
    else if (c === 44) commas++;
    else if (c === 59) semis++;
  }
  if (tabs > 0 && tabs >= commas && tabs >= semis) return "\t";
  if (semis > commas) return ";";
  return ",";
}

export function parseTable(text: string): RecordValue[] {
  if (text.trim() === "") return [];
  let rows: string[][];
  try {
    rows = parse(text, {
      delimiter: sniffDelimiter(text),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      // Stops one record past the bound (the header plus listItems rows is the most).
      to: limits.listItems + 2,
    }) as string[][];
  } catch (e) {
    throw new RunError(`that text is not a table I can read: ${(e as Error).message}`);
  }
  const header = rows[0];
  if (!header) return [];
  checkListSize(rows.length - 1);
  spend(rows.length);
  const names = header.map((h, i) => {
    const t = h.trim();
    return t === "" ? `column ${i + 1}` : t;
  });
  // Each row repeats the header's names: the table's size is counted as it is built.
  const namesBytes = names.reduce(
    (n, h) => n + h.length + MEMORY.field,
    MEMORY.record + MEMORY.item,
  );
  let bytes = 0;
  const out: RecordValue[] = new Array(rows.length - 1);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const f: Record<string, Value> = {};
    bytes += namesBytes;
    for (let c = 0; c < names.length; c++) putOwn(f, names[c]!, row[c] ?? "");
    for (let c = names.length; c < row.length; c++) {
      putOwn(f, `column ${c + 1}`, row[c] ?? "");
      bytes += 16;
    }
    for (const cell of row) bytes += cell.length + MEMORY.text;
    if (bytes > limits.stateBytes) throw stateBoundError();
    out[r - 1] = { k: "record", f };
  }
  grow(bytes);
  return out;
}
