// Large base64 attachments decoded natively. mailparser reads a message line by line in
// JavaScript, so a 50 KB attachment is most of its work (bench/email); the attachment's
// bytes are nothing it needs to understand. So before parsing, each large base64 leaf part
// that will be an attachment is cut out and replaced by a short marker (the base64 of a
// random tag), mailparser parses that small skeleton (headers, names, charsets, structure:
// all its rules stay in force), and each attachment that came out as a marker gets the
// real bytes, decoded by Buffer in one call. A part is cut out only when this scan and
// mailparser must agree on it: its body is plain base64 (alphabet and line breaks, padding
// at the end, no line that could be a delimiter) between two delimiter lines of its
// multipart. If the markers do not come back exactly one per attachment, the message is
// parsed whole instead.
import { randomBytes } from "node:crypto";

/** Bodies shorter than this (in base64 characters) stay in the skeleton. */
const MIN_BODY = 2048;
const MAX_DEPTH = 16;
const PLAIN_BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

export interface Cut {
  /** The marker's bytes: what mailparser gives as the attachment's content. */
  marker: Buffer;
  /** The base64 body in the original message. */
  start: number;
  end: number;
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

/** Where the header block starting at `from` ends: the blank line, or -1. */
function headerEnd(text: string, from: number, to: number): { end: number; body: number } {
  if (text.startsWith("\r\n", from)) return { end: from, body: from + 2 };
  if (text.startsWith("\n", from)) return { end: from, body: from + 1 };
  const crlf = text.indexOf("\r\n\r\n", from);
  const lf = text.indexOf("\n\n", from);
  const a = crlf >= 0 && crlf < to ? crlf : -1;
  const b = lf >= 0 && lf < to ? lf : -1;
  if (a >= 0 && (b < 0 || a < b)) return { end: a, body: a + 4 };
  if (b >= 0) return { end: b, body: b + 2 };
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
    if (i < 0 || i >= to) return undefined; // never closed: leave it to mailparser
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

function scan(text: string, from: number, to: number, depth: number, out: Array<[number, number]>) {
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
  if (!PLAIN_BASE64.test(text.slice(body, to))) return;
  out.push([body, to]);
}

/** The message with its large base64 attachments cut out, or undefined when there are none. */
export function skeletonOf(raw: Buffer): Skeleton | undefined {
  const text = raw.toString("latin1");
  const ranges: Array<[number, number]> = [];
  scan(text, 0, text.length, 0, ranges);
  if (ranges.length === 0) return undefined;
  const tag = randomBytes(9).toString("hex");
  const pieces: Buffer[] = [];
  const cuts: Cut[] = [];
  let at = 0;
  ranges.forEach(([start, end], i) => {
    const marker = Buffer.from(`plainrun-cut ${tag} ${i}`);
    pieces.push(raw.subarray(at, start), Buffer.from(marker.toString("base64")));
    cuts.push({ marker, start, end });
    at = end;
  });
  pieces.push(raw.subarray(at));
  return { skeleton: Buffer.concat(pieces), cuts, tag };
}

/**
 * The attachments' contents with the cut bodies put back (decoded), or undefined when the
 * markers did not come back one per attachment.
 */
export function restoreCuts(
  raw: Buffer,
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
    const cut = s.cuts[i] as Cut;
    return Buffer.from(raw.toString("latin1", cut.start, cut.end), "base64");
  });
  return used.size === s.cuts.length && matched === used.size ? out : undefined;
}
