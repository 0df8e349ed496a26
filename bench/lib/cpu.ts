// The CPU a process (all its threads) has used, from /proc: load moves it far less than
// wall-clock figures, so two commits can be compared on a busy machine.
import { readFileSync } from "node:fs";

/** CPU seconds (user + system, all threads) process `pid` has used so far (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}
