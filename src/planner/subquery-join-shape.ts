import type { Node, SelectStmt } from "@pgsql/types";
import { aggregateNames } from "./aggregate-names.ts";
import {
  andAll,
  astText,
  columnRefs,
  conjuncts,
  containsSubLink,
  presentClause,
  refFields,
} from "./ast-nodes.ts";
import { freeRefs, fromScope, resolvesIn, type ScopeCatalog } from "./subquery-scope.ts";

/**
 * Which top-level WHERE conjuncts become semi and anti joins (plan-subquery.ts
 * planSubLinkJoin), decided from the AST alone so that the rewrites before planning know
 * which ones to leave to it: a correlated subquery joins only when it is a plain filter over
 * its tables whose correlated conditions (equalities become hash keys, the rest a residual)
 * sit in its WHERE. The others are decorrelated another way, or evaluated as an apply.
 */

/** A top-level WHERE conjunct that is EXISTS, NOT EXISTS, IN, NOT IN or `op ANY` over a subquery. */
export function joinSubLink(node: Node): { link: any; negated: boolean } | null {
  let negated = false;
  let n: any = node;
  while (n.BoolExpr?.boolop === "NOT_EXPR") {
    negated = !negated;
    n = n.BoolExpr.args[0];
  }
  const t = n.SubLink?.subLinkType;
  return t === "EXISTS_SUBLINK" || t === "ANY_SUBLINK" ? { link: n.SubLink, negated } : null;
}

/** Why a join conjunct cannot be a semi or anti join (a phrase naming the construct); null when it can. */
export function subLinkJoinRefusal(conjunct: Node, catalog: ScopeCatalog): string | null {
  const join = joinSubLink(conjunct);
  if (!join) return "a subquery that is not [NOT] EXISTS or [NOT] IN";
  const select = join.link.subselect.SelectStmt as SelectStmt;
  if (freeRefs(select, catalog).length === 0) return null;
  const shape = correlatedShapeRefusal(select);
  if (shape) return shape;
  const scope = fromScope(select.fromClause as Node[], catalog);
  const inner: Node[] = [];
  for (const c of conjuncts(select.whereClause)) {
    const refs = columnRefs(c, { stars: true, subqueries: false });
    if (refs.every((r) => resolvesIn(scope, refFields((r as any).ColumnRef)))) {
      inner.push(c);
      continue;
    }
    if (containsSubLink(c)) return "a correlated condition with a nested subquery";
  }
  const exists = join.link.subLinkType === "EXISTS_SUBLINK";
  const rest = {
    ...select,
    targetList: exists ? [] : select.targetList,
    whereClause: inner.length === 0 ? undefined : andAll(inner),
    sortClause: undefined,
    distinctClause: undefined,
  } as SelectStmt;
  if (freeRefs(rest, catalog).length > 0) return "a subquery correlated outside its WHERE conditions";
  return null;
}

/** A correlated subquery becomes a join only when it is a plain filter over its tables. */
export function correlatedShapeRefusal(select: SelectStmt): string | null {
  const clause = presentClause([
    [select.groupClause, "GROUP BY"],
    [select.havingClause, "HAVING"],
    [select.limitCount, "LIMIT"],
    [select.limitOffset, "OFFSET"],
    [select.windowClause, "WINDOW"],
    [select.valuesLists, "VALUES"],
  ]);
  if (clause) return `${clause} in a correlated subquery`;
  if (select.op && select.op !== "SETOP_NONE") return "a set operation in a correlated subquery";
  const json = astText(select.targetList ?? []);
  if (json.includes('"over"')) return "window functions in a correlated subquery";
  const funcs = [
    ...json.matchAll(
      /"funcname":\[(?:\{"String":\{"sval":"[^"]*"\}\},)*\{"String":\{"sval":"([^"]*)"\}\}\]/g,
    ),
  ];
  if (funcs.some((m) => aggregateNames.has(m[1]))) return "aggregates in a correlated EXISTS/IN subquery";
  return null;
}
