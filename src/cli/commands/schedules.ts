// `plainrun schedules …`: a stored process's schedules (a preset or a cron expression in a
// time zone, stored inputs, overlap policy), their preview and their history of slots, on the
// store the flags name (the server's scheduler role fires them).
import type { Command } from "commander";
import type { Engine } from "../../engine/index.ts";
import { engineCommand } from "../engineCommand.ts";
import { UsageError } from "../errors.ts";
import { out, printJson, table } from "../format.ts";
import { type CommonFlags, collect, dateArg, intArg, storeOptions } from "../options.ts";
import { inputsFromFlags } from "./start.ts";

type Service = Engine["schedules"];
type Schedule = Awaited<ReturnType<Service["get"]>>;
type Spec = Parameters<Service["preview"]>[0];
type Input = Parameters<Service["create"]>[1];
type Patch = Parameters<Service["update"]>[1];
type Preset = NonNullable<Spec["preset"]>;
type Slot = Awaited<ReturnType<Service["slots"]>>["items"][number];

interface WhenFlags {
  cron?: string;
  every?: number;
  hourly?: number;
  daily?: string;
  weekdays?: string;
  weekly?: string;
  monthly?: number;
  at?: string;
  timezone?: string;
}

interface WriteFlags extends CommonFlags, WhenFlags {
  name?: string;
  input: string[];
  inputs?: string;
  file: string[];
  overlap?: string;
  starts?: string | null;
  ends?: string | null;
  paused?: boolean;
}

interface HistoryFlags extends CommonFlags {
  limit: number;
  cursor?: string;
}

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Day = (typeof DAY_NAMES)[number];

/** The machine's own zone, the default of --timezone. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** `mon,wed,Friday` → ["mon", "wed", "fri"], in week order; an unknown day is a usage error. */
export function parseDays(value: string): Day[] {
  const days = new Set<Day>();
  for (const word of value.split(/[\s,]+/).filter(Boolean)) {
    const day = DAY_NAMES.find((d) => word.toLowerCase().startsWith(d) && /^[a-z]+$/i.test(word));
    if (!day)
      throw new UsageError(
        `--weekly takes days like mon,wed,fri; "${word}" is not a day of the week`,
      );
    days.add(day);
  }
  if (days.size === 0) throw new UsageError("--weekly needs at least one day, like mon,wed,fri");
  return DAY_NAMES.filter((d) => days.has(d));
}

/** The one preset or cron expression the flags give; undefined when they give none. */
export function whenFromFlags(flags: WhenFlags): { cron: string } | { preset: Preset } | undefined {
  const given = (
    [
      ["--cron", flags.cron],
      ["--every", flags.every],
      ["--hourly", flags.hourly],
      ["--daily", flags.daily],
      ["--weekdays", flags.weekdays],
      ["--weekly", flags.weekly],
      ["--monthly", flags.monthly],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (given.length > 1)
    throw new UsageError(
      `give one of --cron, --every, --hourly, --daily, --weekdays, --weekly or --monthly, not ${given.map(([f]) => f).join(" and ")}`,
    );
  const needsAt = flags.weekly !== undefined || flags.monthly !== undefined;
  if (flags.at !== undefined && !needsAt)
    throw new UsageError(
      "--at goes with --weekly or --monthly (--daily and --weekdays take the time)",
    );
  const at = () => {
    if (flags.at === undefined)
      throw new UsageError(
        `${flags.weekly !== undefined ? "--weekly" : "--monthly"} needs --at HH:MM`,
      );
    return flags.at;
  };
  if (flags.cron !== undefined) return { cron: flags.cron };
  if (flags.every !== undefined) return { preset: { kind: "every_minutes", minutes: flags.every } };
  if (flags.hourly !== undefined) return { preset: { kind: "hourly", minute: flags.hourly } };
  if (flags.daily !== undefined) return { preset: { kind: "daily", time: flags.daily } };
  if (flags.weekdays !== undefined) return { preset: { kind: "weekdays", time: flags.weekdays } };
  if (flags.weekly !== undefined)
    return { preset: { kind: "weekly", days: parseDays(flags.weekly), time: at() } };
  if (flags.monthly !== undefined)
    return { preset: { kind: "monthly", day: flags.monthly, time: at() } };
  return undefined;
}

/** `none` clears a date (update); anything else must be a date. */
function dateOrNone(value: string): string | null {
  return value.trim().toLowerCase() === "none" ? null : dateArg(value);
}

function overlapOf(value: string | undefined): "allow" | "skip" | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v !== "allow" && v !== "skip")
    throw new UsageError(`--overlap is allow or skip, not "${value}"`);
  return v;
}

