// Large base64 attachments decoded natively. The MIME parser reads a message line by line
// in JavaScript, so a 50 KB attachment is most of its work (bench/email); the attachment's
// bytes are nothing it needs to understand. So before parsing, each large base64 leaf part
// that will be an attachment is cut out and replaced by a short marker (the base64 of a
// random tag), the parser reads that small skeleton (headers, names, charsets, structure:
// all its rules stay in force), and each attachment that came out as a marker gets the
// real bytes, decoded by Buffer in one call. A part is cut out only when this scan and
// the parser must agree on it: its body lies between two delimiter lines of its multipart
// (so no line in it could be a delimiter) and is what `atob` accepts (WHATWG's forgiving
// base64: the alphabet and white space, padding only at the end), which decodes the same
// in every base64 decoder; atob checks and decodes it in one native pass. If the markers do
// not come back exactly one per attachment, the message is parsed whole instead.
import { randomBytes } from "node:crypto";

/** Bodies shorter than this (in base64 characters) stay in the skeleton. */
const MIN_BODY = 2048;
const MAX_DEPTH = 16;

/** A base64 body in the original message, [start, end), and its bytes. */
interface Range {
  start: number;
  end: number;
  bytes: Buffer;
}

export interface Cut extends Range {
  /** The marker's bytes: what the parser gives as the attachment's content. */
  marker: Buffer;
}

/** The bytes of a base64 body, or undefined when it is not plain base64. */
function decoded(body: string): Buffer | undefined {
  try {
    return Buffer.from(atob(body), "latin1");
  } catch {
    return undefined; // a character outside base64, or padding before the end
  }
}

export interface Skeleton {
  skeleton: Buffer;
  cuts: Cut[];
  /** Appears in the marker: finding it anywhere else means the parse went another way. */
  tag: string;
}

interface Headers {
  type: string;
  boundary: string | undefined;
  encoding: string;
  disposition: string;
}

/**
 * Where the header block starting at `from` ends (the blank line's start) and the body
 * begins, or -1 when there is no blank line before `to`. Line by line, so the search never
 * runs past the part (headers are short; the part may be megabytes).
 */
function headerEnd(text: string, from: number, to: number): { end: number; body: number } {
  for (let at = from; at < to; ) {
    const nl = text.indexOf("\n", at);
    if (nl < 0 || nl >= to) break;
    if (nl === at || (nl === at + 1 && text.charCodeAt(at) === 13))
      return { end: at, body: nl + 1 };
    at = nl + 1;
  }
  return { end: -1, body: -1 };
}

/** The headers this scan needs, or undefined when any is ambiguous (repeated, RFC 2231). */
function readHeaders(block: string): Headers | undefined {
  const seen = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!name.startsWith("content-")) continue;
    if (seen.has(name)) return undefined;
    seen.set(name, line.slice(colon + 1).trim());
  }
  const ct = seen.get("content-type") ?? "";
  if (/boundary\*/i.test(ct)) return undefined;
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(ct);
  return {
    type: (ct.split(";")[0] ?? "").trim().toLowerCase() || "text/plain",
    boundary: boundary ? (boundary[1] ?? boundary[2] ?? "").trimEnd() : undefined,
    encoding: (seen.get("content-transfer-encoding") ?? "").toLowerCase(),
    disposition: (seen.get("content-disposition")?.split(";")[0] ?? "").trim().toLowerCase(),
  };
}

/** The [start, end) ranges of the parts of a multipart body, or undefined if unclear. */
function partsOf(text: string, from: number, to: number, boundary: string) {
  const dash = `--${boundary}`;
  const parts: Array<{ start: number; end: number }> = [];
  let open = -1;
  let at = from;
  for (;;) {
    const i = text.indexOf(dash, at);
    if (i < 0 || i >= to) return undefined; // never closed: leave it to the parser
    at = i + dash.length;
    if (i !== from && text[i - 1] !== "\n") continue;
    const lineEnd = text.indexOf("\n", at);
    const rest = text.slice(at, lineEnd < 0 || lineEnd > to ? to : lineEnd);
    const closing = rest.startsWith("--");
    if (!/^[ \t]*\r*$/.test(closing ? rest.slice(2) : rest)) continue;
    if (open >= 0) {
      // The line break in front of a delimiter belongs to the delimiter.
      let end = i;
      if (text[end - 1] === "\n") end--;
      while (end > open && text[end - 1] === "\r") end--;
      parts.push({ start: open, end });
    }
    if (closing) return parts;
    if (lineEnd < 0 || lineEnd >= to) return undefined;
    open = lineEnd + 1;
    at = open;
  }
}

function scan(text: string, from: number, to: number, depth: number, out: Range[]) {
  if (depth > MAX_DEPTH) return;
  const { end, body } = headerEnd(text, from, to);
  if (end < 0) return;
  const h = readHeaders(text.slice(from, end));
  if (!h) return;
  if (h.type.startsWith("multipart/")) {
    if (!h.boundary) return;
    for (const p of partsOf(text, body, to, h.boundary) ?? [])
      scan(text, p.start, p.end, depth + 1, out);
    return;
  }
  const attachment =
    h.disposition === "attachment" ||
    !(
      h.type.startsWith("text/") ||
      h.type.startsWith("message/") ||
      h.type.startsWith("multipart/")
    );
  if (!attachment || h.encoding !== "base64" || to - body < MIN_BODY) return;
  const bytes = decoded(text.slice(body, to));
  if (bytes) out.push({ start: body, end: to, bytes });
}

/** The message with its large base64 attachments cut out, or undefined when there are none. */
export function skeletonOf(raw: Buffer): Skeleton | undefined {
  const text = raw.toString("latin1");
  const ranges: Range[] = [];
  scan(text, 0, text.length, 0, ranges);
  if (ranges.length === 0) return undefined;
  const tag = randomBytes(9).toString("hex");
  const pieces: Buffer[] = [];
  const cuts: Cut[] = [];
  let at = 0;
  ranges.forEach(({ start, end, bytes }, i) => {
    const marker = Buffer.from(`plainrun-cut ${tag} ${i}`);
    pieces.push(raw.subarray(at, start), Buffer.from(marker.toString("base64")));
    cuts.push({ start, end, bytes, marker });
    at = end;
  });
  pieces.push(raw.subarray(at));
  return { skeleton: Buffer.concat(pieces), cuts, tag };
}

/**
 * The attachments' contents with the cut bodies' bytes put back, or undefined when the
 * markers did not come back one per attachment.
 */
export function restoreCuts(
  s: Skeleton,
  contents: Buffer[],
  elsewhere: string[],
): Buffer[] | undefined {
  if (elsewhere.some((t) => t.includes(s.tag))) return undefined;
  const used = new Set<number>();
  let matched = 0;
  const out = contents.map((c) => {
    const i = s.cuts.findIndex((cut) => cut.marker.equals(c));
    if (i < 0) return c;
    matched++;
    used.add(i);
    return (s.cuts[i] as Cut).bytes;
  });
  return used.size === s.cuts.length && matched === used.size ? out : undefined;
}
