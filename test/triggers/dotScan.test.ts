// The native DATA search (dotScan.ts) against smtp-server's own: the same bytes in, split
// into chunks at every position and at random, give the same message and the same commands
// after it. A split can fall inside the terminator or an escape dot, as TCP may cut them.
import { SMTPStream } from "smtp-server/lib/smtp-stream.js";
import { describe, expect, it } from "vitest";
import { feedDataStream } from "../../src/triggers/email/dotScan.ts";

interface Outcome {
  messages: string[];
  commands: string[];
}

/** Feeds `chunks` to an SMTPStream (with `feed`, or the library's own search). */
function parse(chunks: Buffer[], feed?: typeof feedDataStream): Promise<Outcome> {
  const stream = new SMTPStream();
  if (feed) stream._feedDataStream = feed;
  const out: Outcome = { messages: [], commands: [] };
  return new Promise((resolve, reject) => {
    stream.oncommand = (command, callback) => {
      const line = command.toString("latin1");
      out.commands.push(line);
      if (line === "DATA") {
        const parts: Buffer[] = [];
        const data = stream.startDataMode();
        data.on("data", (c: Buffer) => parts.push(c));
        data.on("end", () => {
          out.messages.push(Buffer.concat(parts).toString("latin1"));
          // As the connection does: once the application has answered, later.
          setImmediate(() => stream.continue());
        });
      }
      if (line === "QUIT") resolve(out);
      callback?.();
    };
    stream.on("error", reject);
    for (const c of chunks) stream.write(c);
  });
}

/** The bytes split at the given positions. */
function split(bytes: Buffer, at: number[]): Buffer[] {
  const cuts = [0, ...[...at].sort((a, b) => a - b), bytes.length];
  return cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const DIALOGS: Array<{ name: string; wire: string; messages: string[] }> = [
  {
    name: "escape dots, lone dots inside lines, a dot line ending in CR",
    wire:
      "DATA\r\n..first line was dot-stuffed\r\nplain\r\n...two dots\r\n..\r\na . in the middle\r\n" +
      ".x\r\n\r\n..\r\n.\r\nQUIT\r\n",
    messages: [
      ".first line was dot-stuffed\r\nplain\r\n..two dots\r\n.\r\na . in the middle\r\n" +
        ".x\r\n\r\n.\r\n", // smtp-server removes a leading dot only before another
    ],
  },
  {
    name: "an empty message",
    wire: "DATA\r\n.\r\nQUIT\r\n",
    messages: [""],
  },
  {
    name: "a first line that is a single escaped dot",
    wire: "DATA\r\n..\r\nafter\r\n.\r\nQUIT\r\n",
    messages: [".\r\nafter\r\n"],
  },
  {
    name: "what looks like a terminator without its CR",
    wire: "DATA\r\nline\n.\nnot the end\r\n.\r\nQUIT\r\n",
    messages: ["line\n.\nnot the end\r\n"],
  },
];

describe("the native DATA search", () => {
  for (const d of DIALOGS) {
    it(`reads as smtp-server does: ${d.name}`, async () => {
      const wire = Buffer.from(d.wire, "latin1");
      const whole = await parse([wire], feedDataStream);
      expect(whole.messages).toEqual(d.messages);
      expect(whole.commands.at(-1)).toBe("QUIT");
      expect(await parse([wire])).toEqual(whole);

      const chunkings: Buffer[][] = [];
      for (let i = 1; i < wire.length; i++) chunkings.push(split(wire, [i]));
      const next = random(wire.length);
      for (let k = 0; k < 200; k++) {
        const at = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
          Math.floor(next() * wire.length),
        );
        chunkings.push(split(wire, at));
      }
      chunkings.push(
        split(
          wire,
          Array.from({ length: wire.length }, (_, i) => i),
        ),
      );
      for (const chunks of chunkings) {
        const ours = await parse(chunks, feedDataStream);
        expect(ours).toEqual(whole);
        expect(await parse(chunks)).toEqual(ours);
      }
    });
  }

  it("finds the end of a 70 KB message after many lines", async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? `..${i}` : `row ${i}`));
    const wire = Buffer.from(`DATA\r\n${lines.join("\r\n")}\r\n.\r\nQUIT\r\n`, "latin1");
    const ours = await parse(split(wire, [65_536]), feedDataStream);
    expect(ours.messages).toEqual([`${lines.map((l) => l.replace(/^\./, "")).join("\r\n")}\r\n`]);
    expect(await parse(split(wire, [65_536]))).toEqual(ours);
  });
});
