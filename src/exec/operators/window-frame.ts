/**
 * Window frames: which rows of a partition each row's frame covers, for ROWS, RANGE and
 * GROUPS modes with PostgreSQL's bounds and EXCLUDE options.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import type { Value } from "../../common/values.ts";
import type { EvalContext } from "../row-source.ts";
import { compareOne, type SortKey } from "./keys.ts";

export type FrameBound =
  | { kind: "unbounded_preceding" }
  | { kind: "preceding"; offset: Value }
  | { kind: "current_row" }
  | { kind: "following"; offset: Value }
  | { kind: "unbounded_following" };

export interface Frame {
  mode: "rows" | "range" | "groups";
  start: FrameBound;
  end: FrameBound;
  exclude?: "no_others" | "current_row" | "group" | "ties";
  /**
   * RANGE with an offset over an ORDER BY key that is not int2/int4/int8/float: computes
   * base + offset (or base − offset when `subtract`), the way PostgreSQL's in_range does
   * (e.g. timestamp ± interval). The planner supplies it from the scalar operators.
   */
  rangeAdd?: (base: Value, offset: Value, subtract: boolean, ctx: EvalContext) => Value;
}

/** RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: PostgreSQL's default frame. */
export const DEFAULT_FRAME: Frame = {
  mode: "range",
  start: { kind: "unbounded_preceding" },
  end: { kind: "current_row" },
};

/** The partition as the frame logic sees it: sorted rows with peer groups. */
export interface PartitionLayout {
  n: number;
  /** ORDER BY values of each row (first key used by RANGE offsets) */
  order: Value[][];
  orderBy: readonly SortKey[];
  /** index of the first row of each row's peer group */
  groupStart: Int32Array;
  /** index after the last row of each row's peer group */
  groupEnd: Int32Array;
  /** ordinal of each row's peer group */
  groupIndex: Int32Array;
  /** first row of each peer group, by ordinal, plus n at the end */
  groupStarts: number[];
}

/** Half-open interval of partition indices, before exclusion. */
export interface FrameRange {
  start: number;
  end: number;
}

function rowsOffset(v: Value, which: "starting" | "ending"): number {
  if (v === null) throw new PgError("22004", `frame ${which} offset must not be null`);
  const n = typeof v === "bigint" ? Number(v) : (v as number);
  if (n < 0) throw new PgError("22013", `frame ${which} offset must not be negative`);
  return n;
}

export function frameRange(frame: Frame, p: PartitionLayout, i: number, ctx: EvalContext): FrameRange {
  const start = boundPosition(frame, frame.start, p, i, true, ctx);
  const end = boundPosition(frame, frame.end, p, i, false, ctx);
  return { start, end: Math.max(start, end) };
}

function boundPosition(
  frame: Frame,
  b: FrameBound,
  p: PartitionLayout,
  i: number,
  isStart: boolean,
  ctx: EvalContext,
): number {
  const { n } = p;
  const which = isStart ? "starting" : "ending";
  switch (b.kind) {
    case "unbounded_preceding":
      return 0;
    case "unbounded_following":
      return n;
    case "current_row":
      if (frame.mode === "rows") return isStart ? i : i + 1;
      return isStart ? p.groupStart[i] : p.groupEnd[i];
    case "preceding":
    case "following": {
      const sign = b.kind === "preceding" ? -1 : 1;
      if (frame.mode === "rows") {
        const pos = i + sign * rowsOffset(b.offset, which) + (isStart ? 0 : 1);
        return Math.min(n, Math.max(0, pos));
      }
      if (frame.mode === "groups") {
        const g = p.groupIndex[i] + sign * rowsOffset(b.offset, which);
        const groups = p.groupStarts.length - 1;
        if (g < 0) return 0;
        if (g >= groups) return n;
        return isStart ? p.groupStarts[g] : p.groupStarts[g + 1];
      }
      return rangeBound(frame, b.offset, b.kind === "preceding", p, i, isStart, ctx);
    }
  }
}

/** RANGE offset PRECEDING/FOLLOWING: binary search for the first row past the bound value. */
function rangeBound(
  frame: Frame,
  offset: Value,
  preceding: boolean,
  p: PartitionLayout,
  i: number,
  isStart: boolean,
  ctx: EvalContext,
): number {
  if (p.orderBy.length !== 1)
    throw new PgError("42P20", "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
  if (offset === null)
    throw new PgError("22004", `frame ${isStart ? "starting" : "ending"} offset must not be null`);
  const key = p.orderBy[0];
  const v = p.order[i][0];
  // a NULL current value's frame bounds are its NULL peers
  if (v === null) return isStart ? p.groupStart[i] : p.groupEnd[i];
  if (isNegative(offset))
    throw new PgError("22013", "invalid preceding or following size in window function");
  // "preceding" means towards the start of the sort order: smaller values when ascending
  const subtract = preceding !== key.descending;
  const target = addOffset(frame, v, offset, subtract, ctx);
  // start: first row not before target; end: first row after target
  let lo = 0;
  let hi = p.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareOne(p.order[mid][0], target, key);
    if (isStart ? c < 0 : c <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isNegative(v: Value): boolean {
  if (typeof v === "number") return v < 0;
  if (typeof v === "bigint") return v < 0n;
  if (typeof v === "string") return v.trim().startsWith("-");
  if (typeof v === "object" && v !== null && "months" in v)
    return v.months < 0 || v.days < 0 || v.micros < 0n;
  return false;
}

function addOffset(frame: Frame, base: Value, offset: Value, subtract: boolean, ctx: EvalContext): Value {
  if (frame.rangeAdd) return frame.rangeAdd(base, offset, subtract, ctx);
  if (typeof base === "number" && (typeof offset === "number" || typeof offset === "bigint")) {
    const o = Number(offset);
    return subtract ? base - o : base + o;
  }
  if (typeof base === "bigint" && (typeof offset === "number" || typeof offset === "bigint")) {
    const o = BigInt(offset);
    return subtract ? base - o : base + o;
  }
  throw new PgError(
    SqlState.featureNotSupported,
    "RANGE with offset PRECEDING/FOLLOWING is not supported for this type",
  );
}

/** Whether row j of the frame of row i is removed by the frame's EXCLUDE clause. */
export function excluded(frame: Frame, p: PartitionLayout, i: number, j: number): boolean {
  switch (frame.exclude) {
    case undefined:
    case "no_others":
      return false;
    case "current_row":
      return j === i;
    case "group":
      return j >= p.groupStart[i] && j < p.groupEnd[i];
    case "ties":
      return j !== i && j >= p.groupStart[i] && j < p.groupEnd[i];
  }
}

export function hasExclusion(frame: Frame): boolean {
  return frame.exclude !== undefined && frame.exclude !== "no_others";
}
