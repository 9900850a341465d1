/**
 * Equi-join through a hash table over one side (the build side), streaming the other
 * (the probe side). NULL keys never match; outer joins keep their rows padded with NULLs.
 *
 * Anti joins have two meanings:
 * - default (NOT EXISTS): a left row is kept when no right row matches it, so a left row
 *   whose key is NULL is always kept;
 * - `nullAware: true` (NOT IN): the result is what `(l1, …) NOT IN (SELECT r1, … )` gives.
 *   A left row is kept only when every right row's comparison is definitely false: if the
 *   right side is empty every left row is kept; otherwise a left row with a NULL key, or any
 *   right row with a NULL key (single-column keys), removes it. Requires build "right" and no
 *   residual.
 *
 * Both sides' key expressions must already have the same type (the planner casts them).
 * The residual is evaluated over the joined row (left columns then right columns) and a
 * pair matches only when it is exactly true.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import type { Row } from "../../common/row.ts";
import type { Value } from "../../common/values.ts";
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
import { evalKeys, groupKey, type HashKey, hasNull, joinKeyOf, type KeyExpr } from "./keys.ts";
import { Reservation } from "./reservation.ts";

export interface HashJoinSpec {
  type: JoinType;
  /** which input is loaded into the hash table */
  build: "left" | "right";
  leftKeys: KeyExpr[];
  rightKeys: KeyExpr[];
  residual?: Evaluator;
  leftWidth: number;
  rightWidth: number;
  /** NOT IN semantics for anti joins (see above) */
  nullAware?: boolean;
}

interface BuildEntry {
  row: Row;
  /** the key values, kept only for NOT IN (a NULL in a multi-column key needs them) */
  keys: Value[] | null;
  matched: boolean;
}

const ENTRY_OVERHEAD = 64;

/** key → its one build row, or the rows that share it */
type BuildTable = Map<HashKey, BuildEntry | BuildEntry[]>;

function entriesOf(found: BuildEntry | BuildEntry[]): BuildEntry[] {
  return Array.isArray(found) ? found : [found];
}

export function hashJoin(left: RowSource, right: RowSource, spec: HashJoinSpec, env: OperatorEnv): RowSource {
  if (spec.leftKeys.length !== spec.rightKeys.length || spec.leftKeys.length === 0)
    throw new PgError(
      SqlState.internalError,
      "hash join needs the same number of keys on both sides (at least one)",
    );
  if (spec.nullAware && (spec.type !== "anti" || spec.build !== "right" || spec.residual))
    throw new PgError(
      SqlState.internalError,
      "a null-aware hash join must be an anti join building the right side",
    );
  const memory = new Reservation(env.budget, "hash join");
  const cleanup = async () => {
    memory.releaseAll();
    await closeAll(left, right);
  };
  return fromBatchGenerator(() => run(left, right, spec, env, memory), cleanup);
}

