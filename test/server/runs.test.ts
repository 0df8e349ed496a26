// Runs over a real socket: start (stage rules, idempotency), read, list, cancel, answer,
// events (JSON and SSE with Last-Event-ID), bulk actions, files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, publish, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer("sqlite", { config: { uploadLimit: 64 * 1024 } });
  await publish(s, "double", "the result is the number * 2\nsay the result");
  await publish(
    s,
    "ask",
    'ask "Which colour?" as the colour\n  the choices are "red", "blue"\nsay the colour',
  );
  await s.api("POST", "/api/v2/processes", { name: "drafty", source: "the answer is 42" });
});
afterAll(() => s.close());

const GONE = "00000000-0000-7000-8000-000000000000";

describe("starting runs", () => {
  it("starts a run (202, trigger api with the key) that the workers finish", async () => {
    const r = await s.api("POST", "/api/v2/runs", { process: "double", inputs: { number: 21 } });
    expect(r.status).toBe(202);
    expect(r.headers.get("location")).toBe(`/api/v2/runs/${r.body.id}`);
    expect(r.body).toMatchObject({
      status: "Pending",
      stage: "published",
      version: 1,
      trigger: "api",
      trigger_details: { key: "test" },
      inputs: { number: 21 },
      archived: false,
      rerun_of: null,
    });
    const run = await s.waitRun(r.body.id);
    expect(run).toMatchObject({
      status: "Succeeded",
      outputs: { result: 42 },
      log: ["42"],
      error: null,
    });
    expect(run.started_at).not.toBeNull();
    expect(run.finished_at).not.toBeNull();
    expect(run.timeline.entries.length).toBeGreaterThan(0);
  });

  it("accepts process_id and the draft stage", async () => {
    const p = await s.api("GET", "/api/v2/processes/drafty");
    const r = await s.api("POST", "/api/v2/runs", { process_id: p.body.id, stage: "draft" });
    expect(r.status).toBe(202);
    expect(r.body.version).toBeNull();
    expect((await s.waitRun(r.body.id)).outputs).toEqual({ answer: 42 });
  });

  it("applies the stage rules: 409 with code stage", async () => {
    const p = expectProblem(await s.api("POST", "/api/v2/runs", { process: "drafty" }), 409);
    expect(p.code).toBe("stage");
    expect(p.type).toMatch(/stage$/);
    expect(p.detail).toMatch(/no published version/);
    await s.api("POST", "/api/v2/processes", { name: "empty" });
    const e = expectProblem(
      await s.api("POST", "/api/v2/runs", { process: "empty", stage: "draft" }),
      409,
    );
    expect(e.code).toBe("stage");
  });

  it("refuses bad requests", async () => {
    expectProblem(await s.api("POST", "/api/v2/runs", { process: "nope" }), 404);
    const none = expectProblem(await s.api("POST", "/api/v2/runs", { inputs: {} }), 422);
    expect(none.errors[0].field).toBe("process_id");
    const stage = expectProblem(
      await s.api("POST", "/api/v2/runs", { process: "double", stage: "live" }),
      422,
    );
    expect(stage.errors[0].field).toBe("stage");
    const inputs = expectProblem(
      await s.api("POST", "/api/v2/runs", { process: "double", inputs: [1] }),
      422,
    );
    expect(inputs.errors[0].field).toBe("inputs");
    const extra = expectProblem(
      await s.api("POST", "/api/v2/runs", { process: "double", priority: 1 }),
      422,
    );
    expect(extra.errors).toEqual([{ field: "priority", message: "unknown field" }]);
    expectProblem(await s.api("POST", "/api/v2/runs", "{nope"), 400);
    expectProblem(
      await s.api("POST", "/api/v2/runs", { process: "double", file_ids: ["nope"] }),
      404,
    );
    const big = { process: "double", inputs: { text: "x".repeat(1_100_000) } };
    expectProblem(await s.api("POST", "/api/v2/runs", big), 413);
  });

  it("replays an Idempotency-Key: same body same run; another body 422", async () => {
    const body = { process: "double", inputs: { number: 5 } };
    const h = { "idempotency-key": "order-77" };
    const a = await s.api("POST", "/api/v2/runs", body, h);
    const b = await s.api("POST", "/api/v2/runs", body, h);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    const [c, d] = await Promise.all([
      s.api("POST", "/api/v2/runs", body, { "idempotency-key": "race-1" }),
      s.api("POST", "/api/v2/runs", body, { "idempotency-key": "race-1" }),
    ]);
    expect(c.body.id).toBe(d.body.id);
    const other = await s.api("POST", "/api/v2/runs", { ...body, inputs: { number: 6 } }, h);
    expect(expectProblem(other, 422).code).toBe("idempotency_mismatch");
    const long = await s.api("POST", "/api/v2/runs", body, { "idempotency-key": "k".repeat(300) });
    expect(expectProblem(long, 422).errors[0].field).toBe("header.idempotency-key");
  });
});

