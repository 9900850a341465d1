import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import {
  andAll,
  astText,
  type ColumnRefNode,
  columnRefs,
  conjuncts,
  containsAggregate,
  containsSubLink,
  intValue,
  presentClause,
  type RefWalk,
  refFields,
  selectStmt,
} from "./ast-nodes.ts";
import { freeRefs, fromScope, resolvesIn, type ScopeCatalog, type ScopeItem } from "./subquery-scope.ts";

export const notSupported = (what: string) =>
  new PgError(SqlState.featureNotSupported, `${what} across services is not supported yet`);

/**
 * A rewrite's refusal of one correlated subquery (not of the statement): the subquery stays
 * as written and the planner evaluates it as a memoized apply instead (plan-apply.ts). Only
 * the decorrelating rewrites throw it, so a service's refusal is never mistaken for it; one
 * that escapes is still a proper 0A000.
 */
export class CannotDecorrelate extends PgError {
  constructor(what: string) {
    super(SqlState.featureNotSupported, `${what} across services is not supported yet`);
    this.name = "CannotDecorrelate";
  }
}

export const cannotDecorrelate = (what: string): CannotDecorrelate => new CannotDecorrelate(what);

/**
 * How a correlated subquery's WHERE reads the outer query: equalities between an expression
 * over its own tables and one over the outer query's (the keys it can be grouped and joined
 * on), conditions over the outer query alone (guards: when one is not true for an outer row,
 * the subquery has no rows for it), and the rest (`inner`), over its own tables only.
 */
export interface Correlation {
  scope: ScopeItem[];
  inner: Node[];
  keys: { inner: Node; outer: Node }[];
  guards: Node[];
}

/** The references a conjunct reads: `*` is not one column, a nested subquery's body has its own scope. */
const innerRefs = { stars: false, subqueries: false };

/** Splits the WHERE of a correlated subquery, or refuses with 0A000 naming `what` and why. */
export function splitCorrelation(select: SelectStmt, catalog: ScopeCatalog, what: string): Correlation {
  const scope = fromScope(select.fromClause as Node[], catalog);
  const isInner = (ref: any) => resolvesIn(scope, refFields(ref.ColumnRef));
  const out: Correlation = { scope, inner: [], keys: [], guards: [] };
  if (freeRefs({ fromClause: select.fromClause } as SelectStmt, catalog).length > 0)
    throw cannotDecorrelate(`${what} that reads the outer query in its FROM clause`);
  for (const c of conjuncts(select.whereClause)) {
    const outer = freeRefs({ fromClause: select.fromClause, whereClause: c } as SelectStmt, catalog);
    if (outer.length === 0) {
      out.inner.push(c);
      continue;
    }
    if (containsSubLink(c))
      throw cannotDecorrelate(`${what} with a nested subquery in a correlated condition`);
    const refs = columnRefs(c, innerRefs);
    if (!refs.some(isInner)) {
      out.guards.push(c);
      continue;
    }
    const key = correlationKey(c, isInner, innerRefs, false);
    if (key) {
      out.keys.push(key);
      continue;
    }
    throw cannotDecorrelate(
      `${what} correlated by a condition other than an equality between its columns and the outer query's`,
    );
  }
  for (const k of out.keys) {
    if (containsAggregate(k.outer))
      throw cannotDecorrelate(`${what} correlated with an aggregate of the outer query`);
  }
  return out;
}

/**
 * `inner_expr = outer_expr`, either way round: a key a correlated subquery can be grouped and
 * joined on. `isInner` tells a reference to the subquery's own tables (each side reads only
 * its own or only the outer query's columns); `refs` says which references count;
 * `OPERATOR(schema.=)` counts only when `qualified`.
 */
export function correlationKey(
  conjunct: Node,
  isInner: (ref: ColumnRefNode) => boolean,
  refs: RefWalk,
  qualified: boolean,
): { inner: Node; outer: Node } | null {
  const e = (conjunct as any).A_Expr;
  const op = e?.name?.[e.name.length - 1]?.String?.sval;
  if (e?.kind !== "AEXPR_OP" || op !== "=" || (!qualified && e.name.length !== 1)) return null;
  const side = (n: Node | undefined): "inner" | "outer" | null => {
    const r = columnRefs(n, refs);
    if (r.length === 0) return null;
    if (r.every(isInner)) return "inner";
    return r.some(isInner) ? null : "outer";
  };
  const l = side(e.lexpr);
  const r = side(e.rexpr);
  if (l === "inner" && r === "outer") return { inner: e.lexpr, outer: e.rexpr };
  if (l === "outer" && r === "inner") return { inner: e.rexpr, outer: e.lexpr };
  return null;
}

export interface ShapeAllowance {
  /** LIMIT n: "positive" any n > 0 (EXISTS), "one" only 1 (a scalar subquery) */
  limit?: "positive" | "one";
  aggregates?: boolean;
}

/** Refuses the parts of a SELECT a decorrelated subquery cannot keep. */
export function refuseShape(select: SelectStmt, what: string, allow: ShapeAllowance = {}): void {
  if (select.op && select.op !== "SETOP_NONE") throw cannotDecorrelate(`${what} with UNION/INTERSECT/EXCEPT`);
  const clause = presentClause([
    [select.groupClause, "GROUP BY"],
    [select.havingClause, "HAVING"],
    [select.windowClause, "WINDOW"],
    [select.valuesLists, "VALUES"],
    [select.limitOffset, "OFFSET"],
    [select.withClause, "WITH"],
  ]);
  if (clause) throw cannotDecorrelate(`${what} with ${clause}`);
  if (select.limitCount) {
    const n = intValue(select.limitCount);
    const ok =
      n !== null &&
      select.limitOption !== "LIMIT_OPTION_WITH_TIES" &&
      (allow.limit === "one" ? n === 1 : n > 0);
    if (!allow.limit || !ok) throw cannotDecorrelate(`${what} with this LIMIT`);
  }
  const distinct = (select.distinctClause ?? []) as Node[];
  if (distinct.some((d) => Object.keys(d).length > 0)) throw cannotDecorrelate(`${what} with DISTINCT ON`);
  if (astText(select.targetList ?? []).includes('"over"'))
    throw cannotDecorrelate(`${what} with a window function`);
  if (!allow.aggregates && containsAggregate(select.targetList))
    throw cannotDecorrelate(`${what} with an aggregate`);
}

/**
 * The subquery that replaces a decorrelated one: the same FROM, its own WHERE conditions,
 * the given select list and grouping. Refuses when it would still read the outer query
 * (outside the WHERE equalities that became join keys).
 */
export function lookupSubquery(
  select: SelectStmt,
  corr: Correlation,
  targets: Node[],
  groupBy: Node[],
  catalog: ScopeCatalog,
  what: string,
): SelectStmt {
  const out = selectStmt({
    targetList: targets,
    fromClause: select.fromClause,
    ...(corr.inner.length > 0 ? { whereClause: andAll(corr.inner) } : {}),
    ...(groupBy.length > 0 ? { groupClause: groupBy } : {}),
  });
  if (freeRefs(out, catalog).length > 0)
    throw cannotDecorrelate(`${what} that reads the outer query outside equalities of its WHERE`);
  return out;
}
