// The CPU a process (all its threads) has used, from /proc: load moves it far less than
// wall-clock figures, so two commits can be compared on a busy machine.
import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds (user + system, all threads) process `pid` has used so far (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

/**
 * CPU seconds of process `pid`'s main thread ("main") and of all its other threads
 * together ("others": workers, V8's helpers, libuv's pool); Linux names most of Node's
 * threads alike, so they are told apart by id. Threads that ended are not counted.
 */
export function cpuSecondsByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      const s = (Number(fields[11]) + Number(fields[12])) / 100;
      const name = Number(tid) === pid ? "main" : "others";
      out.set(name, (out.get(name) ?? 0) + s);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}