describe("reading and managing runs", () => {
  it("lists runs newest first with filters and a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await s.api("POST", "/api/v2/runs", { process: "double", inputs: { number: 1000 + i } }))
          .body.id,
      );
    }
    await s.waitRun(ids[4] as string);
    const page1 = await s.api("GET", "/api/v2/runs?process=double&limit=3");
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(3);
    expect(page1.body.items[0].id).toBe(ids[4]);
    expect(page1.body.next_cursor).toBeTruthy();
    const page2 = await s.api(
      "GET",
      `/api/v2/runs?process=double&limit=3&cursor=${page1.body.next_cursor}`,
    );
    expect(page2.body.items[0].id).toBe(ids[1]);
    const text = await s.api("GET", "/api/v2/runs?text=1003");
    expect(text.body.items.map((r: { id: string }) => r.id)).toEqual([ids[3]]);
    const st = await s.api(
      "GET",
      "/api/v2/runs?status=Failed,Cancelled&trigger=api&stage=published",
    );
    expect(st.status).toBe(200);
    for (const r of st.body.items) expect(["Failed", "Cancelled"]).toContain(r.status);
    const from = new Date(Date.now() + 60_000).toISOString();
    expect((await s.api("GET", `/api/v2/runs?created_from=${from}`)).body.items).toEqual([]);
    expect(expectProblem(await s.api("GET", "/api/v2/runs?status=Done"), 422).errors[0].field).toBe(
      "query.status",
    );
    expectProblem(await s.api("GET", "/api/v2/runs?limit=0"), 422);
    expectProblem(await s.api("GET", "/api/v2/runs?limit=x"), 422);
    expectProblem(await s.api("GET", "/api/v2/runs?colour=red"), 422);
    expectProblem(await s.api("GET", "/api/v2/runs?cursor=bogus"), 422);
    expectProblem(await s.api("GET", "/api/v2/runs?process=nope"), 404);
  });

  it("answers a waiting run, and refuses a second answer", async () => {
    const r = await s.api("POST", "/api/v2/runs", { process: "ask" });
    const waiting = await s.waitRun(r.body.id);
    expect(waiting.status).toBe("AwaitingAnswer");
    expect(waiting.question).toMatchObject({
      line: 1,
      text: "Which colour?",
      choices: ["red", "blue"],
    });
    const bad = await s.api("POST", `/api/v2/runs/${r.body.id}/answer`, { answer: "green" });
    expect(expectProblem(bad, 422).code).toBe("invalid");
    expectProblem(await s.api("POST", `/api/v2/runs/${r.body.id}/answer`, {}), 422);
    expectProblem(
      await s.api("POST", `/api/v2/runs/${r.body.id}/answer`, { answer: "red", x: 1 }),
      422,
    );
    const ok = await s.api("POST", `/api/v2/runs/${r.body.id}/answer`, { answer: "blue" });
    expect(ok.status).toBe(200);
    const done = await s.waitRun(r.body.id);
    expect(done).toMatchObject({ status: "Succeeded", log: ["blue"] });
    expect(
      expectProblem(await s.api("POST", `/api/v2/runs/${r.body.id}/answer`, { answer: "red" }), 409)
        .code,
    ).toBe("conflict");
    expectProblem(await s.api("POST", `/api/v2/runs/${GONE}/answer`, { answer: "red" }), 404);
  });

  it("cancels a run that is not final; 409 once final", async () => {
    const r = await s.api("POST", "/api/v2/runs", { process: "ask" });
    await s.waitRun(r.body.id);
    const c = await s.api("POST", `/api/v2/runs/${r.body.id}/cancel`);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: "Cancelled", cancelled_by: "key:test" });
    expect(expectProblem(await s.api("POST", `/api/v2/runs/${r.body.id}/cancel`), 409).code).toBe(
      "conflict",
    );
    expectProblem(await s.api("POST", `/api/v2/runs/${GONE}/cancel`), 404);
    expectProblem(await s.api("GET", `/api/v2/runs/${GONE}`), 404);
    expectProblem(await s.api("GET", `/api/v2/runs/${GONE}/events`), 404);
    expectProblem(await s.api("GET", `/api/v2/runs/${GONE}/events/stream`), 404);
  });

  it("lists a run's events in order, after a seq", async () => {
    const r = await s.api("POST", "/api/v2/runs", { process: "double", inputs: { number: 2 } });
    await s.waitRun(r.body.id);
    const all = await s.api("GET", `/api/v2/runs/${r.body.id}/events`);
    expect(all.status).toBe(200);
    const seqs = all.body.items.map((e: { seq: number }) => e.seq);
    expect(seqs[0]).toBe(1);
    expect(all.body.items[0]).toMatchObject({ type: "status", data: { status: "Pending" } });
    expect(all.body.items.at(-1)).toMatchObject({ type: "status", data: { status: "Succeeded" } });
    expect(all.body.last_seq).toBe(seqs.at(-1));
    const after = await s.api("GET", `/api/v2/runs/${r.body.id}/events?after=1&limit=1`);
    expect(after.body.items.map((e: { seq: number }) => e.seq)).toEqual([2]);
    expectProblem(await s.api("GET", `/api/v2/runs/${r.body.id}/events?after=-1`), 422);
  });

  it("bulk actions answer per run", async () => {
    const a = (await s.api("POST", "/api/v2/runs", { process: "double", inputs: { number: 3 } }))
      .body.id;
    const w = (await s.api("POST", "/api/v2/runs", { process: "ask" })).body.id;
    await s.waitRun(a);
    await s.waitRun(w);
    const arch = await s.api("POST", "/api/v2/runs/actions/archive", { run_ids: [a, GONE] });
    expect(arch.status).toBe(200);
    expect(arch.body.results[0]).toMatchObject({ id: a, ok: true, run: { archived: true } });
    expect(arch.body.results[1]).toMatchObject({
      id: GONE,
      ok: false,
      error: { code: "not_found" },
    });
    const listed = await s.api("GET", "/api/v2/runs?process=double&limit=500");
    expect(listed.body.items.some((r: { id: string }) => r.id === a)).toBe(false);
    const archived = await s.api("GET", "/api/v2/runs?archived=true");
    expect(archived.body.items.map((r: { id: string }) => r.id)).toContain(a);
    const un = await s.api("POST", "/api/v2/runs/actions/unarchive", { run_ids: [a] });
    expect(un.body.results[0].run.archived).toBe(false);

    const re = await s.api("POST", "/api/v2/runs/actions/rerun", {
      run_ids: [a],
      exact_version: true,
    });
    expect(re.body.results[0]).toMatchObject({ ok: true, run: { rerun_of: a, trigger: "rerun" } });
    expect((await s.waitRun(re.body.results[0].run.id)).outputs).toEqual({ result: 6 });

    const cancel = await s.api("POST", "/api/v2/runs/actions/cancel", { run_ids: [w, a] });
    expect(cancel.body.results[0]).toMatchObject({ id: w, ok: true, run: { status: "Cancelled" } });
    expect(cancel.body.results[1]).toMatchObject({ id: a, ok: false, error: { code: "conflict" } });

    expectProblem(await s.api("POST", "/api/v2/runs/actions/delete", { run_ids: [a] }), 404);
    expectProblem(await s.api("POST", "/api/v2/runs/actions/archive", { run_ids: [] }), 422);
    expectProblem(await s.api("POST", "/api/v2/runs/actions/archive", { run_ids: "x" }), 422);
  });
});

