import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import type { SourceTable } from "../connectors/spi.ts";
import {
  astText,
  columnRefs,
  containsAggregate,
  containsSubLink,
  isAggregateCall,
  nullConst,
  rangeSubselect,
  replaceNodes,
  selectStmt,
  subqueryAlias,
} from "./ast-nodes.ts";
import type { BoundExpr } from "./bound-expr.ts";
import type { PlanInput } from "./plan-select.ts";
import { type PlanSelectFn, subplanInput } from "./plan-subquery.ts";
import type { QueryPlan } from "./query-plan.ts";
import { notSupported } from "./subquery-correlation.ts";
import { derivedColumnNames, freeRefs } from "./subquery-scope.ts";
import { subqueryView } from "./view-table.ts";

/**
 * A correlated subquery (or LATERAL subquery) planned once for an apply: the outer columns it
 * reads become parameters of the statement, volatile while it is planned (volatile-params.ts).
 */

/**
 * Plans a correlated subquery once, each outer column it reads (however often and however it
 * is written) replaced by one parameter slot appended to the statement's, volatile while the
 * subquery is planned (nothing reading it is offered to a service).
 */
export function planParameterized(
  select: SelectStmt,
  input: PlanInput,
  planSelect: PlanSelectFn,
  bindOuter: (node: Node) => BoundExpr,
): { subplan: QueryPlan; params: { index: number; ref: Node }[] } {
  const refs = freeRefs(select, input.catalog);
  refuseOuterAggregates(select, new Set(refs));
  const params: { index: number; ref: Node }[] = [];
  const slotOf = new Map<number, number>();
  const substitutes = new Map<object, Node>();
  for (const ref of refs) {
    const bound = bindOuter(ref);
    if (bound.kind !== "column")
      throw new PgError(SqlState.internalError, "an outer reference of a subquery is not a column");
    let index = slotOf.get(bound.index);
    if (index === undefined) {
      index = input.params.length;
      input.params.push(null);
      input.paramTypes.push(bound.type);
      slotOf.set(bound.index, index);
      params.push({ index, ref });
    }
    substitutes.set(ref, { ParamRef: { number: index + 1 } } as unknown as Node);
  }
  const body = withOneRow(replaceNodes(select, substitutes) as SelectStmt);
  const subplan = planSelect(
    body,
    subplanInput(
      input,
      params.map((p) => p.index),
    ),
  );
  return { subplan, params };
}

/**
 * A SELECT without FROM but with a WHERE, grouping or aggregates (`EXISTS (SELECT WHERE
 * outer.x > 1)`) reads one row of nothing: it gets `FROM (VALUES (NULL))`, which the planner
 * runs in memory. One with expressions only is planned as it is.
 */
function withOneRow(select: SelectStmt): SelectStmt {
  if ((select.fromClause ?? []).length > 0 || select.valuesLists || (select.op && select.op !== "SETOP_NONE"))
    return select;
  const plain =
    !select.whereClause &&
    !select.havingClause &&
    ((select.groupClause ?? []) as Node[]).length === 0 &&
    !select.distinctClause &&
    !containsAggregate(select.targetList) &&
    !containsSubLink(select.targetList) &&
    !astText(select.targetList ?? []).includes('"over"');
  if (plain) return select;
  const one = selectStmt({ valuesLists: [{ List: { items: [nullConst()] } }] });
  return { ...select, fromClause: [rangeSubselect(one, "weft_one_row")] } as SelectStmt;
}

/** A LATERAL subquery the rewrites left LATERAL (decorrelate-lateral.ts), as an apply joined to its left side. */
export interface LateralSource {
  subplan: QueryPlan;
  params: { index: number; ref: Node }[];
}

/**
 * Plans a LATERAL subquery as a FROM item over the items before it (`bindOuter` resolves their
 * columns): the pseudo table of its columns and the parameterized subquery.
 */
export function planLateral(
  body: any,
  input: PlanInput,
  planSelect: PlanSelectFn,
  bindOuter: (node: Node) => BoundExpr,
): { alias: string; table: SourceTable; lateral: LateralSource } {
  const select = body.subquery.SelectStmt as SelectStmt;
  const { subplan, params } = planParameterized(select, input, planSelect, bindOuter);
  const alias = subqueryAlias(body);
  const table = subqueryView(alias, subplan, derivedColumnNames(body, input.catalog));
  return { alias, table, lateral: { subplan, params } };
}

/** An aggregate over outer columns only belongs to the outer query (PostgreSQL's rule). */
function refuseOuterAggregates(select: SelectStmt, outer: Set<Node>): void {
  const walk = (n: unknown): void => {
    if (n === null || typeof n !== "object") return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    const rec = n as Record<string, any>;
    if (isAggregateCall(rec)) {
      const refs = columnRefs(rec, { stars: true, subqueries: true });
      if (refs.length > 0 && refs.every((r) => outer.has(r)))
        throw notSupported("a correlated subquery over an aggregate of the outer query");
    }
    for (const v of Object.values(rec)) walk(v);
  };
  walk(select);
}
