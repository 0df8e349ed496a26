// The content type of an uploaded file, when the client did not say (or said only
// application/octet-stream, as curl does for most names): from the bytes' signature for
// binary formats, else from the name's extension, else text/plain for UTF-8 text.

const BY_EXTENSION: Record<string, string> = {
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  txt: "text/plain",
  md: "text/markdown",
  plain: "text/plain",
  json: "application/json",
  xml: "application/xml",
  html: "text/html",
  htm: "text/html",
  eml: "message/rfc822",
  yaml: "application/yaml",
  yml: "application/yaml",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  zip: "application/zip",
  gz: "application/gzip",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

const SIGNATURES: Array<[number[], string]> = [
  [[0x25, 0x50, 0x44, 0x46, 0x2d], "application/pdf"],
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
  [[0x1f, 0x8b], "application/gzip"],
  [[0x50, 0x4b, 0x03, 0x04], "application/zip"],
];

const GENERIC = new Set(["", "application/octet-stream", "binary/octet-stream"]);

function isUtf8Text(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64 * 1024);
  if (head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head);
    return true;
  } catch {
    // A cut in the middle of a character at the 64 KB boundary is still text.
    return head.length === 64 * 1024;
  }
}

/** The type to store for a file: the client's, unless it is missing or generic. */
export function detectFileType(name: string, declared: string | undefined, bytes: Uint8Array) {
  const given = (declared ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!GENERIC.has(given)) return given;
  for (const [sig, type] of SIGNATURES) {
    if (sig.every((b, i) => bytes[i] === b)) {
      // Office documents are zip files: their extension says which.
      const ext = extensionType(name);
      return type === "application/zip" && ext?.startsWith("application/vnd.") ? ext : type;
    }
  }
  const ext = extensionType(name);
  if (ext) return ext;
  return isUtf8Text(bytes) ? "text/plain" : "application/octet-stream";
}

function extensionType(name: string): string | undefined {
  const m = /\.([a-z0-9]+)$/i.exec(name);
  return m ? BY_EXTENSION[m[1]?.toLowerCase() ?? ""] : undefined;
}
