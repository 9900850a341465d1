/**
 * EXPLAIN ANALYZE's counters: a RowSource wrapper per plan node (rows, batches, inclusive
 * time) and a ScanOpener wrapper per remote source (queries sent, rows, batches, bytes,
 * time). Built only when analyzing, so a normal query pays nothing.
 */
import type { RowBatch } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import type { ApplyStats, ExplainStats, NodeStats, RemoteStats } from "../planner/explain.ts";
import type { ApplyPlan, LateralApplyPlan, QueryPlan, RemoteScanPlan } from "../planner/query-plan.ts";
import type { ScanOpener } from "./build-plan.ts";
import type { RowSource } from "./row-source.ts";

export interface Instrumentation extends ExplainStats {
  /** wraps the operator built for `plan` */
  wrap(plan: QueryPlan, source: RowSource): RowSource;
  /** the counters an apply updates (created on first use) */
  applyStats(plan: ApplyPlan | LateralApplyPlan): ApplyStats;
  /** wraps the scan opener every remote scan (also a bind join's keyed ones) goes through */
  opener(inner: ScanOpener): ScanOpener;
}

export function createInstrumentation(): Instrumentation {
  const nodes = new Map<QueryPlan, NodeStats>();
  // A bind join opens a copy of its inner scan with the key predicate added; the copy shares the
  // scan's `columns` array, so that array identifies the source across copies.
  const remotes = new Map<object, RemoteStats>();
  const remoteOf = (scan: RemoteScanPlan): RemoteStats => {
    let stats = remotes.get(scan.columns);
    if (!stats) {
      stats = { queries: 0, rows: 0, batches: 0, bytes: 0, timeMs: 0 };
      remotes.set(scan.columns, stats);
    }
    return stats;
  };
  const applies = new Map<ApplyPlan | LateralApplyPlan, ApplyStats>();
  return {
    node: (plan) => nodes.get(plan),
    remote: (scan) => remotes.get(scan.columns),
    apply: (plan) => applies.get(plan),
    applyStats(plan) {
      let stats = applies.get(plan);
      if (!stats) {
        stats = { evaluations: 0, hits: 0 };
        applies.set(plan, stats);
      }
      return stats;
    },
    wrap(plan, source) {
      let stats = nodes.get(plan);
      if (!stats) {
        stats = { rows: 0, batches: 0, timeMs: 0, loops: 0 };
        nodes.set(plan, stats);
      }
      stats.loops++;
      return countingSource(source, stats);
    },
    opener(inner) {
      return {
        async open(scan, extra) {
          const stats = remoteOf(scan);
          stats.queries++;
          const started = performance.now();
          let source: RowSource;
          try {
            source = await inner.open(scan, extra);
          } finally {
            stats.timeMs += performance.now() - started;
          }
          return remoteSource(source, stats);
        },
      };
    },
  };
}

function countingSource(source: RowSource, stats: NodeStats): RowSource {
  return {
    async next() {
      const started = performance.now();
      try {
        const batch = await source.next();
        if (batch) {
          stats.rows += batch.length;
          stats.batches++;
        }
        return batch;
      } finally {
        stats.timeMs += performance.now() - started;
      }
    },
    close: () => source.close(),
  };
}

function remoteSource(source: RowSource, stats: RemoteStats): RowSource {
  return {
    async next() {
      const started = performance.now();
      let batch: RowBatch | null;
      try {
        batch = await source.next();
      } finally {
        stats.timeMs += performance.now() - started;
      }
      if (batch) {
        stats.rows += batch.length;
        stats.batches++;
        for (const row of batch) for (const v of row) stats.bytes += wireBytes(v);
      }
      return batch;
    },
    close: () => source.close(),
  };
}

/** An estimate of a value's size on the wire from the source (drivers do not report bytes read). */
export function wireBytes(v: Value): number {
  if (v === null) return 0;
  if (typeof v === "string") return Buffer.byteLength(v);
  if (typeof v === "boolean") return 1;
  if (typeof v === "number" || typeof v === "bigint") return 8;
  if (v instanceof Uint8Array) return v.byteLength;
  if (Array.isArray(v)) {
    let n = 0;
    for (const e of v) n += wireBytes(e) + 4;
    return n;
  }
  return 16; // interval
}