async function* run(
  left: RowSource,
  right: RowSource,
  spec: HashJoinSpec,
  env: OperatorEnv,
  memory: Reservation,
): AsyncGenerator<Row[], void, undefined> {
  const { ctx } = env;
  const { type, residual, leftWidth, rightWidth } = spec;
  const buildIsLeft = spec.build === "left";
  const buildSource = buildIsLeft ? left : right;
  const probeSource = buildIsLeft ? right : left;
  const buildKeys = buildIsLeft ? spec.leftKeys : spec.rightKeys;
  const probeKeys = buildIsLeft ? spec.rightKeys : spec.leftKeys;
  const buildOids = buildKeys.map((k) => k.oid);
  const probeOids = probeKeys.map((k) => k.oid);

  const keepBuildUnmatched = buildIsLeft ? keepsUnmatchedLeft(type) : keepsUnmatchedRight(type);
  const keepProbeUnmatched = buildIsLeft ? keepsUnmatchedRight(type) : keepsUnmatchedLeft(type);
  const leftOnly = outputsLeftOnly(type);

  // build
  const table: BuildTable = new Map();
  const nullKeyEntries: BuildEntry[] = [];
  let buildCount = 0;
  for (;;) {
    const batch = await buildSource.next();
    if (batch === null) break;
    for (const row of batch) {
      buildCount++;
      const keys = spec.nullAware ? evalKeys(buildKeys, row, ctx) : null;
      const k = keys
        ? hasNull(keys)
          ? null
          : groupKey(keys, buildOids)
        : joinKeyOf(buildKeys, buildOids, row, ctx);
      if (k === null) {
        // only needed when they are output, or to decide NOT IN
        if (keepBuildUnmatched || spec.nullAware) {
          memory.grow(estimateRowBytes(row) + ENTRY_OVERHEAD);
          nullKeyEntries.push({ row, keys, matched: false });
        }
        continue;
      }
      memory.grow(estimateRowBytes(row) + ENTRY_OVERHEAD);
      const entry: BuildEntry = { row, keys, matched: false };
      // most keys are unique: one entry stands alone, an array only holds duplicates
      const found = table.get(k);
      if (found === undefined) table.set(k, entry);
      else if (Array.isArray(found)) found.push(entry);
      else table.set(k, [found, entry]);
    }
  }

  const out = new BatchBuilder(batchSizeOf(env));

  if (spec.nullAware) {
    yield* probeNotIn(probeSource, spec, env, table, nullKeyEntries, buildCount, out);
    return;
  }

  if (buildCount === 0 && !keepProbeUnmatched) {
    // nothing can match and unmatched probe rows are not output: skip the probe side
    await probeSource.close();
    return;
  }

  // probe
  for (;;) {
    const batch = await probeSource.next();
    if (batch === null) break;
    for (const p of batch) {
      const key = joinKeyOf(probeKeys, probeOids, p, ctx);
      const found = key === null ? undefined : table.get(key);
      const many = Array.isArray(found);
      const count = found === undefined ? 0 : many ? found.length : 1;
      let matchedAny = false;
      if (count > 0) {
        for (let i = 0; i < count; i++) {
          const c = many ? (found as BuildEntry[])[i] : (found as BuildEntry);
          const joined = buildIsLeft ? concatRows(c.row, p) : concatRows(p, c.row);
          if (residual && residual(joined, ctx) !== true) continue;
          matchedAny = true;
          if (leftOnly) {
            if (buildIsLeft) {
              // semi: each left (build) row once, at its first match; anti: just mark it
              if (type === "semi" && !c.matched) out.push(c.row);
              c.matched = true;
              continue;
            }
            break; // probe is left: one match decides
          }
          c.matched = true;
          out.push(joined);
        }
      }
      if (!buildIsLeft && leftOnly) {
        if (matchedAny === (type === "semi")) out.push(p);
      } else if (!matchedAny && keepProbeUnmatched) {
        out.push(buildIsLeft ? padLeft(leftWidth, p) : padRight(p, rightWidth));
      }
      if (out.full) yield out.take();
    }
  }

  if (keepBuildUnmatched) {
    const emit = (e: BuildEntry) => {
      if (e.matched) return;
      if (leftOnly) out.push(e.row);
      else out.push(buildIsLeft ? padRight(e.row, rightWidth) : padLeft(leftWidth, e.row));
    };
    for (const found of table.values()) {
      for (const e of entriesOf(found)) {
        emit(e);
        if (out.full) yield out.take();
      }
    }
    for (const e of nullKeyEntries) {
      emit(e);
      if (out.full) yield out.take();
    }
  }
  if (out.length > 0) yield out.take();
}

/** NOT IN: the probe side is the left input, the right input is in `table` / `nullKeyEntries`. */
async function* probeNotIn(
  probe: RowSource,
  spec: HashJoinSpec,
  env: OperatorEnv,
  table: BuildTable,
  nullKeyEntries: BuildEntry[],
  buildCount: number,
  out: BatchBuilder,
): AsyncGenerator<Row[], void, undefined> {
  const { ctx } = env;
  const probeOids = spec.leftKeys.map((k) => k.oid);
  const buildOids = spec.rightKeys.map((k) => k.oid);
  const single = spec.leftKeys.length === 1;
  if (buildCount > 0 && single && nullKeyEntries.length > 0) {
    // x NOT IN (…, NULL, …) is never true
    await probe.close();
    return;
  }
  // could `a` equal `b` row-wise (every column equal or involving NULL)?
  const mayEqual = (a: Value[], entryKeys: Value[] | null) => {
    const b = entryKeys as Value[]; // always kept in NOT IN mode
    for (let i = 0; i < a.length; i++) {
      if (a[i] === null || b[i] === null) continue;
      if (groupKey([a[i]], [probeOids[i]]) !== groupKey([b[i]], [buildOids[i]])) return false;
    }
    return true;
  };
  for (;;) {
    const batch = await probe.next();
    if (batch === null) break;
    for (const p of batch) {
      if (buildCount === 0) {
        out.push(p);
      } else {
        const keys = evalKeys(spec.leftKeys, p, ctx);
        let excluded: boolean;
        if (hasNull(keys)) {
          if (single) excluded = true;
          else {
            excluded = nullKeyEntries.some((e) => mayEqual(keys, e.keys));
            if (!excluded)
              for (const found of table.values()) {
                if (entriesOf(found).some((e) => mayEqual(keys, e.keys))) {
                  excluded = true;
                  break;
                }
              }
          }
        } else {
          excluded =
            table.has(groupKey(keys, probeOids)) || nullKeyEntries.some((e) => mayEqual(keys, e.keys));
        }
        if (!excluded) out.push(p);
      }
      if (out.full) yield out.take();
    }
  }
  if (out.length > 0) yield out.take();
}
