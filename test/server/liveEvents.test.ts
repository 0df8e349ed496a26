// Live events are pushed, not polled, against the real `plainrun serve`: the servers here
// re-read their streams only once an hour (--sse-poll), so every event a stream gets after
// it opened was pushed: from the executor thread to the API thread of one server (SQLite),
// and from one server to another through PostgreSQL's NOTIFY.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/apiClient.ts";
import { createKey, type Served, serve } from "../helpers/serve.ts";
import { createTestStore, PG_URL, type TestStore } from "../helpers/stores.ts";

const NO_POLL = ["--sse-poll", String(3_600_000)];
const ASK = [
  'ask "Which colour?" with choices "red", "blue" as the colour',
  'say "chose {the colour}"',
].join("\n");

interface Message {
  id?: string;
  event: string;
  data: string;
}

/** An open server-sent event stream: its messages as they arrive. */
class Stream {
  readonly messages: Message[] = [];
  private waiters: Array<() => void> = [];
  private readonly abort = new AbortController();
  private ended = false;

  static async open(url: string, key: string): Promise<Stream> {
    const s = new Stream();
    const res = await fetch(url, { headers: { "x-api-key": key }, signal: s.abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    void s.read(res.body as ReadableStream<Uint8Array>);
    return s;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of body) {
        buf += decoder.decode(chunk, { stream: true });
        for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const m: Message = { event: "message", data: "" };
          for (const line of block.split("\n")) {
            const [field, ...rest] = line.split(": ");
            const value = rest.join(": ");
            if (field === "id") m.id = value;
            else if (field === "event") m.event = value;
            else if (field === "data") m.data = value;
          }
          if (block.split("\n").some((l) => l.startsWith("data: "))) this.messages.push(m);
        }
        for (const w of this.waiters.splice(0)) w();
      }
    } catch {
      // aborted
    } finally {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Waits for a message that matches (among all received so far), failing if the stream ends first. */
  async until(match: (m: Message) => boolean, what: string): Promise<Message> {
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.ended) {
        throw new Error(`the stream ended without ${what}: ${JSON.stringify(this.messages)}`);
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  close(): void {
    this.abort.abort();
  }
}

class Api extends ApiClient {
  async waitStatus(id: string, status: string): Promise<void> {
    for (;;) {
      const r = await this.call<{ status: string }>("GET", `/runs/${id}`);
      if (r.status === status) return;
      if (!["Pending", "Running"].includes(r.status)) {
        throw new Error(`run ${id} is ${r.status}, not ${status}`);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  stream(path: string): Promise<Stream> {
    return Stream.open(`${this.url}/api/v2${path}`, this.key);
  }
}

const statusOf = (m: Message) =>
  (JSON.parse(m.data) as { data?: { status?: string } }).data?.status;

async function stopServer(s: Served | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill("SIGTERM");
  const t = setTimeout(() => s.child.kill("SIGKILL"), 20_000);
  await s.exited;
  clearTimeout(t);
}

/**
 * The run waits for its answer; its stream (on `watcher`) replays up to the question; the
 * answer (given on `actor`) and the rest of the run (executed by `actor`'s executor) reach the
 * stream pushed, and it ends with the final status.
 */
async function answeredLive(actor: Api, watcher: Api): Promise<void> {
  const id = await actor.start("ask");
  await actor.waitStatus(id, "AwaitingAnswer");
  const stream = await watcher.stream(`/runs/${id}/events/stream`);
  try {
    await stream.until((m) => m.event === "question", "the question");
    const before = stream.messages.length;
    await actor.call("POST", `/runs/${id}/answer`, { answer: "blue" });
    await stream.until((m) => m.event === "answer", "the answer (written by the API thread)");
    const log = await stream.until(
      (m) => m.event === "log",
      "the log line (written by the executor)",
    );
    expect(JSON.parse(log.data).data).toMatchObject({ text: "chose blue" });
    await stream.until(
      (m) => m.event === "status" && statusOf(m) === "Succeeded",
      "the final status",
    );
    expect(stream.messages.length).toBeGreaterThan(before);
  } finally {
    stream.close();
  }
}

/** A run started on `actor` shows on `watcher`'s list stream: stored, executing, final. */
async function listedLive(actor: Api, watcher: Api): Promise<void> {
  const stream = await watcher.stream("/runs/events/stream");
  try {
    const id = await actor.start("ask");
    const change = (m: Message) =>
      JSON.parse(m.data) as { id: string; status: string; seq: number };
    const waiting = await stream.until(
      (m) => m.event === "status" && change(m).id === id && change(m).status === "AwaitingAnswer",
      "the run waiting",
    );
    expect(change(waiting).seq).toBeGreaterThan(1);
    await actor.call("POST", `/runs/${id}/answer`, { answer: "red" });
    await stream.until(
      (m) => m.event === "status" && change(m).id === id && change(m).status === "Succeeded",
      "the run succeeded",
    );
  } finally {
    stream.close();
  }
}

describe("live events on SQLite, one server", () => {
  let dir: string;
  let server: Served;
  let api: Api;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plainrun-live-"));
    const key = await createKey(["--data-dir", dir]);
    server = await serve(["--data-dir", dir, ...NO_POLL]);
    api = new Api(server.url, key);
    await api.publish("ask", ASK);
  }, 120_000);
  afterAll(async () => {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("a run's stream gets the events written after it opened, pushed by the executor", async () => {
    await answeredLive(api, api);
  }, 60_000);

  it("the runs' stream tells each status change as it happens", async () => {
    await listedLive(api, api);
  }, 60_000);
});

describe("live events across two servers on one PostgreSQL database", () => {
  let t: TestStore;
  let actor: Served;
  let watcher: Served;
  let a: Api;
  let w: Api;

  beforeAll(async () => {
    t = await createTestStore("postgres");
    const url = `${PG_URL}?schema=${t.schema}`;
    const key = await createKey(["--database-url", url]);
    // Only the actor executes runs: every event is written by it.
    [actor, watcher] = await Promise.all([
      serve(["--database-url", url, ...NO_POLL]),
      serve(["--database-url", url, "--roles", "api", ...NO_POLL]),
    ]);
    a = new Api(actor.url, key);
    w = new Api(watcher.url, key);
    await a.publish("ask", ASK);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([stopServer(actor), stopServer(watcher)]);
    await t?.cleanup();
  }, 30_000);

  it("a run's stream on one server gets the events the other writes, by NOTIFY", async () => {
    await answeredLive(a, w);
  }, 60_000);

  it("the runs' stream on one server tells the status changes the other writes", async () => {
    await listedLive(a, w);
  }, 60_000);
});
