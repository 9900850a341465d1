/**
 * The bind form of semi and anti joins ([NOT] EXISTS, [NOT] IN over another service),
 * once the outer side is buffered and known to be small. Output rows are the left input's.
 *
 * - outer side left: the query's distinct keys fetch the subquery's matching rows; a left
 *   row is kept when some match passes the residual (semi) or none does (anti).
 * - outer side right (semi only): the subquery's distinct keys fetch the query's rows; each
 *   comes back once (the keys are distinct) and is kept when some subquery row with its key
 *   passes the residual.
 * - NOT IN (null-aware anti, outer side left, no residual): a NULL in the subquery removes
 *   every row, so one probe looks for it first; a left row with a NULL key is kept only when
 *   the subquery is empty, which a second probe answers when the key batches found nothing.
 */
import { PgError, SqlState } from "../common/pg-error.ts";
import type { Row, RowBatch } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import { type BindJoinStats, fetchMatches, hasRow } from "./bind-fetch.ts";
import type { BindJoinSpec } from "./bind-join.ts";
import { BatchBuilder } from "./operators/batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./operators/env.ts";
import type { Reservation } from "./operators/reservation.ts";
import { equalityKey } from "./scalar/index.ts";

export async function* semiAntiRows(
  buffered: Row[],
  keys: Value[],
  distinct: Value[],
  spec: BindJoinSpec,
  env: OperatorEnv,
  memory: Reservation,
  stats?: BindJoinStats,
): AsyncGenerator<RowBatch, void, undefined> {
  const out = new BatchBuilder(batchSizeOf(env));
  const semi = spec.joinType === "semi";
  const passes = (joined: Row) => !spec.residual || spec.residual(joined, env.ctx) === true;

  if (spec.outerSide === "right") {
    if (!semi) throw new PgError(SqlState.internalError, "a bind anti join must send the left side's keys");
    const byKey = new Map<unknown, Row[]>();
    buffered.forEach((row, i) => {
      const k = keys[i];
      if (k === null) return;
      const key = equalityKey(k, spec.keyType);
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    });
    const matches = await fetchMatches(distinct, spec, memory, stats);
    for (const [key, innerRows] of matches) {
      const outers = byKey.get(key) ?? [];
      for (const inner of innerRows) {
        if (!outers.some((o) => passes([...inner, ...o]))) continue;
        out.push(inner);
        if (out.full) yield out.take();
      }
    }
    if (out.length > 0) yield out.take();
    return;
  }

  if (spec.nullAware) {
    if (semi || spec.residual || !spec.openInnerAny)
      throw new PgError(
        SqlState.internalError,
        "a null-aware bind join must be an anti join without residual that can probe its inner side",
      );
    if (buffered.length === 0) return;
    if (spec.openInnerNullKey && (await hasRow(spec.openInnerNullKey))) return;
  }
  const matches = await fetchMatches(distinct, spec, memory, stats, !spec.residual);
  let innerEmpty: boolean | null = matches.size > 0 ? false : null;
  for (let i = 0; i < buffered.length; i++) {
    const row = buffered[i];
    const k = keys[i];
    let keep: boolean;
    if (k === null && spec.nullAware) {
      if (innerEmpty === null) innerEmpty = !(await hasRow(spec.openInnerAny!));
      keep = innerEmpty;
    } else {
      const found = k === null ? undefined : matches.get(equalityKey(k, spec.keyType));
      const matched = found?.some((inner) => passes([...row, ...inner])) ?? false;
      keep = matched === semi;
    }
    if (!keep) continue;
    out.push(row);
    if (out.full) yield out.take();
  }
  if (out.length > 0) yield out.take();
}
