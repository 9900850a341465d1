/**
 * Window functions. The input is materialised (reserved in the memory budget), sorted by
 * the PARTITION BY keys (ascending, NULLs last) then the ORDER BY keys (stable), and each
 * partition is computed and emitted in turn. Output rows: the input columns, then one
 * column per function, in that sorted order.
 *
 * Result types follow PostgreSQL: row_number/rank/dense_rank int8 (bigint), ntile int4,
 * percent_rank/cume_dist float8, lag/lead/first_value/last_value/nth_value the argument's.
 * Aggregates over a frame that starts at the partition's first row are folded
 * incrementally and call `final` on a live state, which must not change it (PostgreSQL
 * asks the same of final functions used as window aggregates).
 */
import { PgError } from "../../common/pg-error.ts";
import type { Row } from "../../common/row.ts";
import type { Value } from "../../common/values.ts";
import { estimateRowBytes } from "../memory-budget.ts";
import type { EvalContext, Evaluator, RowSource } from "../row-source.ts";
import type { AggregateOverload } from "../scalar/registry.ts";
import { BatchBuilder, fromBatchGenerator } from "./batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./env.ts";
import { compareKeyTuples, evalKeys, groupKey, hasNull, type KeyExpr, type SortKey } from "./keys.ts";
import { Reservation } from "./reservation.ts";
import {
  DEFAULT_FRAME,
  excluded,
  type Frame,
  frameRange,
  hasExclusion,
  type PartitionLayout,
} from "./window-frame.ts";

export type WindowFunctionKind =
  | "row_number"
  | "rank"
  | "dense_rank"
  | "percent_rank"
  | "cume_dist"
  | "ntile"
  | "lag"
  | "lead"
  | "first_value"
  | "last_value"
  | "nth_value"
  | "aggregate";

export interface WindowFunctionCall {
  kind: WindowFunctionKind;
  /** ntile(n); lag/lead(value [, offset [, default]]); first/last_value(value); nth_value(value, n); aggregate args */
  args: Evaluator[];
  /** for kind "aggregate" */
  def?: AggregateOverload;
  /** aggregate FILTER (WHERE …) */
  filter?: Evaluator;
  /** defaults to DEFAULT_FRAME */
  frame?: Frame;
}

export interface WindowSpec {
  partitionBy: KeyExpr[];
  orderBy: SortKey[];
  functions: WindowFunctionCall[];
}

interface Item {
  row: Row;
  part: Value[];
  order: Value[];
}

export function window(input: RowSource, spec: WindowSpec, env: OperatorEnv): RowSource {
  const memory = new Reservation(env.budget, "window");
  const cleanup = async () => {
    memory.releaseAll();
    await input.close();
  };
  return fromBatchGenerator(() => run(input, spec, env, memory), cleanup);
}

async function* run(
  input: RowSource,
  spec: WindowSpec,
  env: OperatorEnv,
  memory: Reservation,
): AsyncGenerator<Row[], void, undefined> {
  const { ctx } = env;
  const partKeys: SortKey[] = spec.partitionBy.map((k) => ({ ...k, descending: false, nullsFirst: false }));
  const partOids = spec.partitionBy.map((k) => k.oid);
  const items: Item[] = [];
  for (;;) {
    const batch = await input.next();
    if (batch === null) break;
    for (const row of batch) {
      const part = evalKeys(spec.partitionBy, row, ctx);
      const order = evalKeys(spec.orderBy, row, ctx);
      memory.grow(estimateRowBytes(row) + estimateRowBytes(part) + estimateRowBytes(order) + 48);
      items.push({ row, part, order });
    }
  }
  items.sort(
    (a, b) => compareKeyTuples(a.part, b.part, partKeys) || compareKeyTuples(a.order, b.order, spec.orderBy),
  );

  const out = new BatchBuilder(batchSizeOf(env));
  let start = 0;
  while (start < items.length) {
    let end = start + 1;
    if (partKeys.length > 0) {
      const k = groupKey(items[start].part, partOids);
      while (end < items.length && groupKey(items[end].part, partOids) === k) end++;
    } else end = items.length;
    const part = items.slice(start, end);
    const results = spec.functions.map((f) => computeFunction(f, part, layoutOf(part, spec.orderBy), ctx));
    for (let i = 0; i < part.length; i++) {
      const row = part[i].row.slice();
      for (const r of results) row.push(r[i]);
      out.push(row);
      if (out.full) yield out.take();
    }
    start = end;
  }
  if (out.length > 0) yield out.take();
}

function layoutOf(part: Item[], orderBy: readonly SortKey[]): PartitionLayout {
  const n = part.length;
  const groupStart = new Int32Array(n);
  const groupEnd = new Int32Array(n);
  const groupIndex = new Int32Array(n);
  const groupStarts: number[] = [];
  let g = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || compareKeyTuples(part[i - 1].order, part[i].order, orderBy) !== 0) {
      g++;
      groupStarts.push(i);
    }
    groupIndex[i] = g;
    groupStart[i] = groupStarts[g];
  }
  groupStarts.push(n);
  for (let i = 0; i < n; i++) groupEnd[i] = groupStarts[groupIndex[i] + 1];
  return { n, order: part.map((p) => p.order), orderBy, groupStart, groupEnd, groupIndex, groupStarts };
}

function intArg(v: Value): number | null {
  if (v === null) return null;
  return typeof v === "bigint" ? Number(v) : (v as number);
}