describe("files", () => {
  it("uploads a file (multipart) and runs with it", async () => {
    await publish(
      s,
      "reader",
      'read the note as a table\nsay "{the note\'s name}: {the count of the table} rows"',
    );
    const form = new FormData();
    form.append("file", new Blob(["a,b\n1,2\n3,4\n"], { type: "text/csv" }), "note.csv");
    const up = await fetch(`${s.url}/api/v2/files`, {
      method: "POST",
      headers: { "x-api-key": s.key },
      body: form,
    });
    expect(up.status).toBe(201);
    const file = (await up.json()) as { id: string; name: string; size: number; type: string };
    expect(file).toMatchObject({ name: "note.csv", size: 12, type: "text/csv" });
    const meta = await s.api("GET", `/api/v2/files/${file.id}`);
    expect(meta.body).toEqual(file);
    expectProblem(await s.api("GET", `/api/v2/files/${"0".repeat(64)}`), 404);

    const r = await s.api("POST", "/api/v2/runs", {
      process: "reader",
      inputs: { note: { file_id: file.id } },
    });
    expect(r.status).toBe(202);
    const run = await s.waitRun(r.body.id);
    expect(run.log).toEqual(["note.csv: 2 rows"]);
    expect(run.file_ids).toContain(file.id);
    expect(run.inputs.note).toMatchObject({ file_id: file.id, name: "note.csv" });
  });

  it("downloads a file's bytes as an attachment, never as a page of this site", async () => {
    const form = new FormData();
    const html = "<script>alert(1)</script>";
    form.append("file", new Blob([html], { type: "text/html" }), "résumé (1).html");
    const up = await fetch(`${s.url}/api/v2/files`, {
      method: "POST",
      headers: { "x-api-key": s.key },
      body: form,
    });
    const file = (await up.json()) as { id: string; type: string };
    expect(file.type).toBe("text/html");
    const res = await fetch(`${s.url}/api/v2/files/${file.id}/content`, {
      headers: { "x-api-key": s.key },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(
      "attachment; filename=\"r_sum_ (1).html\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%281%29.html",
    );
    expect(await res.text()).toBe(html);
    expectProblem(await s.api("GET", `/api/v2/files/${"0".repeat(64)}/content`), 404);
    const anonymous = await fetch(`${s.url}/api/v2/files/${file.id}/content`);
    expect(anonymous.status).toBe(401);
  });

  it("refuses oversized uploads (413), missing files (422) and JSON (415)", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(100 * 1024)]), "big.bin");
    const big = await fetch(`${s.url}/api/v2/files`, {
      method: "POST",
      headers: { "x-api-key": s.key },
      body: form,
    });
    expect(big.status).toBe(413);
    expect(big.headers.get("content-type")).toMatch(/problem\+json/);
    const empty = new FormData();
    empty.append("other", "x");
    const none = await fetch(`${s.url}/api/v2/files`, {
      method: "POST",
      headers: { "x-api-key": s.key },
      body: empty,
    });
    expect(none.status).toBe(422);
    expectProblem(await s.api("POST", "/api/v2/files", { file: "x" }), 415);
  });
});

