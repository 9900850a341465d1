/**
 * SELECT DISTINCT (hash based, streaming: each row is emitted when first seen; NULLs are
 * equal to each other) and DISTINCT ON (first row per key in sort order).
 */
import type { TypeOid } from "../../common/pg-types.ts";
import type { Row } from "../../common/row.ts";
import type { Value } from "../../common/values.ts";
import { estimateRowBytes } from "../memory-budget.ts";
import type { RowSource } from "../row-source.ts";
import { fromBatchGenerator } from "./batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./env.ts";
import { compareKeyTuples, evalKeys, groupKey, type HashKey, type KeyExpr, type SortKey } from "./keys.ts";
import { Reservation } from "./reservation.ts";
import { evalSortKeys } from "./sort.ts";

/** Rough bytes of one entry in a set of hash keys. */
export function hashKeyBytes(k: HashKey): number {
  return 48 + (typeof k === "string" ? k.length * 2 : 8);
}

/** Distinct rows of `input`, whose columns have types `oids`; output order is first appearance. */
export function distinct(input: RowSource, oids: TypeOid[], env: OperatorEnv): RowSource {
  const memory = new Reservation(env.budget, "distinct");
  const seen = new Set<HashKey>();
  const cleanup = async () => {
    seen.clear();
    memory.releaseAll();
    await input.close();
  };
  return fromBatchGenerator(async function* () {
    for (;;) {
      const batch = await input.next();
      if (batch === null) return;
      const out: Row[] = [];
      for (const row of batch) {
        const k = groupKey(row, oids);
        if (seen.has(k)) continue;
        memory.grow(hashKeyBytes(k));
        seen.add(k);
        out.push(row);
      }
      yield out;
    }
  }, cleanup);
}

interface Best {
  sortValues: Value[];
  row: Row;
  seq: number;
  bytes: number;
}

/**
 * DISTINCT ON (onKeys) … ORDER BY sortKeys: for each distinct on-key the first row in
 * sortKeys order (the earliest input row among ties), output in sortKeys order. Holds one
 * row per distinct key.
 */
export function distinctOn(
  input: RowSource,
  onKeys: KeyExpr[],
  sortKeys: SortKey[],
  env: OperatorEnv,
): RowSource {
  const memory = new Reservation(env.budget, "distinct on");
  const oids = onKeys.map((k) => k.oid);
  const cleanup = async () => {
    memory.releaseAll();
    await input.close();
  };
  const cmp = (a: Best, b: Best) => compareKeyTuples(a.sortValues, b.sortValues, sortKeys) || a.seq - b.seq;
  return fromBatchGenerator(async function* () {
    const best = new Map<HashKey, Best>();
    let seq = 0;
    for (;;) {
      const batch = await input.next();
      if (batch === null) break;
      for (const row of batch) {
        const k = groupKey(evalKeys(onKeys, row, env.ctx), oids);
        const candidate: Best = { sortValues: evalSortKeys(sortKeys, row, env), row, seq: seq++, bytes: 0 };
        const current = best.get(k);
        if (current && cmp(candidate, current) >= 0) continue;
        candidate.bytes = estimateRowBytes(row) + estimateRowBytes(candidate.sortValues) + hashKeyBytes(k);
        memory.grow(candidate.bytes);
        if (current) memory.shrink(current.bytes);
        best.set(k, candidate);
      }
    }
    const rows = [...best.values()].sort(cmp);
    const size = batchSizeOf(env);
    for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size).map((b) => b.row);
  }, cleanup);
}