function computeFunction(f: WindowFunctionCall, part: Item[], p: PartitionLayout, ctx: EvalContext): Value[] {
  const n = part.length;
  const out = new Array<Value>(n);
  const frame = f.frame ?? DEFAULT_FRAME;
  const arg = (k: number, i: number): Value => f.args[k](part[i].row, ctx);
  switch (f.kind) {
    case "row_number":
      for (let i = 0; i < n; i++) out[i] = BigInt(i + 1);
      return out;
    case "rank":
      for (let i = 0; i < n; i++) out[i] = BigInt(p.groupStart[i] + 1);
      return out;
    case "dense_rank":
      for (let i = 0; i < n; i++) out[i] = BigInt(p.groupIndex[i] + 1);
      return out;
    case "percent_rank":
      for (let i = 0; i < n; i++) out[i] = n > 1 ? p.groupStart[i] / (n - 1) : 0;
      return out;
    case "cume_dist":
      for (let i = 0; i < n; i++) out[i] = p.groupEnd[i] / n;
      return out;
    case "ntile": {
      // the bucket count is read once per partition, from its first row
      const buckets = intArg(arg(0, 0));
      if (buckets === null) return out.fill(null);
      if (buckets <= 0) throw new PgError("22014", "argument of ntile must be greater than zero");
      const per = Math.floor(n / buckets);
      const remainder = n % buckets;
      const bigRows = remainder * (per + 1);
      for (let i = 0; i < n; i++)
        out[i] =
          i < bigRows ? Math.floor(i / (per + 1)) + 1 : remainder + Math.floor((i - bigRows) / per) + 1;
      return out;
    }
    case "lag":
    case "lead": {
      const sign = f.kind === "lag" ? -1 : 1;
      for (let i = 0; i < n; i++) {
        const offset = f.args.length > 1 ? intArg(arg(1, i)) : 1;
        if (offset === null) {
          out[i] = null;
          continue;
        }
        const j = i + sign * offset;
        out[i] = j >= 0 && j < n ? arg(0, j) : f.args.length > 2 ? arg(2, i) : null;
      }
      return out;
    }
    case "first_value":
    case "last_value":
    case "nth_value": {
      for (let i = 0; i < n; i++) {
        let nth = 1;
        if (f.kind === "nth_value") {
          const v = intArg(arg(1, i));
          if (v === null) {
            out[i] = null;
            continue;
          }
          if (v <= 0) throw new PgError("22016", "argument of nth_value must be greater than zero");
          nth = v;
        }
        const { start, end } = frameRange(frame, p, i, ctx);
        let pick = -1;
        if (f.kind === "last_value") {
          for (let j = end - 1; j >= start; j--)
            if (!excluded(frame, p, i, j)) {
              pick = j;
              break;
            }
        } else {
          let seen = 0;
          for (let j = start; j < end; j++) {
            if (excluded(frame, p, i, j)) continue;
            if (++seen === nth) {
              pick = j;
              break;
            }
          }
        }
        out[i] = pick < 0 ? null : arg(0, pick);
      }
      return out;
    }
    case "aggregate":
      return computeAggregate(f, frame, part, p, ctx);
  }
}

function computeAggregate(
  f: WindowFunctionCall,
  frame: Frame,
  part: Item[],
  p: PartitionLayout,
  ctx: EvalContext,
): Value[] {
  const def = f.def;
  if (!def) throw new PgError("XX000", "window aggregate without a definition");
  const n = part.length;
  // each row's arguments, or null when FILTER or strictness leaves it out
  const inputs: (Value[] | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = part[i].row;
    if (f.filter && f.filter(row, ctx) !== true) {
      inputs[i] = null;
      continue;
    }
    const args = f.args.map((a) => a(row, ctx));
    inputs[i] = def.strict && hasNull(args) ? null : args;
  }
  const out = new Array<Value>(n);
  const exclusion = hasExclusion(frame);
  if (frame.start.kind === "unbounded_preceding" && !exclusion) {
    // the frame only grows: fold new rows into one running state
    let state = def.init();
    let pos = 0;
    let lastEnd = -1;
    let lastResult: Value = null;
    for (let i = 0; i < n; i++) {
      const { end } = frameRange(frame, p, i, ctx);
      if (end === lastEnd) {
        out[i] = lastResult;
        continue;
      }
      if (end < pos) {
        state = def.init();
        pos = 0;
      }
      for (; pos < end; pos++) {
        const args = inputs[pos];
        if (args) state = def.step(state, args, ctx);
      }
      lastEnd = end;
      lastResult = def.final(state, ctx);
      out[i] = lastResult;
    }
    return out;
  }
  let lastStart = -1;
  let lastEnd = -1;
  let lastResult: Value = null;
  for (let i = 0; i < n; i++) {
    const { start, end } = frameRange(frame, p, i, ctx);
    if (!exclusion && start === lastStart && end === lastEnd) {
      out[i] = lastResult;
      continue;
    }
    let state = def.init();
    for (let j = start; j < end; j++) {
      if (exclusion && excluded(frame, p, i, j)) continue;
      const args = inputs[j];
      if (args) state = def.step(state, args, ctx);
    }
    lastStart = start;
    lastEnd = end;
    lastResult = def.final(state, ctx);
    out[i] = lastResult;
  }
  return out;
}
