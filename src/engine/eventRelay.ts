// Run events between processes sharing a PostgreSQL store: the events this process commits
// are announced with NOTIFY after their commit (one notification in flight at a time, the
// notices gathered meanwhile sent together, each payload bounded), and, once something here
// watches runs, the other processes' announcements are heard with LISTEN and handed to the
// bus. A lost listening connection may have missed notifications: when it is back, the bus
// is told to resync (watchers read again). SQLite has no signal between processes: there the
// relay does nothing and watchers fall back to their slow poll for other processes' writes.
import type { Store } from "../store/index.ts";
import type { EngineBus, RunEventNotice } from "./bus.ts";
import { newId } from "./ids.ts";
import type { Logger } from "./worker/pool.ts";

/** PostgreSQL refuses payloads of 8000 bytes or more; stay well below. */
export const MAX_PAYLOAD_BYTES = 7000;

export class EventRelay {
  /** Sent with every payload, so this process skips its own announcements. */
  private readonly origin = newId();
  private queue: RunEventNotice[] = [];
  private sending: Promise<void> | undefined;
  private listening: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly off: () => void;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly bus: EngineBus,
    private readonly log: Logger,
    opts: { announce: boolean },
  ) {
    const pg = store.dialect.name === "postgres";
    this.off = pg && opts.announce ? bus.onCommitted((n) => this.announce(n)) : () => undefined;
  }

  /** Starts hearing other processes' events (idempotent; PostgreSQL only). */
  listen(): void {
    if (this.listening || this.closed || this.store.dialect.name !== "postgres") return;
    this.listening = this.store.dialect
      .listen(
        this.store.channels.events,
        (payload) => this.hear(payload),
        () => this.bus.resync(),
      )
      .then(
        (stop) => {
          this.unlisten = stop;
          // Events committed before LISTEN took effect were not heard: read again.
          this.bus.resync();
        },
        (err: unknown) => {
          this.log.warn({ err }, "LISTEN for run events failed; live streams fall back to polling");
        },
      );
  }

  private announce(n: RunEventNotice): void {
    this.queue.push(n);
    this.sending ??= this.flush();
  }

  private async flush(): Promise<void> {
    // Let the rest of this turn's commits join.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const notices = this.queue;
      this.queue = [];
      for (const payload of payloads(this.origin, notices)) {
        try {
          await this.store.dialect.notify(this.store.db, this.store.channels.events, payload);
        } catch (err) {
          this.log.warn({ err }, "could not announce run events (NOTIFY)");
        }
      }
    }
    this.sending = undefined;
  }

  private hear(payload: string): void {
    const parsed = parsePayload(payload);
    if (!parsed || parsed.origin === this.origin) return;
    for (const n of parsed.notices) this.bus.heard(n);
  }

  /** Sends what is queued, stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    this.off();
    await this.sending;
    await this.listening;
    await this.unlisten?.();
  }
}

/**
 * `ORIGIN;RUN SEQ[ STATUS],RUN SEQ…`, split so each payload stays under MAX_PAYLOAD_BYTES
 * (ids, seqs and statuses are ASCII: a character is a byte).
 */
export function payloads(origin: string, notices: readonly RunEventNotice[]): string[] {
  const out: string[] = [];
  let cur = "";
  for (const n of notices) {
    const item = n.status ? `${n.runId} ${n.seq} ${n.status}` : `${n.runId} ${n.seq}`;
    if (cur && origin.length + 1 + cur.length + 1 + item.length > MAX_PAYLOAD_BYTES) {
      out.push(`${origin};${cur}`);
      cur = "";
    }
    cur = cur ? `${cur},${item}` : item;
  }
  if (cur) out.push(`${origin};${cur}`);
  return out;
}

export function parsePayload(
  payload: string,
): { origin: string; notices: RunEventNotice[] } | undefined {
  const semi = payload.indexOf(";");
  if (semi < 0) return undefined;
  const notices: RunEventNotice[] = [];
  for (const item of payload.slice(semi + 1).split(",")) {
    const [runId, seqText, status] = item.split(" ");
    const seq = Number(seqText);
    if (!runId || !Number.isSafeInteger(seq)) continue;
    notices.push(status ? { runId, seq, status } : { runId, seq });
  }
  return { origin: payload.slice(0, semi), notices };
}
