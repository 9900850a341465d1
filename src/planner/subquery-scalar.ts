import type { Node, SelectStmt } from "@pgsql/types";
import {
  boolConst,
  caseExpr,
  coalesce,
  containsAggregate,
  funcCall,
  intConst,
  isNull,
  nullConst,
  resTarget,
  selectListExpr,
  selectStmt,
} from "./ast-nodes.ts";
import { cannotDecorrelate, lookupSubquery, refuseShape, splitCorrelation } from "./subquery-correlation.ts";
import {
  type Decorrelated,
  type DecorrelateEnv,
  guarded,
  keyJoin,
  keyTargets,
  lookupRef,
  lookupTarget,
  uncorrelatedRest,
} from "./subquery-lookup.ts";
import { subqueryValue } from "./subquery-nodes.ts";

const what = "a correlated scalar subquery";

/**
 * A correlated scalar subquery anywhere in a query becomes a LEFT JOIN with the subquery
 * grouped by its correlation keys (subquery-correlation.ts), so each group holds exactly the
 * rows the subquery sees for an outer row with those key values:
 *
 * - over aggregates, `(SELECT agg(…) … WHERE inner_k = outer_k)`: the group's aggregate,
 *   and for an outer row without a group what the aggregate gives over no rows (0 for count,
 *   NULL for the others; an expression over aggregates is computed once over no rows);
 * - otherwise, `(SELECT c.email … WHERE c.emp_no = e.emp_no)`: the group's values collected
 *   by array_agg; the value is NULL without a group, the one value, or 21000 "more than one
 *   row" — raised only when an outer row reads a group of several rows, as PostgreSQL raises
 *   it only for an outer row whose subquery returns several. `ORDER BY … LIMIT 1` takes the
 *   first in that order.
 */
export function decorrelateScalar(link: any, env: DecorrelateEnv): Decorrelated {
  const select = link.subselect.SelectStmt as SelectStmt;
  const aggregated = containsAggregate(select.targetList);
  refuseShape(select, what, aggregated ? { aggregates: true } : { limit: "one" });
  const corr = splitCorrelation(select, env.catalog, what);
  const value = (select.targetList as any[])[0].ResTarget.val as Node;
  const empty = aggregated ? emptyAggregate(select, value) : nullConst();
  if (corr.keys.length === 0)
    return { joins: [], replacement: uncorrelatedRest(link, corr, empty, env, what) };
  const alias = env.alias();
  const keys = keyTargets(corr);
  const groupKeys = corr.keys.map((k) => k.inner);
  const join = keyJoin(corr, alias);

  if (aggregated) {
    const bare = bareAggregate(value);
    const general = bare === null;
    const subquery = lookupSubquery(
      select,
      corr,
      [...keys, lookupTarget(value, "v"), ...(general ? [lookupTarget(boolConst(true), "m")] : [])],
      groupKeys,
      env.catalog,
      what,
    );
    const v = lookupRef(alias, "v");
    const found =
      bare === "count"
        ? coalesce([v, intConst(0)])
        : general
          ? caseExpr([[isNull(lookupRef(alias, "m")), empty]], v)
          : v;
    return { joins: [{ subquery, alias, ...join }], replacement: guarded(corr, found, empty) };
  }

  const distinct = Boolean(select.distinctClause?.length);
  const order = orderWithin(select);
  if (distinct && order.length > 0) throw cannotDecorrelate(`${what} with DISTINCT and ORDER BY`);
  const collect = funcCall("array_agg", [value], {
    agg_order: order.length > 0 ? order : undefined,
    agg_distinct: distinct,
  });
  const subquery = lookupSubquery(
    select,
    corr,
    [...keys, lookupTarget(collect, "a")],
    groupKeys,
    env.catalog,
    what,
  );
  const found = subqueryValue(lookupRef(alias, "a"), Boolean(select.limitCount));
  return { joins: [{ subquery, alias, ...join }], replacement: guarded(corr, found, empty) };
}

/** count(…) and aggregates that give NULL over no rows need no computing of the empty case. */
function bareAggregate(node: Node): "count" | "null" | null {
  const f = (node as any).FuncCall;
  if (!f || f.over || f.agg_within_group) return null;
  const parts = (f.funcname ?? []).map((n: any) => String(n.String?.sval));
  if (parts.length > 1) return null;
  if (parts[0] === "count") return "count";
  return emptyIsNull.has(parts[0]) ? "null" : null;
}

const emptyIsNull = new Set([
  "sum",
  "avg",
  "min",
  "max",
  "string_agg",
  "array_agg",
  "json_agg",
  "jsonb_agg",
  "bool_and",
  "bool_or",
  "every",
  "stddev",
  "stddev_samp",
  "stddev_pop",
  "variance",
  "var_samp",
  "var_pop",
]);

/**
 * What the aggregate subquery gives over no rows: 0 for count, NULL for the plain ones, and
 * for an expression over aggregates the subquery itself over no rows (an uncorrelated
 * subquery, computed once before the query runs).
 */
function emptyAggregate(select: SelectStmt, value: Node): Node {
  const bare = bareAggregate(value);
  if (bare === "count") return intConst(0);
  if (bare === "null") return nullConst();
  const overNothing = selectStmt({
    targetList: [resTarget(value)],
    fromClause: select.fromClause,
    whereClause: boolConst(false),
  });
  return {
    SubLink: { subLinkType: "EXPR_SUBLINK", subselect: { SelectStmt: overNothing } },
  } as unknown as Node;
}

/** The subquery's ORDER BY as the ORDER BY of array_agg (ordinals and output names resolved). */
function orderWithin(select: SelectStmt): Node[] {
  const targets = (select.targetList ?? []) as any[];
  return ((select.sortClause ?? []) as any[]).map((s) => {
    const node = selectListExpr(s.SortBy.node, targets);
    return node === s.SortBy.node ? s : { SortBy: { ...s.SortBy, node } };
  });
}