interface SseMessage {
  id: number;
  event: string;
  data: { seq: number; type: string; data: { status?: string } };
}

async function readStream(
  path: string,
  headers: Record<string, string> = {},
): Promise<SseMessage[]> {
  const res = await fetch(s.url + path, { headers: { "x-api-key": s.key, ...headers } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const text = await res.text(); // ends when the server ends the stream
  const out: SseMessage[] = [];
  for (const block of text.split("\n\n")) {
    const lines = block.split("\n");
    const get = (k: string) => lines.find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
    const data = get("data");
    if (data === undefined) continue;
    out.push({ id: Number(get("id")), event: get("event") as string, data: JSON.parse(data) });
  }
  return out;
}

describe("server-sent events", () => {
  it("streams a live run from the start to its final event, then ends", async () => {
    const r = await s.api("POST", "/api/v2/runs", { process: "ask" });
    const streamed = readStream(`/api/v2/runs/${r.body.id}/events/stream`);
    await s.waitRun(r.body.id);
    await s.api("POST", `/api/v2/runs/${r.body.id}/answer`, { answer: "red" });
    const events = await streamed;
    expect(events.map((e) => e.id)).toEqual(events.map((_e, i) => i + 1));
    expect(events[0]).toMatchObject({ event: "status", data: { data: { status: "Pending" } } });
    expect(events.some((e) => e.event === "question")).toBe(true);
    expect(events.some((e) => e.event === "answer")).toBe(true);
    expect(events.at(-1)).toMatchObject({
      event: "status",
      data: { data: { status: "Succeeded" } },
    });
  });

  it("resumes after Last-Event-ID (or ?after), and ends at once when nothing is left", async () => {
    const r = await s.api("POST", "/api/v2/runs", { process: "double", inputs: { number: 4 } });
    const run = await s.waitRun(r.body.id);
    const all = await readStream(`/api/v2/runs/${r.body.id}/events/stream`);
    expect(all.at(-1)?.id).toBe(run.last_event_seq);
    const resumed = await readStream(`/api/v2/runs/${r.body.id}/events/stream`, {
      "last-event-id": "2",
    });
    expect(resumed.map((e) => e.id)).toEqual(all.filter((e) => e.id > 2).map((e) => e.id));
    const q = await readStream(`/api/v2/runs/${r.body.id}/events/stream?after=3`);
    expect(q[0]?.id).toBe(4);
    const none = await readStream(`/api/v2/runs/${r.body.id}/events/stream`, {
      "last-event-id": String(run.last_event_seq),
    });
    expect(none).toEqual([]);
  });

  it("sends heartbeats on idle streams", async () => {
    const hb = await startTestServer("sqlite", { config: { sseHeartbeatMs: 100 } });
    try {
      await publish(hb, "ask", 'ask "Which colour?" as the colour');
      const r = await hb.api("POST", "/api/v2/runs", { process: "ask" });
      await hb.waitRun(r.body.id);
      const res = await fetch(`${hb.url}/api/v2/runs/${r.body.id}/events/stream`, {
        headers: { "x-api-key": hb.key },
      });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      // Read until a heartbeat comes (the test's timeout is the bound): the run asks and
      // nothing else happens on its stream.
      let text = "";
      while (!text.includes(": heartbeat")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain(": heartbeat");
      await reader.cancel();
    } finally {
      await hb.close();
    }
  });
});
