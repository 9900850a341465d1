import type { TypeOid } from "../common/pg-types.ts";
import type { Row } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import { estimateRowBytes } from "./memory-budget.ts";
import { BatchBuilder, fromBatchGenerator } from "./operators/batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./operators/env.ts";
import { hashJoin } from "./operators/hash-join.ts";
import { Reservation } from "./operators/reservation.ts";
import type { Evaluator, RowSource } from "./row-source.ts";
import { equalityKey } from "./scalar/index.ts";

export interface BindJoinSpec {
  joinType: "inner" | "left" | "right";
  outerSide: "left" | "right";
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
}

/** What the operator did, for EXPLAIN ANALYZE and tests. */
export interface BindJoinStats {
  mode: "bind" | "hash" | null;
  batches: number;
  keys: number;
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
    const buffered: Row[] = [];
    let exhausted = false;
    while (buffered.length <= spec.switchAt) {
      const batch = await outer.next();
      if (!batch) {
        exhausted = true;
        break;
      }
      for (const row of batch) {
        buffered.push(row);
        memory.grow(estimateRowBytes(row));
      }
    }
    if (!exhausted) {
      if (stats) stats.mode = "hash";
      delegate = switchToHashJoin(buffered, outer, spec, env);
      for (let b = await delegate.next(); b; b = await delegate.next()) yield b;
      return;
    }
    if (stats) stats.mode = "bind";
    const keys = buffered.map((row) => spec.outerKey(row, env.ctx));
    const distinct = new Map<unknown, Value>();
    for (const k of keys) if (k !== null) distinct.set(equalityKey(k, spec.keyType), k);
    const matches = await fetchMatches([...distinct.values()], spec, memory, stats);
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

async function fetchMatches(
  keys: Value[],
  spec: BindJoinSpec,
  memory: Reservation,
  stats?: BindJoinStats,
): Promise<Map<unknown, Row[]>> {
  const matches = new Map<unknown, Row[]>();
  const batches: Value[][] = [];
  for (let i = 0; i < keys.length; i += spec.batchSize) batches.push(keys.slice(i, i + spec.batchSize));
  if (stats) {
    stats.batches += batches.length;
    stats.keys += keys.length;
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const source = await spec.openInnerForKeys(batch);
      try {
        for (let rows = await source.next(); rows; rows = await source.next()) {
          for (const row of rows) {
            const k = row[spec.innerKeyIndex];
            if (k === null) continue;
            memory.grow(estimateRowBytes(row));
            const key = equalityKey(k, spec.keyType);
            const list = matches.get(key);
            if (list) list.push(row);
            else matches.set(key, [row]);
          }
        }
      } finally {
        await source.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, batches.length) }, worker));
  return matches;
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
  return hashJoin(
    left,
    right,
    {
      type: spec.joinType,
      build: spec.outerSide === "left" ? "right" : "left",
      leftKeys: [spec.outerSide === "left" ? outerKey : innerKey],
      rightKeys: [spec.outerSide === "left" ? innerKey : outerKey],
      residual: spec.residual,
      leftWidth: spec.outerSide === "left" ? spec.outerWidth : spec.innerWidth,
      rightWidth: spec.outerSide === "left" ? spec.innerWidth : spec.outerWidth,
    },
    env,
  );
}
