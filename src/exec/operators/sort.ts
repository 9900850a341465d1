/**
 * ORDER BY: materialises its input (reserved in the memory budget) and emits it sorted,
 * stably (rows with equal keys keep their input order). NULL placement comes from each key.
 */
import type { Row } from "../../common/row.ts";
import type { Value } from "../../common/values.ts";
import { estimateRowBytes } from "../memory-budget.ts";
import type { RowSource } from "../row-source.ts";
import { fromBatchGenerator } from "./batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./env.ts";
import { compareKeyTuples, type SortKey } from "./keys.ts";
import { Reservation } from "./reservation.ts";

export interface Keyed {
  keys: Value[];
  row: Row;
}

/** Sorts keyed rows in place, stably. */
export function sortKeyed(items: Keyed[], keys: readonly SortKey[]): void {
  items.sort((a, b) => compareKeyTuples(a.keys, b.keys, keys));
}

export function evalSortKeys(keys: readonly SortKey[], row: Row, env: OperatorEnv): Value[] {
  const out = new Array<Value>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = keys[i].eval(row, env.ctx);
  return out;
}

export function sort(input: RowSource, keys: SortKey[], env: OperatorEnv): RowSource {
  const memory = new Reservation(env.budget, "sort");
  const cleanup = async () => {
    memory.releaseAll();
    await input.close();
  };
  return fromBatchGenerator(async function* () {
    const items: Keyed[] = [];
    for (;;) {
      const batch = await input.next();
      if (batch === null) break;
      for (const row of batch) {
        const k = evalSortKeys(keys, row, env);
        memory.grow(estimateRowBytes(row) + estimateRowBytes(k) + 32);
        items.push({ keys: k, row });
      }
    }
    sortKeyed(items, keys);
    const size = batchSizeOf(env);
    for (let i = 0; i < items.length; i += size) {
      const end = Math.min(items.length, i + size);
      const batch = new Array<Row>(end - i);
      for (let j = i; j < end; j++) batch[j - i] = items[j].row;
      yield batch;
    }
  }, cleanup);
}
