/**
 * GROUP BY with aggregates, over a hash table of groups. Output rows: the group key values,
 * then one result per aggregate; groups come out in order of first appearance. Without
 * group keys there is exactly one output row, even for empty input (count → 0, sum → NULL).
 *
 * Per aggregate call, as PostgreSQL does:
 * - FILTER: a row counts only when the filter is exactly true;
 * - strict aggregates skip rows where any argument is NULL;
 * - DISTINCT and ORDER BY buffer the group's arguments, sort them (by the ORDER BY keys, or
 *   for DISTINCT alone by the arguments ascending, NULLs last, as PostgreSQL's sort-based
 *   DISTINCT does), drop duplicates (equal per equalityKey) and fold them in that order.
 */
import type { TypeOid } from "../../common/pg-types.ts";
import type { Row } from "../../common/row.ts";
import type { Value } from "../../common/values.ts";
import { estimateRowBytes } from "../memory-budget.ts";
import type { Evaluator, RowSource } from "../row-source.ts";
import type { AggregateOverload } from "../scalar/registry.ts";
import { BatchBuilder, fromBatchGenerator } from "./batch-generator.ts";
import { hashKeyBytes } from "./distinct.ts";
import { batchSizeOf, type OperatorEnv } from "./env.ts";
import {
  compareKeyTuples,
  evalKeys,
  groupKey,
  type HashKey,
  hasNull,
  type KeyExpr,
  type SortKey,
} from "./keys.ts";
import { Reservation } from "./reservation.ts";

export interface AggregateCall {
  def: AggregateOverload;
  args: Evaluator[];
  distinct: boolean;
  argOids: TypeOid[];
  filter?: Evaluator;
  /** ORDER BY inside the call (string_agg(x, ',' ORDER BY y)) */
  orderBy?: SortKey[];
}

export interface HashAggregateSpec {
  groupKeys: KeyExpr[];
  aggregates: AggregateCall[];
}

interface Buffered {
  args: Value[];
  sortValues: Value[];
}

interface Group {
  keys: Value[];
  states: unknown[];
  stateBytes: number[];
  buffers: (Buffered[] | null)[];
  /** per DISTINCT call, the argument keys already buffered: duplicates are dropped on arrival */
  seen: (Set<HashKey> | null)[];
}

const STATE_BYTES = 64;

export function hashAggregate(input: RowSource, spec: HashAggregateSpec, env: OperatorEnv): RowSource {
  const memory = new Reservation(env.budget, "hash aggregate");
  const cleanup = async () => {
    memory.releaseAll();
    await input.close();
  };
  return fromBatchGenerator(() => run(input, spec, env, memory), cleanup);
}

async function* run(
  input: RowSource,
  spec: HashAggregateSpec,
  env: OperatorEnv,
  memory: Reservation,
): AsyncGenerator<Row[], void, undefined> {
  const { ctx } = env;
  const { groupKeys, aggregates } = spec;
  const keyOids = groupKeys.map((k) => k.oid);
  const buffered = aggregates.map((a) => a.distinct || (a.orderBy?.length ?? 0) > 0);
  const groups = new Map<HashKey, Group>();

  const newGroup = (keys: Value[]): Group => {
    const g: Group = {
      keys,
      states: aggregates.map((a, i) => (buffered[i] ? null : a.def.init())),
      stateBytes: aggregates.map(() => STATE_BYTES),
      buffers: buffered.map((b) => (b ? [] : null)),
      seen: aggregates.map((a) => (a.distinct ? new Set<HashKey>() : null)),
    };
    return g;
  };
  let single: Group | null = groupKeys.length === 0 ? newGroup([]) : null;

  const stepInto = (g: Group, i: number, args: Value[]) => {
    const a = aggregates[i];
    g.states[i] = a.def.step(g.states[i], args, ctx);
    if (a.def.stateBytes) {
      const bytes = a.def.stateBytes(g.states[i]);
      if (bytes > g.stateBytes[i]) memory.grow(bytes - g.stateBytes[i]);
      else memory.shrink(g.stateBytes[i] - bytes);
      g.stateBytes[i] = bytes;
    }
  };

  for (;;) {
    const batch = await input.next();
    if (batch === null) break;
    for (const row of batch) {
      let g: Group;
      if (single) g = single;
      else {
        const keys = evalKeys(groupKeys, row, ctx);
        const k = groupKey(keys, keyOids);
        const found = groups.get(k);
        if (found) g = found;
        else {
          memory.grow(hashKeyBytes(k) + estimateRowBytes(keys) + aggregates.length * STATE_BYTES + 64);
          g = newGroup(keys);
          groups.set(k, g);
        }
      }
      for (let i = 0; i < aggregates.length; i++) {
        const a = aggregates[i];
        if (a.filter && a.filter(row, ctx) !== true) continue;
        const args = new Array<Value>(a.args.length);
        for (let j = 0; j < args.length; j++) args[j] = a.args[j](row, ctx);
        if (a.def.strict && hasNull(args)) continue;
        const buffer = g.buffers[i];
        if (buffer) {
          const seen = g.seen[i];
          if (seen) {
            const k = groupKey(args, a.argOids);
            if (seen.has(k)) continue;
            seen.add(k);
            memory.grow(hashKeyBytes(k) + 16);
          }
          const sortValues = a.orderBy ? evalKeys(a.orderBy, row, ctx) : [];
          memory.grow(estimateRowBytes(args) + estimateRowBytes(sortValues) + 32);
          buffer.push({ args, sortValues });
        } else stepInto(g, i, args);
      }
    }
  }

  const finish = (g: Group): Row => {
    const out: Row = g.keys.slice();
    for (let i = 0; i < aggregates.length; i++) {
      const buffer = g.buffers[i];
      if (buffer) {
        g.seen[i] = null;
        g.states[i] = aggregates[i].def.init();
        for (const args of orderedArgs(aggregates[i], buffer)) stepInto(g, i, args);
      }
      out.push(aggregates[i].def.final(g.states[i], ctx));
    }
    return out;
  };

  if (single) {
    const row = finish(single);
    single = null;
    yield [row];
    return;
  }
  const out = new BatchBuilder(batchSizeOf(env));
  for (const g of groups.values()) {
    out.push(finish(g));
    if (out.full) yield out.take();
  }
  if (out.length > 0) yield out.take();
}

/** The buffered arguments of a DISTINCT / ORDER BY call, in the order they are folded. */
function orderedArgs(a: AggregateCall, buffer: Buffered[]): Value[][] {
  if (a.orderBy && a.orderBy.length > 0) {
    const keys = a.orderBy;
    buffer.sort((x, y) => compareKeyTuples(x.sortValues, y.sortValues, keys));
  } else if (a.distinct) {
    const keys: SortKey[] = a.argOids.map((oid, i) => ({
      eval: (r: Row) => r[i],
      oid,
      descending: false,
      nullsFirst: false,
    }));
    buffer.sort((x, y) => compareKeyTuples(x.args, y.args, keys));
  }
  if (!a.distinct) return buffer.map((b) => b.args);
  const seen = new Set<HashKey>();
  const out: Value[][] = [];
  for (const b of buffer) {
    const k = groupKey(b.args, a.argOids);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(b.args);
  }
  return out;
}
