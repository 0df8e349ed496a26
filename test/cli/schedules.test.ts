// `plainrun schedules …` on a data directory, as a person runs them: preview, create (and
// its refusals), list, update, pause, resume, history (with a slot a real server's scheduler
// fired), delete; usage errors exit 2 with one sentence, refusals exit 1 with why.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliResult, plainrun } from "../helpers/cli.ts";
import { until } from "../helpers/engines.ts";
import { serve } from "../helpers/serve.ts";

const dir = mkdtempSync(join(tmpdir(), "plainrun-schedules-cli-"));
const store = ["--data-dir", dir];
const cli = (...args: string[]) => plainrun([...args, ...store]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One line on stderr, `plainrun: …`, matching. */
function oneSentence(r: CliResult, code: number, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^plainrun: /);
  expect(lines[0]).toMatch(pattern);
}

async function json<T>(...args: string[]): Promise<T> {
  const r = await cli(...args, "--json");
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface Schedule {
  id: string;
  name: string;
  summary: string;
  enabled: boolean;
  next: string[];
  inputs: Record<string, unknown>;
  timezone: string;
  overlap: string;
  disabled_reason: string | null;
}

async function process(name: string, source: string, publish = true) {
  const file = join(dir, `${name}.plain`);
  writeFileSync(file, source);
  expect((await cli("processes", "create", name, "--file", file)).code).toBe(0);
  if (publish) expect((await cli("processes", "publish", name)).code).toBe(0);
}

describe("plainrun schedules", { timeout: 120_000 }, () => {
  it("previews a preset and a cron expression: the summary and the next 5 times", async () => {
    const text = await cli(
      "schedules",
      "preview",
      "--weekdays",
      "09:00",
      "--timezone",
      "Europe/Berlin",
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/weekday/i);
    expect(text.stdout).toMatch(/Europe\/Berlin/);
    const times = text.stdout.match(/^ {2}\d{4}-\d\d-\d\d 09:00:00 (Mon|Tue|Wed|Thu|Fri) /gm);
    expect(times, text.stdout).toHaveLength(5);

    const p = await json<{ summary: string; next: string[]; timezone: string }>(
      "schedules",
      "preview",
      "--cron",
      "0 30 8 * * MON",
      "--timezone",
      "America/New_York",
    );
    expect(p.timezone).toBe("America/New_York");
    expect(p.next).toHaveLength(5);
    for (const t of p.next) expect(new Date(t).getUTCDay()).toBe(1);
  });

  it("exits 2 with one sentence for flags that do not say when exactly once", async () => {
    for (const [args, pattern] of [
      [["preview", "--daily", "09:00", "--hourly", "5"], /not --hourly and --daily/],
      [["preview"], /say when/],
      [["preview", "--weekly", "mon,funday", "--at", "09:00"], /"funday" is not a day/],
      [["preview", "--weekly", "mon"], /--weekly needs --at/],
      [["preview", "--daily", "09:00", "--at", "10:00"], /--at goes with --weekly or --monthly/],
      [["preview", "--every", "0"], /--every must be a whole number from 1 to 1440/],
      [["create", "x", "--daily", "09:00", "--overlap", "sometimes"], /allow or skip/],
      [["update", "some-id"], /nothing to change/],
    ] as const) {
      oneSentence(await cli("schedules", ...args), 2, pattern);
    }
  });

  it("refuses a bad expression, an unknown zone and a process never published, saying why", async () => {
    oneSentence(await cli("schedules", "preview", "--cron", "* * * *"), 1, /4 fields/);
    oneSentence(
      await cli("schedules", "preview", "--daily", "09:00", "--timezone", "Mars/Olympus"),
      1,
      /Mars\/Olympus/,
    );
    await process("draft only", 'say "hi"\n', false);
    oneSentence(
      await cli("schedules", "create", "draft only", "--daily", "09:00"),
      1,
      /no published version; publish it/,
    );
  });

  it("creates, lists, updates, pauses, resumes and deletes a schedule", async () => {
    await process("report", 'say "report for {the region}"\n');
    oneSentence(
      await cli("schedules", "create", "report", "--daily", "09:00", "--timezone", "UTC"),
      1,
      /region/,
    );
    const s = await json<Schedule>(
      "schedules",
      "create",
      "report",
      "--weekly",
      "mon,fri",
      "--at",
      "17:30",
      "--timezone",
      "Europe/Berlin",
      "--input",
      "region=EU",
      "--overlap",
      "skip",
    );
    expect(s.inputs).toEqual({ region: "EU" });
    expect(s.overlap).toBe("skip");
    expect(s.enabled).toBe(true);
    expect(s.next).toHaveLength(5);

    const list = await cli("schedules", "list", "report");
    expect(list.stdout).toContain(s.id);
    expect(list.stdout).toMatch(/active/);
    expect(
      (await json<{ items: Schedule[] }>("schedules", "list")).items.map((x) => x.id),
    ).toContain(s.id);

    const renamed = await json<Schedule>("schedules", "update", s.id, "--name", "Weekly report");
    expect(renamed.name).toBe("Weekly report");
    expect(renamed.inputs).toEqual({ region: "EU" });
    const later = await json<Schedule & { starts_at: string | null }>(
      "schedules",
      "update",
      s.id,
      "--starts",
      "2030-01-06T00:00:00Z",
    );
    expect(later.starts_at).toBe("2030-01-06T00:00:00.000Z");
    expect(later.next[0]! >= "2030-01-06").toBe(true);
    const now = await json<Schedule & { starts_at: string | null }>(
      "schedules",
      "update",
      s.id,
      "--starts",
      "none",
    );
    expect(now.starts_at).toBeNull();
    expect(now.next[0]! < "2030").toBe(true);
    oneSentence(
      await cli("schedules", "update", s.id, "--ends", "someday"),
      2,
      /"someday" is not a date/,
    );

    const paused = await json<Schedule>("schedules", "pause", s.id);
    expect(paused.enabled).toBe(false);
    expect(paused.next).toEqual([]);
    expect((await cli("schedules", "list", "report")).stdout).toMatch(/paused/);
    expect((await json<Schedule>("schedules", "resume", s.id)).enabled).toBe(true);
    const history = await cli("schedules", "history", s.id);
    expect(history.stdout).toMatch(/^No slots yet\. Next: \d{4}-/);
    expect(await json("schedules", "history", s.id)).toEqual({ items: [], next_cursor: null });

    const deleted = await cli("schedules", "delete", s.id);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await cli("schedules", "list", "report")).stdout).toMatch(/^No schedules/);
    const gone = await cli("schedules", "pause", s.id);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^plainrun: .*schedule/i);
  });

  it("shows the history: a slot a server's scheduler fired, with its run", async () => {
    await process("tick", 'say "tick"\n');
    const s = await json<Schedule>(
      "schedules",
      "create",
      "tick",
      "--cron",
      "* * * * * *",
      "--timezone",
      "UTC",
    );
    const server = await serve(["--data-dir", dir, "--roles", "api,scheduler,worker"]);
    try {
      // The history, as a person re-runs the command, until a slot has fired.
      type Page = { items: { status: string; run_id: string | null }[] };
      const fired = await until(
        async () => {
          const page = await json<Page>("schedules", "history", s.id);
          return page.items.find((x) => x.status === "fired" && x.run_id);
        },
        60_000,
        500,
      );
      const run = await json<{ trigger: string; trigger_details: Record<string, unknown> }>(
        "runs",
        "show",
        fired.run_id as string,
      );
      expect(run.trigger).toBe("schedule");
      expect(run.trigger_details.schedule_id).toBe(s.id);
      const text = await cli("schedules", "history", s.id);
      expect(text.stdout).toMatch(/^DUE +STATUS +RUN/);
      expect(text.stdout).toContain(fired.run_id as string);
    } finally {
      await cli("schedules", "pause", s.id);
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});
