import type { TypeOid } from "../common/pg-types.ts";
import type { Row } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import { type BindJoinStats, bufferOuter, fetchMatches, outerKeys } from "./bind-fetch.ts";
import { semiAntiRows } from "./bind-semi-join.ts";
import { BatchBuilder, fromBatchGenerator } from "./operators/batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./operators/env.ts";
import { hashJoin } from "./operators/hash-join.ts";
import { Reservation } from "./operators/reservation.ts";
import type { Evaluator, RowSource } from "./row-source.ts";
import { equalityKey } from "./scalar/index.ts";

export type { BindJoinStats } from "./bind-fetch.ts";

export interface BindJoinSpec {
  /** semi and anti output the left input's rows only (see bind-semi-join.ts) */
  joinType: "inner" | "left" | "right" | "semi" | "anti";
  outerSide: "left" | "right";
  /** NOT IN semantics for an anti join whose outer side is the left */
  nullAware?: boolean;
  outerKey: Evaluator;
  keyType: TypeOid;
  innerKeyIndex: number;
  residual?: Evaluator;
  outerWidth: number;
  innerWidth: number;
  batchSize: number;
  concurrency: number;
  switchAt: number;
  /** the inner side restricted to these keys (key = ANY($n)) */
  openInnerForKeys(keys: Value[]): Promise<RowSource>;
  /** the whole inner side, for the run-time switch to a hash join */
  openInnerFull(): Promise<RowSource>;
  /** NOT IN: the inner rows whose key is NULL, one at most (absent when the key column cannot be NULL) */
  openInnerNullKey?(): Promise<RowSource>;
  /** NOT IN: any one inner row, to learn whether the inner side is empty */
  openInnerAny?(): Promise<RowSource>;
}

/**
 * A batched bind join. It first buffers the outer side; if that ends within
 * `switchAt` rows, its distinct keys are sent to the inner service in batches
 * (several in flight) and the matches joined in memory; otherwise it switches to
 * one scan of the inner side and a hash join, which is then cheaper.
 */
export function bindJoin(
  outer: RowSource,
  spec: BindJoinSpec,
  env: OperatorEnv,
  stats?: BindJoinStats,
): RowSource {
  const memory = new Reservation(env.budget, "bind join");
  let delegate: RowSource | null = null;
  const cleanup = async () => {
    memory.releaseAll();
    await outer.close();
    await delegate?.close();
  };
  return fromBatchGenerator(async function* () {
    const { buffered, exhausted } = await bufferOuter(outer, spec.switchAt, memory);
    if (!exhausted) {
      if (stats) stats.mode = "hash";
      delegate = switchToHashJoin(buffered, outer, spec, env);
      for (let b = await delegate.next(); b; b = await delegate.next()) yield b;
      return;
    }
    if (stats) stats.mode = "bind";
    const { keys, distinct } = outerKeys(buffered, spec.outerKey, spec.keyType, env.ctx);
    if (spec.joinType === "semi" || spec.joinType === "anti") {
      yield* semiAntiRows(buffered, keys, distinct, spec, env, memory, stats);
      return;
    }
    const matches = await fetchMatches(distinct, spec, memory, stats);
    const out = new BatchBuilder(batchSizeOf(env));
    const keepUnmatched = spec.joinType !== "inner";
    for (let i = 0; i < buffered.length; i++) {
      const outerRow = buffered[i];
      const k = keys[i];
      const found = k === null ? undefined : matches.get(equalityKey(k, spec.keyType));
      let matched = false;
      for (const innerRow of found ?? []) {
        const joined = spec.outerSide === "left" ? [...outerRow, ...innerRow] : [...innerRow, ...outerRow];
        if (spec.residual && spec.residual(joined, env.ctx) !== true) continue;
        matched = true;
        out.push(joined);
        if (out.full) yield out.take();
      }
      if (!matched && keepUnmatched) {
        const pad = new Array<Value>(spec.innerWidth).fill(null);
        out.push(spec.outerSide === "left" ? [...outerRow, ...pad] : [...pad, ...outerRow]);
        if (out.full) yield out.take();
      }
    }
    if (out.length > 0) yield out.take();
  }, cleanup);
}

function switchToHashJoin(buffered: Row[], rest: RowSource, spec: BindJoinSpec, env: OperatorEnv): RowSource {
  let replayed = false;
  const outerSource: RowSource = {
    async next() {
      if (!replayed) {
        replayed = true;
        if (buffered.length > 0) return buffered;
      }
      return rest.next();
    },
    close: () => rest.close(),
  };
  let opening: Promise<RowSource> | null = null;
  const inner: RowSource = {
    async next() {
      opening ??= spec.openInnerFull();
      return (await opening).next();
    },
    async close() {
      if (opening) await (await opening).close();
    },
  };
  const outerKey = { eval: spec.outerKey, oid: spec.keyType };
  const innerKey = { eval: (row: Row) => row[spec.innerKeyIndex] ?? null, oid: spec.keyType };
  const left = spec.outerSide === "left" ? outerSource : inner;
  const right = spec.outerSide === "left" ? inner : outerSource;
  // semi and anti joins output the left rows and build the right side, as the planner's hash joins do
  const filtering = spec.joinType === "semi" || spec.joinType === "anti";
  return hashJoin(
    left,
    right,
    {
      type: spec.joinType,
      build: filtering || spec.outerSide === "left" ? "right" : "left",
      leftKeys: [spec.outerSide === "left" ? outerKey : innerKey],
      rightKeys: [spec.outerSide === "left" ? innerKey : outerKey],
      residual: spec.residual,
      leftWidth: spec.outerSide === "left" ? spec.outerWidth : spec.innerWidth,
      rightWidth: spec.outerSide === "left" ? spec.innerWidth : spec.outerWidth,
      nullAware: spec.nullAware,
    },
    env,
  );
}
