// The Run form's guess of which inputs are files (a file picker by default; each input can
// switch): from the words of the input's name.
import { describe, expect, it } from "vitest";
import { isFileInput } from "../../web/src/screens/process/fileInputs.ts";

describe("which inputs the Run form offers as a file picker", () => {
  it.each([
    "invoice file",
    "attached report",
    "CSV",
    "orders csv",
    "orders.csv",
    "the signed contract PDF",
    "receipt photo",
    "uploaded spreadsheet",
    "attachments",
    "scanned letter",
  ])("%s: a file", (name) => {
    expect(isFileInput(name)).toBe(true);
  });

  it.each([
    "customer name",
    "report",
    "invoice number",
    "file name",
    "attachment count",
    "document title",
    "profile",
    "csv delimiter",
    "",
  ])("%s: text", (name) => {
    expect(isFileInput(name)).toBe(false);
  });
});
