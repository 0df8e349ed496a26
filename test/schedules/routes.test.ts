// The schedule routes over real HTTP: each answer's shape, and bad inputs answered 422 (or
// 409/404) with a detail or field errors that name the problem.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../server/helpers.ts";

describe.each(["sqlite", "postgres"] as const)("schedule routes on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { workers: false });
    await s.api("POST", "/api/v2/processes", {
      name: "invoice",
      source: "the total is the price * 2",
    });
    await s.api("POST", "/api/v2/processes/invoice/publish");
    await s.api("POST", "/api/v2/processes", { name: "draft", source: "the total is 1" });
  }, 60_000);
  afterAll(() => s?.close());

  it("previews a cron expression and a preset; refuses bad ones naming the problem", async () => {
    const ok = await s.api("POST", "/api/v2/schedules/preview", {
      preset: { kind: "weekdays", time: "09:00" },
      timezone: "Europe/Berlin",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.summary).toBe("Every weekday at 09:00, Europe/Berlin");
    expect(ok.body.next).toHaveLength(5);
    expect(ok.body.timezone).toBe("Europe/Berlin");
    const four = await s.api("POST", "/api/v2/schedules/preview", {
      cron: "0 0 * *",
      timezone: "UTC",
    });
    expect(four.status).toBe(422);
    expect(four.body.detail).toContain("The cron expression has 4 fields");
    const zone = await s.api("POST", "/api/v2/schedules/preview", {
      cron: "0 0 * * *",
      timezone: "Nowhere/City",
    });
    expect(zone.status).toBe(422);
    expect(zone.body.detail).toContain('"Nowhere/City" is not a time zone');
    const preset = await s.api("POST", "/api/v2/schedules/preview", {
      preset: { kind: "daily", time: "9am" },
      timezone: "UTC",
    });
    expect(preset.status).toBe(422);
    expect(JSON.stringify(preset.body.errors)).toContain("preset.time");
    const extra = await s.api("POST", "/api/v2/schedules/preview", {
      cron: "* * * * *",
      timezone: "UTC",
      when: 1,
    });
    expect(extra.status).toBe(422);
    expect(extra.body.errors).toContainEqual({ field: "when", message: "unknown field" });
  });

  it("creates, lists, reads, changes, pauses, resumes and deletes a schedule", async () => {
    const made = await s.api("POST", "/api/v2/processes/invoice/schedules", {
      cron: "0 9 * * 1-5",
      timezone: "Europe/Berlin",
      inputs: { price: 4 },
      overlap: "skip",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      process_name: "invoice",
      name: "Every weekday at 09:00, Europe/Berlin",
      cron: "0 9 * * 1-5",
      preset: null,
      inputs: { price: 4 },
      enabled: true,
      disabled_reason: null,
      overlap: "skip",
      summary: "Every weekday at 09:00, Europe/Berlin",
    });
    expect(made.body.next).toHaveLength(5);
    const id = made.body.id as string;
    const list = await s.api("GET", "/api/v2/processes/invoice/schedules");
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([id]);
    expect((await s.api("GET", `/api/v2/schedules/${id}`)).body.id).toBe(id);
    const changed = await s.api("PATCH", `/api/v2/schedules/${id}`, {
      preset: { kind: "monthly", day: "last", time: "18:00" },
      name: "Month end",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: "Month end",
      cron: "0 18 L * *",
      preset: { kind: "monthly", day: "last" },
    });
    // A null name: named after the summary again.
    const unnamed = await s.api("PATCH", `/api/v2/schedules/${id}`, { name: null });
    expect(unnamed.status).toBe(200);
    expect(unnamed.body.name).toBe(unnamed.body.summary);
    const paused = await s.api("POST", `/api/v2/schedules/${id}/pause`);
    expect(paused.body).toMatchObject({ enabled: false, next: [] });
    const resumed = await s.api("POST", `/api/v2/schedules/${id}/resume`);
    expect(resumed.body.enabled).toBe(true);
    expect(resumed.body.next).toHaveLength(5);
    const slots = await s.api("GET", `/api/v2/schedules/${id}/slots?limit=10`);
    expect(slots.body).toEqual({ items: [], next_cursor: null });
    const badLimit = await s.api("GET", `/api/v2/schedules/${id}/slots?limit=0`);
    expect(badLimit.status).toBe(422);
    expect(JSON.stringify(badLimit.body.errors)).toContain("query.limit");
    expect((await s.api("DELETE", `/api/v2/schedules/${id}`)).status).toBe(204);
    const gone = await s.api("GET", `/api/v2/schedules/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.detail).toBe(`No schedule with id "${id}".`);
  });

  it("publishing a version that needs a new input turns the schedule off, saying why", async () => {
    await s.api("POST", "/api/v2/processes", {
      name: "report",
      source: "the total is the price * 2",
    });
    await s.api("POST", "/api/v2/processes/report/publish");
    const made = await s.api("POST", "/api/v2/processes/report/schedules", {
      preset: { kind: "daily", time: "07:00" },
      timezone: "UTC",
      inputs: { price: 1 },
    });
    expect(made.status).toBe(201);
    await s.api("PATCH", "/api/v2/processes/report", {
      source: "the total is the price * the region",
    });
    expect((await s.api("POST", "/api/v2/processes/report/publish")).status).toBe(201);
    const [off] = (await s.api("GET", "/api/v2/processes/report/schedules")).body.items;
    expect(off).toMatchObject({
      enabled: false,
      next: [],
      disabled_reason: "Version 2 needs the input 'region', which this schedule does not store.",
    });
    const resume = await s.api("POST", `/api/v2/schedules/${made.body.id}/resume`);
    expect(resume.status).toBe(422);
    expect(resume.body.detail).toContain("needs the input 'region'");
    const fixed = await s.api("PATCH", `/api/v2/schedules/${made.body.id}`, {
      inputs: { price: 1, region: 3 },
      enabled: true,
    });
    expect(fixed.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("refuses a never-published process (409), missing inputs (422), bad fields (422)", async () => {
    const draft = await s.api("POST", "/api/v2/processes/draft/schedules", {
      cron: "0 9 * * *",
      timezone: "UTC",
    });
    expect(draft.status).toBe(409);
    expect(draft.body.detail).toBe(
      '"draft" has no published version; publish it before scheduling it.',
    );
    const missing = await s.api("POST", "/api/v2/processes/invoice/schedules", {
      cron: "0 9 * * *",
      timezone: "UTC",
    });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toContain(
      "needs the input 'price', which this schedule does not store",
    );
    const both = await s.api("POST", "/api/v2/processes/invoice/schedules", {
      cron: "0 9 * * *",
      preset: { kind: "hourly", minute: 0 },
      timezone: "UTC",
      inputs: { price: 1 },
    });
    expect(both.status).toBe(422);
    expect(both.body.detail).toContain("not both");
    const overlap = await s.api("POST", "/api/v2/processes/invoice/schedules", {
      cron: "0 9 * * *",
      timezone: "UTC",
      overlap: "queue",
    });
    expect(overlap.status).toBe(422);
    expect(JSON.stringify(overlap.body.errors)).toContain("overlap");
    const ends = await s.api("POST", "/api/v2/processes/invoice/schedules", {
      cron: "0 9 * * *",
      timezone: "UTC",
      inputs: { price: 1 },
      starts_at: "2027-01-02T00:00:00Z",
      ends_at: "2027-01-01T00:00:00Z",
    });
    expect(ends.status).toBe(422);
    expect(ends.body.detail).toContain("must be after starts_at");
    const noProcess = await s.api("POST", "/api/v2/processes/nope/schedules", {
      cron: "0 9 * * *",
      timezone: "UTC",
    });
    expect(noProcess.status).toBe(404);
    expect((await s.api("GET", "/api/v2/processes/invoice/schedules")).body.items).toEqual([]);
  });
});
