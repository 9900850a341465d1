import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { funcName } from "./ast-nodes.ts";
import { type BindContext, bindExpr, castTo } from "./bind-expr.ts";
import type { BoundExpr } from "./bound-expr.ts";
import type { PlanInput } from "./plan-select.ts";
import { collectWindowCalls } from "./plan-window.ts";
import type { PlanColumn, QueryPlan } from "./query-plan.ts";

/** VALUES lists, and SELECTs without FROM, as in-memory rows (branches of set operations, FROM items). */

/** A binding for expressions that may not read columns (VALUES rows, LIMIT, frame offsets). */
export function constantContext(input: PlanInput, what: string): BindContext {
  return {
    scalars: input.scalars,
    paramTypes: input.paramTypes,
    columns: (fields) => {
      throw new PgError(
        SqlState.featureNotSupported,
        `column reference "${fields.join(".")}" in ${what} is not supported across services`,
      );
    },
  };
}

/** VALUES (…), (…): each column takes the common type of its rows (unknown literals alone → text). */
export function planValuesLists(stmt: SelectStmt, input: PlanInput): QueryPlan {
  const ctx = constantContext(input, "VALUES");
  const lists = ((stmt.valuesLists ?? []) as any[]).map((l) => (l.List?.items ?? []) as Node[]);
  const bound = lists.map((items) => items.map((n) => bindExpr(n, ctx)));
  const width = bound[0]?.length ?? 0;
  const columns: PlanColumn[] = [];
  for (let i = 0; i < width; i++) {
    const cells = bound.map((r) => r[i]);
    const type = input.scalars.commonType(
      cells.map((c) => c.type),
      "VALUES",
    );
    const sameTypmod = cells.every((c) => c.type === type && c.typmod === cells[0].typmod);
    columns.push({ name: `column${i + 1}`, oid: type, typmod: sameTypmod ? cells[0].typmod : -1 });
  }
  const rows = bound.map((r) => r.map((e, i) => castTo(e, columns[i].oid, -1, "implicit", ctx)));
  return { kind: "values", rows, columns, estimate: rows.length };
}

/**
 * SELECT <expressions> without FROM, WHERE, grouping or windows: one row. Unknown literals
 * keep their type, for the set operation above to resolve. Null when the SELECT is more than that.
 */
export function planTableless(stmt: SelectStmt, input: PlanInput): QueryPlan | null {
  const targets = (stmt.targetList ?? []) as any[];
  const plain =
    targets.length > 0 &&
    !stmt.whereClause &&
    !stmt.havingClause &&
    ((stmt.groupClause ?? []) as Node[]).length === 0 &&
    !stmt.distinctClause &&
    !stmt.windowClause &&
    !stmt.withClause &&
    collectWindowCalls(stmt.targetList).length === 0 &&
    !hasAggregateOrSubquery(stmt.targetList);
  if (!plain) return null;
  const ctx = constantContext(input, "a SELECT without FROM");
  const exprs: BoundExpr[] = targets.map((t) => bindExpr(t.ResTarget.val as Node, ctx));
  const columns = exprs.map((e, i) => ({
    name: targets[i].ResTarget.name ?? figureColname(targets[i].ResTarget.val),
    oid: e.type,
    typmod: e.typmod,
  }));
  return { kind: "values", rows: [exprs], columns, estimate: 1 };
}

const aggregateLike = new Set([
  "count",
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
]);

function hasAggregateOrSubquery(node: unknown): boolean {
  if (node === null || typeof node !== "object") return false;
  if (Array.isArray(node)) return node.some(hasAggregateOrSubquery);
  if ((node as any).SubLink) return true;
  const f = (node as any).FuncCall;
  if (f) {
    if (aggregateLike.has(funcName(f)) || f.agg_star || f.agg_order || f.agg_filter) return true;
  }
  return Object.values(node).some(hasAggregateOrSubquery);
}

/** PostgreSQL's FigureColname for the common cases. */
export function figureColname(node: any): string {
  if (node?.ColumnRef) {
    const fields = node.ColumnRef.fields;
    return fields[fields.length - 1].String?.sval ?? "?column?";
  }
  if (node?.FuncCall) {
    const parts = node.FuncCall.funcname;
    return String(parts[parts.length - 1].String?.sval ?? "?column?");
  }
  if (node?.TypeCast) {
    const inner = figureColname(node.TypeCast.arg);
    if (inner !== "?column?") return inner;
    const names = node.TypeCast.typeName?.names ?? [];
    return String(names[names.length - 1]?.String?.sval ?? "?column?");
  }
  if (node?.CaseExpr) return "case";
  if (node?.CoalesceExpr) return "coalesce";
  if (node?.MinMaxExpr) return node.MinMaxExpr.op === "IS_GREATEST" ? "greatest" : "least";
  if (node?.NullIfExpr || node?.A_Expr?.kind === "AEXPR_NULLIF") return "nullif";
  return "?column?";
}
