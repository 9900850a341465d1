/**
 * Join on an arbitrary condition: the right input is materialised (its rows reserved in
 * the memory budget) and every left row is tested against each of them. The condition is
 * evaluated over the joined row (left columns then right columns); a pair matches only when
 * it is exactly true, and no condition means every pair matches (a cross join).
 * Anti joins have NOT EXISTS semantics; NOT IN is expressed by the planner as the condition
 * `(l = r) IS NOT FALSE`.
 */
import type { Row } from "../../common/row.ts";
import { estimateRowBytes } from "../memory-budget.ts";
import type { Evaluator, RowSource } from "../row-source.ts";
import { BatchBuilder, closeAll, fromBatchGenerator } from "./batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./env.ts";
import {
  concatRows,
  type JoinType,
  keepsUnmatchedLeft,
  keepsUnmatchedRight,
  outputsLeftOnly,
  padLeft,
  padRight,
} from "./join-types.ts";
import { Reservation } from "./reservation.ts";

export interface NestedLoopJoinSpec {
  type: JoinType;
  condition?: Evaluator;
  leftWidth: number;
  rightWidth: number;
}

export function nestedLoopJoin(
  left: RowSource,
  right: RowSource,
  spec: NestedLoopJoinSpec,
  env: OperatorEnv,
): RowSource {
  const memory = new Reservation(env.budget, "nested loop join");
  const cleanup = async () => {
    memory.releaseAll();
    await closeAll(left, right);
  };
  return fromBatchGenerator(() => run(left, right, spec, env, memory), cleanup);
}

async function* run(
  left: RowSource,
  right: RowSource,
  spec: NestedLoopJoinSpec,
  env: OperatorEnv,
  memory: Reservation,
): AsyncGenerator<Row[], void, undefined> {
  const { ctx } = env;
  const { type, condition, leftWidth, rightWidth } = spec;
  const inner: Row[] = [];
  for (;;) {
    const batch = await right.next();
    if (batch === null) break;
    for (const row of batch) {
      memory.grow(estimateRowBytes(row) + 16);
      inner.push(row);
    }
  }
  const keepLeft = keepsUnmatchedLeft(type);
  if (inner.length === 0 && !keepLeft) {
    await left.close();
    return;
  }
  const matched = keepsUnmatchedRight(type) ? new Uint8Array(inner.length) : null;
  const leftOnly = outputsLeftOnly(type);
  const out = new BatchBuilder(batchSizeOf(env));
  for (;;) {
    const batch = await left.next();
    if (batch === null) break;
    for (const l of batch) {
      let any = false;
      for (let i = 0; i < inner.length; i++) {
        const joined = concatRows(l, inner[i]);
        if (condition && condition(joined, ctx) !== true) continue;
        any = true;
        if (leftOnly) break;
        if (matched) matched[i] = 1;
        out.push(joined);
        if (out.full) yield out.take();
      }
      if (leftOnly) {
        if (any === (type === "semi")) out.push(l);
      } else if (!any && keepLeft) out.push(padRight(l, rightWidth));
      if (out.full) yield out.take();
    }
  }
  if (matched) {
    for (let i = 0; i < inner.length; i++) {
      if (matched[i]) continue;
      out.push(padLeft(leftWidth, inner[i]));
      if (out.full) yield out.take();
    }
  }
  if (out.length > 0) yield out.take();
}
