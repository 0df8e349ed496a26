// Reading (MIME-parsing) received messages off the SMTP listener's event loop. Reading a
// message (finding its large attachments, parsing, hashing the files) is most of the
// intake's CPU after SMTP itself (docs/benchmarks.md, bench/email), and on the event loop it
// would also hold up every other connection's replies. So every message but small ones
// (8 KB: a round trip to a thread would cost more than reading them) goes to a few worker
// threads, started on first use, its bytes moved there and the attachments' bytes moved
// back. A message that takes longer than the time bound ends its thread, and the messages
// it was reading are answered "try again later".
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../../engine/moduleWorker.ts";
import { type MailInputs, parseMail } from "./message.ts";

export type ReadRequest = { id: number; raw: Uint8Array; sender: string };
export type ReadAnswer = { id: number; mail: MailInputs } | { id: number; error: string };

/** A message that could not be read: `unreadable` (its fault) or `unavailable` (ours). */
export class ReadError extends Error {
  constructor(
    readonly kind: "unreadable" | "unavailable",
    message: string,
  ) {
    super(message);
  }
}

export interface MailReaderOptions {
  /** Threads (default: the cores but one, 1 to 4). 0: read everything inline. */
  threads?: number;
  /** Messages up to this many bytes are read inline (default 8 KB). */
  inlineMax?: number;
  /** Longest read of one message (default 30 s). */
  timeoutMs?: number;
}

interface Pending {
  resolve: (mail: MailInputs) => void;
  reject: (err: ReadError) => void;
  timer: NodeJS.Timeout;
  thread: Worker;
}

export class MailReaders {
  private readonly threads: Array<Worker | undefined>;
  private readonly inlineMax: number;
  private readonly timeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private turn = 0;
  private closed = false;

  constructor(opts: MailReaderOptions = {}) {
    const n = opts.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.threads = new Array(n).fill(undefined);
    this.inlineMax = opts.inlineMax ?? 8 * 1024;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /**
   * The message's inputs. `keepRaw`: the caller still needs `raw` afterwards (it is copied to
   * the thread; otherwise its memory is moved there and `raw` is empty on return).
   */
  read(raw: Buffer, sender: string, keepRaw: boolean): Promise<MailInputs> {
    if (this.threads.length === 0 || raw.length <= this.inlineMax || this.closed) {
      return parseMail(raw, sender).catch((err: Error) => {
        throw new ReadError("unreadable", err.message);
      });
    }
    const slot = this.turn++ % this.threads.length;
    const thread = this.threads[slot] ?? this.start(slot);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.lose(
          thread,
          `reading a message took longer than ${this.timeoutMs / 1000} s`,
          "unreadable",
          id,
        );
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, thread });
      thread.ref();
      // Moving the bytes needs an ArrayBuffer of the message alone (Buffer.concat of a
      // large message makes one); otherwise, or when the caller keeps them, they are copied.
      const own = raw.byteOffset === 0 && raw.buffer.byteLength === raw.length;
      const request: ReadRequest = { id, raw, sender };
      thread.postMessage(request, own && !keepRaw ? [raw.buffer as ArrayBuffer] : []);
    });
  }

  private start(slot: number): Worker {
    const thread = startModuleWorker(new URL("./readThread.ts", import.meta.url), {
      // A 25 MB message parsed whole, with its attachments, fits well within this.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    this.threads[slot] = thread;
    thread.on("message", (answer: ReadAnswer) => {
      const p = this.pending.get(answer.id);
      if (!p) return;
      this.settle(answer.id, p);
      if ("mail" in answer) {
        // Moved ArrayBuffers arrive as plain Uint8Arrays: the files are used as they are.
        p.resolve(answer.mail);
      } else p.reject(new ReadError("unreadable", answer.error));
    });
    thread.on("error", (err) => this.lose(thread, `the reader failed (${err.message})`));
    thread.on("exit", (code) => this.lose(thread, `the reader stopped with code ${code}`));
    return thread;
  }

  private settle(id: number, p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
    // An idle thread does not keep the process alive.
    if (![...this.pending.values()].some((o) => o.thread === p.thread)) p.thread.unref();
  }

  /**
   * Ends a thread that failed or overran: the message that overran is refused as too slow
   * to read (`culprit`), the others it was reading are answered "try again later".
   */
  private lose(thread: Worker, why: string, culpritKind?: "unreadable", culprit?: number): void {
    const slot = this.threads.indexOf(thread);
    if (slot < 0) return;
    this.threads[slot] = undefined;
    void thread.terminate();
    for (const [id, p] of this.pending) {
      if (p.thread !== thread) continue;
      this.settle(id, p);
      p.reject(new ReadError(id === culprit && culpritKind ? culpritKind : "unavailable", why));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.filter((t): t is Worker => t !== undefined);
    for (const t of threads) this.lose(t, "the server is shutting down");
    await Promise.all(threads.map((t) => t.terminate()));
  }
}
