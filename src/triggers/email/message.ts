// A received message as a run's inputs: `the email` (a record of its parts) and `the
// attachments` (files, stored with the run in the same transaction). MIME is read by
// mailparser. (postal-mime costs a fifth of its CPU per message but rewrites the line
// breaks of attachments that are not base64: CRLF becomes LF and a newline is added at
// the end, so a CSV sent quoted-printable would not arrive byte for byte.)
import { createHash } from "node:crypto";
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import type { Json } from "../../interpreter/types.ts";
import { restoreCuts, type Skeleton, skeletonOf } from "./skeleton.ts";

export interface MailInputs {
  inputs: Record<string, Json>;
  files: Array<{ bytes: Uint8Array; name: string; type: string }>;
  /** From header's address (or MAIL FROM when the header has none). */
  from: string;
  messageId: string | undefined;
}

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  const out: string[] = [];
  for (const obj of list) {
    for (const v of obj.value) {
      if (v.address) out.push(v.address);
      for (const g of v.group ?? []) if (g.address) out.push(g.address);
    }
  }
  return out;
}

/** A name for an attachment that has none: "attachment 2.pdf" from its type. */
function fallbackName(i: number, type: string): string {
  const ext = type.split("/")[1]?.replace(/[^a-z0-9]+/gi, "") ?? "";
  return `attachment ${i + 1}${ext && ext !== "octetstream" ? `.${ext}` : ""}`;
}

export function mailInputs(parsed: ParsedMail, envelopeSender: string): MailInputs {
  const fromValue = parsed.from?.value[0];
  const from = fromValue?.address || envelopeSender;
  const files: MailInputs["files"] = [];
  const refs: Json[] = [];
  parsed.attachments.forEach((a, i) => {
    const bytes = new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength);
    const type = (a.contentType || "application/octet-stream").toLowerCase();
    const name = a.filename || fallbackName(i, type);
    files.push({ bytes, name, type });
    refs.push({
      file_id: createHash("sha256").update(bytes).digest("hex"),
      name,
      type,
      size: bytes.byteLength,
    });
  });
  const messageId = parsed.messageId || undefined;
  const email: Record<string, Json> = {
    sender: from,
    "sender name": fromValue?.name ?? "",
    recipients: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? "",
    body: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : "",
    date: (parsed.date ?? new Date()).toISOString(),
    "message id": messageId ?? "",
  };
  return { inputs: { email, attachments: refs }, files, from, messageId };
}

// What the inputs do not use is not computed: text as HTML (linkified), inline images as
// data: links in the HTML, an MD5 of each attachment (the store hashes files itself).
const OPTIONS = { skipImageLinks: true, skipTextToHtml: true, checksumAlgo: false } as const;

/** The whole message parsed as it came (no attachment cut out). */
export function parseWhole(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(raw, OPTIONS);
}

/**
 * Parses a whole message into a run's inputs (rejects when it cannot be read at all); large
 * base64 attachments are decoded apart from the parser (skeleton.ts). `plan`: how to cut
 * (tests give their own); null: parse the message as it came.
 */
export async function parseMail(
  raw: Buffer,
  envelopeSender: string,
  plan: Skeleton | null = skeletonOf(raw) ?? null,
): Promise<MailInputs> {
  if (plan) {
    const parsed = await simpleParser(plan.skeleton, OPTIONS);
    const contents = restoreCuts(
      plan,
      parsed.attachments.map((a) => a.content),
      [parsed.text ?? "", typeof parsed.html === "string" ? parsed.html : "", parsed.subject ?? ""],
    );
    if (contents) {
      parsed.attachments.forEach((a, i) => {
        a.content = contents[i] as Buffer;
        a.size = a.content.length;
      });
      return mailInputs(parsed, envelopeSender);
    }
  }
  return mailInputs(await parseWhole(raw), envelopeSender);
}
