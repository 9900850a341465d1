/**
 * Memory of another process from /proc/<pid>/status: VmRSS sampled every 100 ms, VmHWM (the kernel's peak
 * RSS), and a per-phase peak by resetting VmHWM through /proc/<pid>/clear_refs where the kernel allows it.
 */
import { readFileSync, writeFileSync } from "node:fs";

export function readStatusKb(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Resets the peak-RSS counter (VmHWM) to the current RSS; false when not permitted. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export interface RssSampler {
  /** highest VmRSS seen since start() or the last mark() */
  peakKb(): number;
  /** starts a new phase: resets the sampled peak and, if possible, the kernel's VmHWM */
  mark(): void;
  /** the kernel's peak since the last successful reset (or since process start) */
  hwmKb(): number | null;
  stop(): void;
  samples(): number;
}

export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peak = 0;
  let count = 0;
  const sample = () => {
    const kb = readStatusKb(pid, "VmRSS");
    if (kb !== null) {
      count++;
      if (kb > peak) peak = kb;
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    peakKb: () => {
      sample();
      return peak;
    },
    mark: () => {
      resetPeak(pid);
      peak = 0;
      sample();
    },
    hwmKb: () => readStatusKb(pid, "VmHWM"),
    stop: () => clearInterval(timer),
    samples: () => count,
  };
}