/** A time as the schedule's zone reads it: 2025-01-31 09:00:00 Fri. */
export function zoneTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.weekday}`;
}

function state(s: Schedule): string {
  if (s.disabled_reason) return "disabled";
  return s.enabled ? "active" : "paused";
}

function nextLines(next: string[], timeZone: string): string[] {
  if (next.length === 0) return ["  (none: paused, disabled or ended)"];
  return next.map((t) => `  ${zoneTime(t, timeZone)}  (${t})`);
}

function describe(s: Schedule): string {
  const inputs = Object.entries(s.inputs);
  const lines = [
    `Schedule ${s.id}`,
    `  name:      ${s.name}`,
    `  process:   ${s.process_name}`,
    `  summary:   ${s.summary}`,
    `  cron:      ${s.cron}`,
    `  timezone:  ${s.timezone}`,
    `  state:     ${state(s)}`,
  ];
  if (s.disabled_reason) lines.push(`  why:       ${s.disabled_reason}`);
  lines.push(`  overlap:   ${s.overlap}`);
  if (s.starts_at) lines.push(`  starts:    ${s.starts_at}`);
  if (s.ends_at) lines.push(`  ends:      ${s.ends_at}`);
  if (inputs.length > 0)
    lines.push("  inputs:", ...inputs.map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`));
  lines.push(`Next fire times (${s.timezone}):`, ...nextLines(s.next, s.timezone));
  return lines.join("\n");
}

function show(s: Schedule, json: boolean | undefined): void {
  if (json) printJson(s);
  else out(describe(s));
}

function schedulesTable(items: Schedule[]): string {
  return table(
    ["ID", "PROCESS", "STATE", "NEXT", "SUMMARY"],
    items.map((s) => [
      s.id,
      s.process_name,
      state(s),
      s.next[0] ? zoneTime(s.next[0], s.timezone) : "-",
      s.name === s.summary ? s.summary : `${s.name}: ${s.summary}`,
    ]),
  );
}

function slotsTable(items: Slot[], timeZone: string): string {
  return table(
    ["DUE", "STATUS", "RUN", "RUN STATUS / WHY"],
    items.map((s) => [
      zoneTime(s.due_at, timeZone),
      s.status,
      s.run_id ?? "-",
      s.status === "fired" ? (s.run_status ?? "-") : (s.reason ?? "-"),
    ]),
  );
}

/** The options of create, update and preview that say when. */
function whenOptions(cmd: Command): Command {
  return cmd
    .option(
      "--cron <expression>",
      "5 fields (minute hour day month weekday) or 6 with seconds first",
    )
    .option(
      "--every <minutes>",
      "every N minutes (N divides an hour, or is whole hours dividing a day)",
      intArg("--every", 1, 1440),
    )
    .option("--hourly <minute>", "every hour at this minute (0 to 59)", intArg("--hourly", 0, 59))
    .option("--daily <HH:MM>", "every day at this time")
    .option("--weekdays <HH:MM>", "Monday to Friday at this time")
    .option("--weekly <days>", "on these days (e.g. mon,wed,fri) at --at")
    .option(
      "--monthly <day>",
      "on this day of the month (1 to 31) at --at",
      intArg("--monthly", 1, 31),
    )
    .option("--at <HH:MM>", "the time of --weekly and --monthly")
    .option("--timezone <zone>", "an IANA time zone like Europe/Berlin (default: this machine's)");
}

/** The options of create and update that say what runs. */
function writeOptions(cmd: Command): Command {
  return whenOptions(cmd)
    .option("--name <name>", "the schedule's name (default: its summary)")
    .option(
      "--input <name=value>",
      "a stored input; VALUE is JSON when valid JSON, else text (repeatable)",
      collect,
      [],
    )
    .option("--inputs <file.json>", "a JSON object of stored inputs")
    .option("--file <name=path>", "a stored file input (repeatable)", collect, [])
    .option(
      "--overlap <policy>",
      "allow (default) or skip: skip a slot while the previous run is not final",
    )
    .option("--starts <date>", "fire no slot before this date (none: clear)", dateOrNone)
    .option("--ends <date>", "fire no slot after this date (none: clear)", dateOrNone);
}

const anyInputs = (f: WriteFlags) =>
  f.inputs !== undefined || f.input.length > 0 || f.file.length > 0;

