/**
 * ORDER BY … LIMIT n OFFSET m without sorting everything: a bounded max-heap keeps the
 * n + m smallest rows seen (ties broken by arrival, so the result equals a stable sort's
 * first rows), then they are sorted and the first m skipped.
 */
import type { Row } from "../../common/row.ts";
import type { Value } from "../../common/values.ts";
import { estimateRowBytes } from "../memory-budget.ts";
import type { RowSource } from "../row-source.ts";
import { fromBatchGenerator } from "./batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./env.ts";
import { compareKeyTuples, type SortKey } from "./keys.ts";
import { Reservation } from "./reservation.ts";
import { evalSortKeys } from "./sort.ts";

interface Entry {
  keys: Value[];
  row: Row;
  seq: number;
  bytes: number;
}

export function topN(
  input: RowSource,
  keys: SortKey[],
  limit: number,
  offset: number,
  env: OperatorEnv,
): RowSource {
  const memory = new Reservation(env.budget, "top-N sort");
  const cleanup = async () => {
    memory.releaseAll();
    await input.close();
  };
  const capacity = Math.max(0, limit) + Math.max(0, offset);
  const cmp = (a: Entry, b: Entry) => compareKeyTuples(a.keys, b.keys, keys) || a.seq - b.seq;
  return fromBatchGenerator(async function* () {
    if (capacity === 0 || limit <= 0) {
      await input.close();
      return;
    }
    // max-heap: heap[0] is the largest kept entry
    const heap: Entry[] = [];
    const up = (i: number) => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (cmp(heap[i], heap[p]) <= 0) return;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    };
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && cmp(heap[l], heap[m]) > 0) m = l;
        if (r < heap.length && cmp(heap[r], heap[m]) > 0) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    };
    let seq = 0;
    for (;;) {
      const batch = await input.next();
      if (batch === null) break;
      for (const row of batch) {
        const k = evalSortKeys(keys, row, env);
        const e: Entry = { keys: k, row, seq: seq++, bytes: 0 };
        if (heap.length < capacity) {
          e.bytes = estimateRowBytes(row) + estimateRowBytes(k) + 48;
          memory.grow(e.bytes);
          heap.push(e);
          up(heap.length - 1);
        } else if (cmp(e, heap[0]) < 0) {
          e.bytes = estimateRowBytes(row) + estimateRowBytes(k) + 48;
          memory.grow(e.bytes);
          memory.shrink(heap[0].bytes);
          heap[0] = e;
          down(0);
        }
      }
    }
    heap.sort(cmp);
    const size = batchSizeOf(env);
    for (let i = Math.max(0, offset); i < heap.length; i += size) {
      yield heap.slice(i, Math.min(heap.length, i + size)).map((e) => e.row);
    }
  }, cleanup);
}
