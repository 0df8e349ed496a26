// Which run inputs the Run form offers as a file picker by default: those whose name says
// they are a file ("the invoice file", "the attached report", "the CSV", "orders.csv"). A
// name about a file's detail ("the file name", "the attachment count") stays text. Only the
// default: every input has a switch to the other kind.

const FILE_WORDS = new Set([
  "file",
  "files",
  "csv",
  "csvs",
  "tsv",
  "attached",
  "attachment",
  "attachments",
  "document",
  "documents",
  "pdf",
  "pdfs",
  "image",
  "images",
  "photo",
  "photos",
  "picture",
  "pictures",
  "scan",
  "scanned",
  "upload",
  "uploads",
  "uploaded",
  "spreadsheet",
  "spreadsheets",
  "xlsx",
  "xls",
]);

// A last word that names a detail of a file, not the file itself.
const DETAIL_WORDS = new Set([
  "name",
  "names",
  "count",
  "number",
  "size",
  "type",
  "id",
  "path",
  "url",
  "link",
  "title",
  "date",
  "format",
  "extension",
  "delimiter",
  "separator",
  "encoding",
  "column",
  "columns",
]);

export function isFileInput(name: string): boolean {
  // Words of the name; "orders.csv" is the words "orders" and "csv".
  const words = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1);
  if (last === undefined || DETAIL_WORDS.has(last)) return false;
  return words.some((w) => FILE_WORDS.has(w));
}
