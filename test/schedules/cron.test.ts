// The schedule domain alone: expressions and presets refused with messages that name the
// problem; fire times across daylight-saving changes (Vixie cron's rules) in three zones.
import { describe, expect, it } from "vitest";
import { checkSpec, upcoming } from "../../src/engine/schedules/spec.ts";

function next(spec: Record<string, unknown>, from: string, count = 5): string[] {
  return upcoming(checkSpec(spec), Date.parse(from), count).map((t) => new Date(t).toISOString());
}

function refusal(spec: Record<string, unknown>): string {
  try {
    checkSpec(spec);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("accepted");
}

describe("validation", () => {
  const tz = "UTC";
  it.each([
    [{ cron: "0 0 * *", timezone: tz }, "has 4 fields; it needs 5"],
    [{ cron: "0 0 * * * * *", timezone: tz }, "has 7 fields"],
    [{ cron: "", timezone: tz }, "cron expression is needed"],
    [{ cron: "61 * * * *", timezone: tz }, "invalid value for minute: 61"],
    [{ cron: "0 25 * * *", timezone: tz }, "hour"],
    [{ cron: "0 0 15X * *", timezone: tz }, 'day-of-month field "15X"'],
    [{ cron: "0 0 32W * *", timezone: tz }, "W follows one day"],
    [{ cron: "0 0 15W * MON", timezone: tz }, "day-of-week field must be"],
    [{ cron: "0 0 30 2 *", timezone: tz }, "never fires"],
    [{ cron: "0 0 * * * $", timezone: tz }, "cannot hold"],
    [{ cron: "@daily", timezone: tz }, "nickname"],
    [{ cron: "x".repeat(300), timezone: tz }, "at most 200 characters"],
    [{ cron: "0 9 * * *", timezone: "Mars/Olympus" }, '"Mars/Olympus" is not a time zone'],
    [{ cron: "0 9 * * *" }, "needs a time zone"],
    [{ timezone: tz }, "needs a cron expression or a preset"],
    [{ cron: "0 9 * * *", preset: { kind: "daily", time: "09:00" }, timezone: tz }, "not both"],
    [
      { preset: { kind: "every_minutes", minutes: 7 }, timezone: tz },
      "Every 7 minutes does not divide",
    ],
    [{ preset: { kind: "every_minutes", minutes: 0 }, timezone: tz }, "from 1 to 1440"],
    [{ preset: { kind: "hourly", minute: 60 }, timezone: tz }, "0 to 59"],
    [{ preset: { kind: "daily", time: "24:00" }, timezone: tz }, '"HH:MM" on a 24-hour clock'],
    [{ preset: { kind: "weekly", days: [], time: "09:00" }, timezone: tz }, "at least one day"],
    [{ preset: { kind: "weekly", days: ["funday"], time: "09:00" }, timezone: tz }, '"funday"'],
    [{ preset: { kind: "monthly", day: 32, time: "09:00" }, timezone: tz }, '1 to 31, or "last"'],
    [{ preset: { kind: "yearly" }, timezone: tz }, "kind is one of"],
    [{ cron: "0 9 * * *", timezone: tz, starts_at: "tomorrow" }, "starts_at is a date"],
    [
      {
        cron: "0 9 * * *",
        timezone: tz,
        starts_at: "2026-02-01T00:00Z",
        ends_at: "2026-01-01T00:00Z",
      },
      "must be after starts_at",
    ],
  ])("%j is refused naming the problem", (spec, words) => {
    expect(refusal(spec)).toContain(words);
  });

  it("accepts 5 and 6 fields, L, W, #, ranges, steps, names", () => {
    expect(next({ cron: "0 0 L * *", timezone: tz }, "2026-01-01T00:00Z", 2)).toEqual([
      "2026-01-31T00:00:00.000Z",
      "2026-02-28T00:00:00.000Z",
    ]);
    // 15 Feb 2026 is a Sunday, 15 Mar a Sunday too: the nearest weekday is Monday the 16th.
    expect(next({ cron: "0 0 15W * *", timezone: tz }, "2026-01-01T00:00Z", 3)).toEqual([
      "2026-01-15T00:00:00.000Z",
      "2026-02-16T00:00:00.000Z",
      "2026-03-16T00:00:00.000Z",
    ]);
    // 1 Aug 2026 is a Saturday: 1W is Monday the 3rd (never the previous month).
    expect(next({ cron: "0 0 1W * *", timezone: tz }, "2026-07-15T00:00Z", 1)).toEqual([
      "2026-08-03T00:00:00.000Z",
    ]);
    expect(next({ cron: "0 0 LW * *", timezone: tz }, "2026-01-01T00:00Z", 1)).toEqual([
      "2026-01-30T00:00:00.000Z",
    ]);
    expect(next({ cron: "0 9 * JAN,jul MON#2", timezone: tz }, "2026-01-01T00:00Z", 2)).toEqual([
      "2026-01-12T09:00:00.000Z",
      "2026-07-13T09:00:00.000Z",
    ]);
    expect(next({ cron: "*/20 9-10 * * mon-fri", timezone: tz }, "2026-01-02T09:30Z", 4)).toEqual([
      "2026-01-02T09:40:00.000Z",
      "2026-01-02T10:00:00.000Z",
      "2026-01-02T10:20:00.000Z",
      "2026-01-02T10:40:00.000Z",
    ]);
    expect(next({ cron: "*/15 * * * * *", timezone: tz }, "2026-01-01T00:00Z", 3)).toEqual([
      "2026-01-01T00:00:15.000Z",
      "2026-01-01T00:00:30.000Z",
      "2026-01-01T00:00:45.000Z",
    ]);
  });

  it("writes presets as cron and says them in words", () => {
    const s = (spec: Record<string, unknown>) => {
      const c = checkSpec(spec);
      return [c.cron, c.summary];
    };
    const b = "Europe/Berlin";
    expect(s({ preset: { kind: "weekdays", time: "09:00" }, timezone: b })).toEqual([
      "0 9 * * 1-5",
      "Every weekday at 09:00, Europe/Berlin",
    ]);
    expect(s({ preset: { kind: "every_minutes", minutes: 15 }, timezone: b })).toEqual([
      "*/15 * * * *",
      "Every 15 minutes, Europe/Berlin",
    ]);
    expect(s({ preset: { kind: "every_minutes", minutes: 120 }, timezone: b })).toEqual([
      "0 */2 * * *",
      "Every 2 hours, Europe/Berlin",
    ]);
    expect(s({ preset: { kind: "hourly", minute: 5 }, timezone: b })).toEqual([
      "5 * * * *",
      "Every hour at 5 past, Europe/Berlin",
    ]);
    expect(s({ preset: { kind: "daily", time: "7:30" }, timezone: b })).toEqual([
      "30 7 * * *",
      "Every day at 07:30, Europe/Berlin",
    ]);
    expect(
      s({ preset: { kind: "weekly", days: ["fri", "mon"], time: "18:00" }, timezone: b }),
    ).toEqual(["0 18 * * 1,5", "Every Monday and Friday at 18:00, Europe/Berlin"]);
    expect(s({ preset: { kind: "monthly", day: "last", time: "23:00" }, timezone: b })).toEqual([
      "0 23 L * *",
      "On the last day of every month at 23:00, Europe/Berlin",
    ]);
    expect(s({ cron: "0 9 * * 1-5", timezone: b })[1]).toBe(
      "Every weekday at 09:00, Europe/Berlin",
    );
    expect(s({ cron: "* * * * * *", timezone: "UTC" })[1]).toBe("Every second, UTC");
    expect(s({ cron: "0 0 15W * *", timezone: "UTC" })[1]).toBe(
      "On the weekday nearest day 15 of every month at 00:00, UTC",
    );
  });
});

describe("daylight saving", () => {
  it("Europe/Berlin: a skipped 02:30 fires once when the clock jumps; a repeated one once, first", () => {
    // 29 Mar 2026: 02:00 CET becomes 03:00 CEST (01:00Z).
    expect(next({ cron: "30 2 * * *", timezone: "Europe/Berlin" }, "2026-03-27T12:00Z", 4)).toEqual(
      [
        "2026-03-28T01:30:00.000Z",
        "2026-03-29T01:00:00.000Z",
        "2026-03-30T00:30:00.000Z",
        "2026-03-31T00:30:00.000Z",
      ],
    );
    // 25 Oct 2026: 03:00 CEST becomes 02:00 CET (01:00Z); 02:30 happens twice.
    expect(next({ cron: "30 2 * * *", timezone: "Europe/Berlin" }, "2026-10-24T12:00Z", 3)).toEqual(
      ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z", "2026-10-27T01:30:00.000Z"],
    );
  });

  it("Europe/Berlin: a schedule with * in its hour follows real time through both changes", () => {
    expect(
      next({ cron: "*/30 * * * *", timezone: "Europe/Berlin" }, "2026-10-24T23:45Z", 5),
    ).toEqual([
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T01:30:00.000Z",
      "2026-10-25T02:00:00.000Z",
    ]);
    expect(next({ cron: "0 * * * *", timezone: "Europe/Berlin" }, "2026-03-28T23:30Z", 3)).toEqual([
      "2026-03-29T00:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T02:00:00.000Z",
    ]);
  });

  it("America/New_York: 02:30 on the spring day fires at 03:00 EDT; 01:30 on the fall day once", () => {
    // 8 Mar 2026: 02:00 EST becomes 03:00 EDT (07:00Z).
    expect(
      next({ cron: "30 2 * * *", timezone: "America/New_York" }, "2026-03-07T00:00Z", 3),
    ).toEqual(["2026-03-07T07:30:00.000Z", "2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"]);
    // 1 Nov 2026: 02:00 EDT becomes 01:00 EST; 01:30 EDT (05:30Z) is the first 01:30.
    expect(
      next({ cron: "30 1 * * *", timezone: "America/New_York" }, "2026-10-31T12:00Z", 3),
    ).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z", "2026-11-03T06:30:00.000Z"]);
  });

  it("Australia/Adelaide (a half-hour offset with DST) and Asia/Kolkata (+05:30)", () => {
    // 4 Oct 2026: 02:00 ACST (+09:30) becomes 03:00 ACDT (+10:30) at 16:30Z on the 3rd.
    expect(
      next({ cron: "30 2 * * *", timezone: "Australia/Adelaide" }, "2026-10-02T00:00Z", 3),
    ).toEqual(["2026-10-02T17:00:00.000Z", "2026-10-03T16:30:00.000Z", "2026-10-04T16:00:00.000Z"]);
    // 5 Apr 2026: 03:00 ACDT becomes 02:00 ACST; 02:30 ACDT (16:00Z on the 4th) fires, once.
    expect(
      next({ cron: "30 2 * * *", timezone: "Australia/Adelaide" }, "2026-04-03T00:00Z", 3),
    ).toEqual(["2026-04-03T16:00:00.000Z", "2026-04-04T16:00:00.000Z", "2026-04-05T17:00:00.000Z"]);
    expect(
      next(
        { preset: { kind: "daily", time: "09:00" }, timezone: "Asia/Kolkata" },
        "2026-04-03T00:00Z",
        2,
      ),
    ).toEqual(["2026-04-03T03:30:00.000Z", "2026-04-04T03:30:00.000Z"]);
  });

  it("start and end dates bound the fire times", () => {
    expect(
      next(
        {
          cron: "0 9 * * *",
          timezone: "UTC",
          starts_at: "2026-05-03T00:00Z",
          ends_at: "2026-05-05T09:00Z",
        },
        "2026-01-01T00:00Z",
      ),
    ).toEqual(["2026-05-03T09:00:00.000Z", "2026-05-04T09:00:00.000Z", "2026-05-05T09:00:00.000Z"]);
  });
});
