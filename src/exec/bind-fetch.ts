/**
 * What every bind join shares: buffering the outer side up to the switch point, and
 * fetching the inner rows of a set of distinct keys in batches, several in flight.
 */
import type { TypeOid } from "../common/pg-types.ts";
import type { Row } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import { estimateRowBytes } from "./memory-budget.ts";
import type { Reservation } from "./operators/reservation.ts";
import type { EvalContext, Evaluator, RowSource } from "./row-source.ts";
import { equalityKey } from "./scalar/index.ts";

/** What the operator did, for EXPLAIN ANALYZE and tests. */
export interface BindJoinStats {
  mode: "bind" | "hash" | null;
  batches: number;
  keys: number;
}

export interface KeyFetchSpec {
  keyType: TypeOid;
  innerKeyIndex: number;
  batchSize: number;
  concurrency: number;
  /** the inner side restricted to these keys (key = ANY($n)) */
  openInnerForKeys(keys: Value[]): Promise<RowSource>;
}

/** The outer rows read so far; `exhausted` when the outer side ended within `switchAt` rows. */
export async function bufferOuter(
  outer: RowSource,
  switchAt: number,
  memory: Reservation,
): Promise<{ buffered: Row[]; exhausted: boolean }> {
  const buffered: Row[] = [];
  while (buffered.length <= switchAt) {
    const batch = await outer.next();
    if (!batch) return { buffered, exhausted: true };
    for (const row of batch) {
      buffered.push(row);
      memory.grow(estimateRowBytes(row));
    }
  }
  return { buffered, exhausted: false };
}

/** Each outer row's key, and the distinct non-NULL ones (a NULL key never matches). */
export function outerKeys(
  rows: Row[],
  key: Evaluator,
  keyType: TypeOid,
  ctx: EvalContext,
): { keys: Value[]; distinct: Value[] } {
  const keys = rows.map((row) => key(row, ctx));
  const distinct = new Map<unknown, Value>();
  for (const k of keys) if (k !== null) distinct.set(equalityKey(k, keyType), k);
  return { keys, distinct: [...distinct.values()] };
}

/**
 * The inner rows matching `keys`, grouped by their key's equality key. With `firstOnly`
 * one row per key is kept (a semi or anti join without residual only asks whether one exists).
 */
export async function fetchMatches(
  keys: Value[],
  spec: KeyFetchSpec,
  memory: Reservation,
  stats?: BindJoinStats,
  firstOnly = false,
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
            const key = equalityKey(k, spec.keyType);
            const list = matches.get(key);
            if (list && firstOnly) continue;
            memory.grow(estimateRowBytes(row));
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

/** Whether a source yields at least one row; it is closed either way. */
export async function hasRow(open: () => Promise<RowSource>): Promise<boolean> {
  const source = await open();
  try {
    return (await source.next()) !== null;
  } finally {
    await source.close();
  }
}
