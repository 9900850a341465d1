/**
 * Bind semi and anti joins for [NOT] EXISTS / [NOT] IN across services: when one side is
 * expected much smaller than the other, its distinct keys go to the other side's service as
 * `key = ANY($n)` batches instead of scanning that side whole.
 *
 * - the query small, the subquery a scan of one table: the query's keys fetch the subquery's
 *   matches (semi, anti, and NOT IN with its NULL probes);
 * - the subquery small, the query a scan of one table (semi only): the subquery's keys fetch
 *   the query's rows, which are the result. An anti join needs the rows no key fetches, so it
 *   never goes this way.
 *
 * One equality is the bind key; every other condition (more keys, non-equality correlation)
 * is a residual over the joined row, as in the inner bind join.
 */
import type { TypeOid } from "../common/pg-types.ts";
import { bindSettings, type KeyedScan, keyedScan, keyNullable, worthBinding } from "./bind-join-choice.ts";
import { type BoundExpr, boundAnd } from "./bound-expr.ts";
import type { PlanInput } from "./plan-select.ts";
import type { BindJoinPlan, QueryPlan } from "./query-plan.ts";
import { inSubplan } from "./volatile-params.ts";

/** `left = right`: `left` over the query's row, `right` over the subquery's, both of `type`. */
export interface SemiJoinKey {
  left: BoundExpr;
  right: BoundExpr;
  type: TypeOid;
}

export interface SemiJoinParts {
  /** the query's plan and the subquery's */
  left: QueryPlan;
  right: QueryPlan;
  joinType: "semi" | "anti";
  /** NOT IN */
  nullAware: boolean;
  /** every condition a match must pass, over the joined row (left columns, then right) */
  conditions: BoundExpr[];
  /** per condition, its equality key when it is one */
  keys: (SemiJoinKey | null)[];
  estimate: number;
}

export function chooseBindSemiJoin(parts: SemiJoinParts, input: PlanInput): QueryPlan | null {
  const { left, right, joinType, nullAware, conditions, keys } = parts;
  // an apply's subquery runs again for every outer value: its scans must not depend on its rows
  if (inSubplan(input)) return null;
  // NOT IN binds only a single comparison: a NULL in a row comparison is not decided per key
  if (nullAware && conditions.length !== 1) return null;
  // filters kept in memory over the query's scan commute with a semi join: they go above it
  const filters: BoundExpr[] = [];
  let base = left;
  while (base.kind === "filter") {
    filters.push(base.predicate);
    base = base.input;
  }
  let best: { plan: BindJoinPlan; outerEstimate: number } | null = null;
  const consider = (plan: BindJoinPlan, outerEstimate: number) => {
    if (!best || outerEstimate < best.outerEstimate) best = { plan, outerEstimate };
  };
  keys.forEach((key, i) => {
    if (!key) return;
    const residual = conditions.filter((_, j) => j !== i);
    const make = (outerSide: "left" | "right", keyed: KeyedScan): BindJoinPlan => ({
      kind: "bind-join",
      joinType,
      outerSide,
      ...(nullAware ? { nullAware: true, probeNullKeys: keyNullable(keyed, input) } : {}),
      left: outerSide === "left" ? left : base,
      right,
      inner: keyed.scan,
      outerKey: outerSide === "left" ? key.left : key.right,
      innerKeyAlias: keyed.alias,
      innerKeyColumn: keyed.column,
      innerKeyIndex: keyed.index,
      keyType: key.type,
      residual: residual.length === 0 ? null : boundAnd(residual),
      ...bindSettings(keyed.scan, input),
      columns: left.columns,
      estimate: parts.estimate,
    });
    const toSubquery = keyedScan(right, key.right);
    if (toSubquery && worthBinding(left.estimate, toSubquery.scan.estimate))
      consider(make("left", toSubquery), left.estimate);
    if (joinType !== "semi") return;
    const toQuery = keyedScan(base, key.left);
    if (toQuery && worthBinding(right.estimate, toQuery.scan.estimate))
      consider(make("right", toQuery), right.estimate);
  });
  const chosen = (best as { plan: BindJoinPlan } | null)?.plan;
  if (!chosen) return null;
  if (chosen.outerSide === "left") return chosen;
  let plan: QueryPlan = chosen;
  for (const predicate of filters.reverse()) {
    plan = { kind: "filter", input: plan, predicate, columns: plan.columns, estimate: plan.estimate };
  }
  return plan;
}
