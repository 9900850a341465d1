/**
 * The shape of one benchmark run's results (written as JSON to bench/results/) and the targets it is
 * judged against.
 */
import type { PgbenchMode, PgbenchRun } from "./pgbench.ts";
import type { ScanRun } from "./scan.ts";

export const TARGETS = {
  /** Weft/direct tps for point lookups at 16 clients */
  pointLookup16: 0.7,
  /** Weft/direct rows/s for the full scan */
  scan: 0.7,
  /** Weft's peak RSS during a scan, MB */
  peakRssMb: 1024,
  /** the full scan's peak may exceed the quarter scan's by at most this factor (plus slack) to count as flat */
  flatFactor: 1.25,
  flatSlackMb: 32,
} as const;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface LookupResult {
  mode: PgbenchMode;
  clients: number;
  direct: PgbenchRun;
  weft: Outcome<PgbenchRun> | null;
  ratio: number | null;
  /** the share of one core Weft used during its run (100 = one full core) */
  weftCpuPercent: number | null;
}

export interface ScanResult {
  label: "quarter" | "full";
  expectedRows: number;
  /** the median of directRuns */
  direct: ScanRun;
  directRuns: ScanRun[];
  /** the median of weftRuns, or the first failure */
  weft: Outcome<ScanRun> | null;
  weftRuns: ScanRun[];
  ratio: number | null;
  /** highest VmRSS sampled every 100 ms while Weft served this scan (all repeats), MB */
  weftPeakRssSampledMb: number | null;
  /** the kernel's VmHWM after this scan (reset before it when clear_refs allowed), MB */
  weftPeakRssHwmMb: number | null;
  hwmResetBeforeScan: boolean;
}

export interface FoundationResults {
  benchmark: "foundation";
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; memGb: number; node: string; postgres: string; pgbench: string };
  settings: {
    rows: number;
    accounts: number;
    durationS: number;
    modes: PgbenchMode[];
    clients: number[];
    auth: string;
    pool: number;
    scanRepeat: number;
    directOnly: boolean;
  };
  weftStart: Outcome<{ sqlPort: number; idleRssMb: number | null }> | null;
  pointLookups: LookupResult[];
  scans: ScanResult[];
  weftOverallPeakRssMb: number | null;
  verdicts: {
    pointLookup16: boolean | null;
    scan: boolean | null;
    peakRss: boolean | null;
    memoryFlat: boolean | null;
  };
  errors: string[];
}

export function judge(r: FoundationResults): FoundationResults["verdicts"] {
  const at16 = r.pointLookups.filter((l) => l.clients === 16);
  const ratios16 = at16.map((l) => l.ratio);
  const full = r.scans.find((s) => s.label === "full");
  const quarter = r.scans.find((s) => s.label === "quarter");
  const peaks = r.scans.map((s) => peakOf(s));
  const fullPeak = full ? peakOf(full) : null;
  const quarterPeak = quarter ? peakOf(quarter) : null;
  return {
    pointLookup16:
      ratios16.length === 0 || ratios16.some((x) => x === null)
        ? null
        : ratios16.every((x) => x! >= TARGETS.pointLookup16),
    scan: full?.ratio == null ? null : full.ratio >= TARGETS.scan,
    peakRss:
      peaks.length === 0 || peaks.some((p) => p === null) ? null : peaks.every((p) => p! < TARGETS.peakRssMb),
    memoryFlat:
      fullPeak === null || quarterPeak === null
        ? null
        : fullPeak <= quarterPeak * TARGETS.flatFactor + TARGETS.flatSlackMb,
  };
}

/** The scan's peak: the kernel's when it was reset for this scan, else the sampled one. */
export function peakOf(s: ScanResult): number | null {
  if (s.hwmResetBeforeScan && s.weftPeakRssHwmMb !== null) return s.weftPeakRssHwmMb;
  return s.weftPeakRssSampledMb;
}
