/**
 * CPU time another process has used, from /proc/<pid>/stat (user + system), to tell "Weft is slow because
 * it burns CPU" from "Weft is slow because it waits".
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | null = null;
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function readCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at state; utime and stime are the
    // 12th and 13th of those.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / clockTicks();
  } catch {
    return null;
  }
}

/** Runs fn and reports the share of one core the process used meanwhile (100 = one full core). */
export async function withCpuShare<T>(
  pid: number,
  fn: () => Promise<T>,
): Promise<{ value: T; cpuPercent: number | null }> {
  const cpu0 = readCpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const cpu1 = readCpuSeconds(pid);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuPercent = cpu0 === null || cpu1 === null || wall <= 0 ? null : ((cpu1 - cpu0) / wall) * 100;
  return { value, cpuPercent };
}
