// Inside a mail-reading worker thread (see readers.ts): parses each message it is sent and
// answers its inputs, the attachments' bytes moved (not copied) back.
import { parentPort } from "node:worker_threads";
import { parseMail } from "./message.ts";
import type { ReadAnswer, ReadRequest } from "./readers.ts";

const port = parentPort;
if (!port) throw new Error("readThread runs in a worker thread");
port.on("message", ({ id, raw, sender }: ReadRequest) => {
  parseMail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), sender).then(
    (mail) => {
      // Each file in an ArrayBuffer of its own, so that moving it moves nothing else.
      const files = mail.files.map((f) => ({ ...f, bytes: new Uint8Array(f.bytes) }));
      const answer: ReadAnswer = { id, mail: { ...mail, files } };
      port.postMessage(
        answer,
        files.map((f) => f.bytes.buffer as ArrayBuffer),
      );
    },
    (err: unknown) => {
      const answer: ReadAnswer = { id, error: err instanceof Error ? err.message : String(err) };
      port.postMessage(answer);
    },
  );
});