/** `plainrun schedules …`. */
export function registerSchedules(group: Command): void {
  storeOptions(
    group
      .command("list")
      .description("list the schedules of a process, or of every process")
      .argument("[process]", "the process's name or id"),
  ).action((ref: string | undefined, flags: CommonFlags) =>
    engineCommand(flags, async (engine) => {
      const items = ref ? await engine.schedules.list(ref) : await engine.schedules.listAll();
      if (flags.json) return printJson({ items });
      if (items.length === 0)
        return out(
          `No schedules${ref ? ` for ${ref}` : ""}: plainrun schedules create PROCESS --daily 09:00`,
        );
      out(schedulesTable(items));
      for (const s of items.filter((x) => x.disabled_reason))
        out(`${s.id} is disabled: ${s.disabled_reason}`);
    }),
  );

  storeOptions(
    writeOptions(
      group
        .command("create")
        .description("schedule a published process: a preset or --cron, in a time zone")
        .argument("<process>", "the process's name or id"),
    ).option("--paused", "create it paused (resume it later)"),
  ).action((ref: string, flags: WriteFlags) =>
    engineCommand(flags, async (engine) => {
      const when = whenFromFlags(flags);
      if (!when)
        throw new UsageError(
          "say when: --cron, --every, --hourly, --daily, --weekdays, --weekly or --monthly",
        );
      const overlap = overlapOf(flags.overlap);
      const input = {
        ...when,
        timezone: flags.timezone ?? localZone(),
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(overlap ? { overlap } : {}),
        ...(flags.starts !== undefined ? { starts_at: flags.starts } : {}),
        ...(flags.ends !== undefined ? { ends_at: flags.ends } : {}),
        ...(flags.paused ? { enabled: false } : {}),
        inputs: await inputsFromFlags(engine, flags),
      } as Input;
      show(await engine.schedules.create(ref, input), flags.json);
    }),
  );

  storeOptions(
    writeOptions(
      group
        .command("update")
        .description(
          "change a schedule: only what the flags give (the inputs are replaced as a whole)",
        )
        .argument("<id>", "the schedule's id"),
    ),
  ).action((id: string, flags: WriteFlags) =>
    engineCommand(flags, async (engine) => {
      const when = whenFromFlags(flags);
      const overlap = overlapOf(flags.overlap);
      const patch = {
        ...(when ?? {}),
        ...(flags.timezone !== undefined ? { timezone: flags.timezone } : {}),
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(overlap ? { overlap } : {}),
        ...(flags.starts !== undefined ? { starts_at: flags.starts } : {}),
        ...(flags.ends !== undefined ? { ends_at: flags.ends } : {}),
        ...(anyInputs(flags) ? { inputs: await inputsFromFlags(engine, flags) } : {}),
      } as Patch;
      if (Object.keys(patch).length === 0)
        throw new UsageError(
          "nothing to change: give --cron or a preset, --timezone, --name, --input…",
        );
      show(await engine.schedules.update(id, patch), flags.json);
    }),
  );

  for (const [name, description] of [
    ["pause", "stop a schedule firing (its slots while paused are not run later)"],
    ["resume", "let a paused schedule fire again, from its next slot"],
  ] as const) {
    storeOptions(
      group.command(name).description(description).argument("<id>", "the schedule's id"),
    ).action((id: string, flags: CommonFlags) =>
      engineCommand(flags, async (engine) => show(await engine.schedules[name](id), flags.json)),
    );
  }

  storeOptions(
    group
      .command("delete")
      .description("delete a schedule (runs it started stay)")
      .argument("<id>", "the schedule's id"),
  ).action((id: string, flags: CommonFlags) =>
    engineCommand(flags, async (engine) => {
      await engine.schedules.remove(id);
      if (flags.json) printJson({ id, deleted: true });
      else out(`Deleted schedule ${id}`);
    }),
  );

  storeOptions(
    whenOptions(
      group
        .command("preview")
        .description("the summary and next 5 fire times of a preset or --cron, without saving it"),
    ),
  ).action((flags: CommonFlags & WhenFlags) =>
    engineCommand(flags, async (engine) => {
      const when = whenFromFlags(flags);
      if (!when)
        throw new UsageError(
          "say when: --cron, --every, --hourly, --daily, --weekdays, --weekly or --monthly",
        );
      const p = await engine.schedules.preview({
        ...when,
        timezone: flags.timezone ?? localZone(),
      } as Spec);
      if (flags.json) return printJson(p);
      out(
        [p.summary, `Next fire times (${p.timezone}):`, ...nextLines(p.next, p.timezone)].join(
          "\n",
        ),
      );
    }),
  );

  storeOptions(
    group
      .command("history")
      .description("a schedule's slots, newest first: fired (the run) or skipped (why)")
      .argument("<id>", "the schedule's id")
      .option("--limit <n>", "slots per page (1 to 200)", intArg("--limit", 1, 200), 50)
      .option("--cursor <cursor>", "the next page, as the previous page printed"),
  ).action((id: string, flags: HistoryFlags) =>
    engineCommand(flags, async (engine) => {
      const s = await engine.schedules.get(id);
      const page = await engine.schedules.slots(id, {
        limit: flags.limit,
        ...(flags.cursor ? { cursor: flags.cursor } : {}),
      });
      if (flags.json) return printJson(page);
      if (page.items.length === 0) out(`No slots yet. Next: ${s.next[0] ?? "none"}`);
      else out(slotsTable(page.items, s.timezone));
      if (page.next_cursor) out(`More: add --cursor ${page.next_cursor}`);
    }),
  );
}
