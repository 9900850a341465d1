/**
 * The shape of one federated benchmark run (written as JSON to bench/results/) and how it is judged.
 */
import type { BenchCategory } from "./queries.ts";

export const FEDERATED_TARGETS = {
  /** every query: Weft time / FDW peer time at most this */
  perQueryVsFdw: 1,
  /** geometric mean of Weft / FDW over the corpus */
  geoMeanVsFdw: 0.5,
  /** selective cross-service joins: Weft time / oracle time at most this */
  selectiveVsOracle: 3,
  /** Weft's peak RSS over the run, MB */
  peakRssMb: 1536,
} as const;

export type SideName = "oracle" | "fdw" | "weft";

/** One side's figures for one query. */
export type SideResult =
  | { status: "ok"; medianMs: number; runsMs: number[]; rows: number; digest: string; matchesOracle: boolean }
  /** Weft refused with 0A000: the planner cannot run it yet; never reported as a time */
  | { status: "not supported yet"; message: string }
  | { status: "error"; sqlstate: string | null; message: string }
  | { status: "timeout"; afterMs: number };

export interface QueryResult {
  id: string;
  category: BenchCategory;
  selective: boolean;
  oracle: SideResult;
  fdw: SideResult;
  weft: SideResult;
  /** Weft median / FDW median, when both ran and Weft's answer matched the oracle's */
  weftVsFdw: number | null;
  weftVsOracle: number | null;
  fdwVsOracle: number | null;
  /** the kernel's peak RSS of Weft while it ran this query (VmHWM reset before), MB */
  weftPeakRssMb: number | null;
}

export interface FederatedResults {
  benchmark: "federated";
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memGb: number;
    node: string;
    postgres: string;
    mariadb: string;
    mysqlFdw: string | null;
  };
  settings: { scale: number; seed: number; repeat: number; timeoutS: number; only: string[] | null };
  dataset: { rowCounts: Record<string, number>; loadSeconds: number } | null;
  fdwSetup: { steps: string[]; peerSetup: string[]; alignedColumns: string[] } | null;
  weftIdleRssMb: number | null;
  weftPeakRssMb: number | null;
  queries: QueryResult[];
  summary: {
    queries: number;
    weftSupported: number;
    weftMatched: number;
    geoMeanWeftVsFdw: number | null;
    geoMeanFdwVsOracle: number | null;
  };
  verdicts: {
    everyQueryVsFdw: Verdict;
    geoMeanVsFdw: Verdict;
    selectiveVsOracle: Verdict;
    peakRss: Verdict;
  };
  errors: string[];
}

export interface Verdict {
  met: boolean;
  detail: string;
}

const fmt = (r: number) => `${r.toFixed(2)}×`;

export function summarize(r: FederatedResults): FederatedResults["summary"] {
  const weftRatios = r.queries.map((q) => q.weftVsFdw).filter((x): x is number => x !== null);
  const fdwRatios = r.queries.map((q) => q.fdwVsOracle).filter((x): x is number => x !== null);
  return {
    queries: r.queries.length,
    weftSupported: r.queries.filter((q) => q.weft.status === "ok").length,
    weftMatched: r.queries.filter((q) => q.weft.status === "ok" && q.weft.matchesOracle).length,
    geoMeanWeftVsFdw: geo(weftRatios),
    geoMeanFdwVsOracle: geo(fdwRatios),
  };
}

function geo(values: number[]): number | null {
  if (values.length === 0) return null;
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

/** Why Weft has no usable ratio for a query, in a few words. */
export function weftGap(q: QueryResult): string | null {
  const w = q.weft;
  if (w.status === "not supported yet") return "not supported yet";
  if (w.status === "error") return `error ${w.sqlstate ?? ""}`.trim();
  if (w.status === "timeout") return "timed out";
  if (!w.matchesOracle) return "wrong result";
  if (q.weftVsFdw === null) return "no FDW time";
  return null;
}

/** A target is met only when every query it covers has a figure that meets it: a gap is a miss. */
export function judge(r: FederatedResults): FederatedResults["verdicts"] {
  const T = FEDERATED_TARGETS;
  const misses: string[] = [];
  const gaps: string[] = [];
  for (const q of r.queries) {
    const gap = weftGap(q);
    if (gap) gaps.push(`${q.id} (${gap})`);
    else if (q.weftVsFdw! > T.perQueryVsFdw) misses.push(`${q.id} ${fmt(q.weftVsFdw!)}`);
  }
  const everyQueryVsFdw: Verdict =
    misses.length === 0 && gaps.length === 0 && r.queries.length > 0
      ? { met: true, detail: `all ${r.queries.length} queries at most ${T.perQueryVsFdw}× the FDW peer` }
      : {
          met: false,
          detail: [
            misses.length ? `slower than the FDW peer: ${misses.join(", ")}` : "",
            gaps.length ? `no Weft figure: ${gaps.join(", ")}` : "",
          ]
            .filter(Boolean)
            .join("; "),
        };

  const g = r.summary.geoMeanWeftVsFdw;
  const geoMeanVsFdw: Verdict =
    g === null
      ? { met: false, detail: "no query has a Weft figure" }
      : gaps.length > 0
        ? {
            met: false,
            detail: `${fmt(g)} over the ${r.queries.length - gaps.length} queries with a figure; ${gaps.length} without one`,
          }
        : { met: g <= T.geoMeanVsFdw, detail: `${fmt(g)} over all ${r.queries.length} queries` };

  const selective = r.queries.filter((q) => q.selective);
  const selMisses: string[] = [];
  const selGaps: string[] = [];
  for (const q of selective) {
    const gap = weftGap(q);
    if (gap && gap !== "no FDW time") selGaps.push(`${q.id} (${gap})`);
    else if (q.weftVsOracle === null) selGaps.push(`${q.id} (no oracle time)`);
    else if (q.weftVsOracle > T.selectiveVsOracle) selMisses.push(`${q.id} ${fmt(q.weftVsOracle)}`);
  }
  const selectiveVsOracle: Verdict =
    selective.length > 0 && selMisses.length === 0 && selGaps.length === 0
      ? { met: true, detail: `all ${selective.length} within ${T.selectiveVsOracle}× of the oracle` }
      : {
          met: false,
          detail: [
            selMisses.length ? `over ${T.selectiveVsOracle}×: ${selMisses.join(", ")}` : "",
            selGaps.length ? `no Weft figure: ${selGaps.join(", ")}` : "",
          ]
            .filter(Boolean)
            .join("; "),
        };

  const peak = r.weftPeakRssMb;
  const supported = r.summary.weftSupported;
  const peakRss: Verdict =
    peak === null
      ? { met: false, detail: "not measured" }
      : supported === 0
        ? { met: false, detail: `${Math.round(peak)} MB, but Weft ran none of the queries` }
        : {
            met: peak < T.peakRssMb && gaps.length === 0,
            detail:
              `${Math.round(peak)} MB` +
              (gaps.length > 0 ? ` over the ${supported} queries Weft ran (not all of them)` : ""),
          };
  return { everyQueryVsFdw, geoMeanVsFdw, selectiveVsOracle, peakRss };
}
