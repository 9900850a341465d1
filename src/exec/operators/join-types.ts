/** Join kinds shared by the hash join and the nested loop join. */
import type { Row } from "../../common/row.ts";

/** semi and anti output only the left row's columns. */
export type JoinType = "inner" | "left" | "right" | "full" | "semi" | "anti";

export function nulls(width: number): Row {
  return new Array(width).fill(null);
}

/** A right-padded row for an unmatched left row. */
export function padRight(left: Row, rightWidth: number): Row {
  const out = left.slice();
  for (let i = 0; i < rightWidth; i++) out.push(null);
  return out;
}

/** A left-padded row for an unmatched right row. */
export function padLeft(leftWidth: number, right: Row): Row {
  const out = nulls(leftWidth);
  for (const v of right) out.push(v);
  return out;
}

export function concatRows(left: Row, right: Row): Row {
  const out = left.slice();
  for (const v of right) out.push(v);
  return out;
}

/** Whether unmatched left rows appear in the output. */
export function keepsUnmatchedLeft(type: JoinType): boolean {
  return type === "left" || type === "full" || type === "anti";
}

/** Whether unmatched right rows appear in the output. */
export function keepsUnmatchedRight(type: JoinType): boolean {
  return type === "right" || type === "full";
}

/** semi and anti joins output left columns only. */
export function outputsLeftOnly(type: JoinType): boolean {
  return type === "semi" || type === "anti";
}
