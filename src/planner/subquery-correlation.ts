import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { aggregateNames } from "./aggregate-names.ts";
import { conjunctsOf } from "./subquery-nodes.ts";
import {
  containsSubLink,
  freeRefs,
  fromScope,
  refFields,
  resolvesIn,
  type ScopeCatalog,
  type ScopeItem,
} from "./subquery-scope.ts";

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

/** Splits the WHERE of a correlated subquery, or refuses with 0A000 naming `what` and why. */
export function splitCorrelation(select: SelectStmt, catalog: ScopeCatalog, what: string): Correlation {
  const scope = fromScope(select.fromClause as Node[], catalog);
  const isInner = (ref: any) => resolvesIn(scope, refFields(ref.ColumnRef));
  const out: Correlation = { scope, inner: [], keys: [], guards: [] };
  if (freeRefs({ fromClause: select.fromClause } as SelectStmt, catalog).length > 0)
    throw cannotDecorrelate(`${what} that reads the outer query in its FROM clause`);
  for (const c of conjunctsOf(select.whereClause as Node | undefined)) {
    const outer = freeRefs({ fromClause: select.fromClause, whereClause: c } as SelectStmt, catalog);
    if (outer.length === 0) {
      out.inner.push(c);
      continue;
    }
    if (containsSubLink(c))
      throw cannotDecorrelate(`${what} with a nested subquery in a correlated condition`);
    const refs = columnRefs(c);
    if (!refs.some(isInner)) {
      out.guards.push(c);
      continue;
    }
    const e = (c as any).A_Expr;
    const side = (n: Node): "inner" | "outer" | null => {
      const r = columnRefs(n);
      if (r.length === 0) return null;
      if (r.every(isInner)) return "inner";
      return r.some(isInner) ? null : "outer";
    };
    const op = e?.name?.[e.name.length - 1]?.String?.sval;
    if (e?.kind === "AEXPR_OP" && op === "=" && e.name.length === 1 && e.lexpr && e.rexpr) {
      const l = side(e.lexpr);
      const r = side(e.rexpr);
      if (l === "inner" && r === "outer") {
        out.keys.push({ inner: e.lexpr, outer: e.rexpr });
        continue;
      }
      if (l === "outer" && r === "inner") {
        out.keys.push({ inner: e.rexpr, outer: e.lexpr });
        continue;
      }
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

export interface ShapeAllowance {
  /** LIMIT n: "positive" any n > 0 (EXISTS), "one" only 1 (a scalar subquery) */
  limit?: "positive" | "one";
  aggregates?: boolean;
}

/** Refuses the parts of a SELECT a decorrelated subquery cannot keep. */
export function refuseShape(select: SelectStmt, what: string, allow: ShapeAllowance = {}): void {
  if (select.op && select.op !== "SETOP_NONE") throw cannotDecorrelate(`${what} with UNION/INTERSECT/EXCEPT`);
  const parts: [unknown, string][] = [
    [select.groupClause, "GROUP BY"],
    [select.havingClause, "HAVING"],
    [select.windowClause, "WINDOW"],
    [select.valuesLists, "VALUES"],
    [select.limitOffset, "OFFSET"],
    [select.withClause, "WITH"],
  ];
  for (const [present, name] of parts) {
    if (present && (!Array.isArray(present) || present.length > 0))
      throw cannotDecorrelate(`${what} with ${name}`);
  }
  if (select.limitCount) {
    const n = constInt(select.limitCount as Node);
    const ok =
      n !== null &&
      select.limitOption !== "LIMIT_OPTION_WITH_TIES" &&
      (allow.limit === "one" ? n === 1 : n > 0);
    if (!allow.limit || !ok) throw cannotDecorrelate(`${what} with this LIMIT`);
  }
  const distinct = (select.distinctClause ?? []) as Node[];
  if (distinct.some((d) => Object.keys(d).length > 0)) throw cannotDecorrelate(`${what} with DISTINCT ON`);
  const targets = JSON.stringify(select.targetList ?? [], (_k, v) => (typeof v === "bigint" ? String(v) : v));
  if (targets.includes('"over"')) throw cannotDecorrelate(`${what} with a window function`);
  if (!allow.aggregates && containsAggregate(select.targetList))
    throw cannotDecorrelate(`${what} with an aggregate`);
}

function constInt(node: Node): number | null {
  const c = (node as any).A_Const;
  if (!c || c.ival === undefined) return null;
  return Number(c.ival.ival ?? 0);
}

/** Column references of an expression, outside nested subqueries. */
export function columnRefs(node: unknown, into: any[] = []): any[] {
  if (Array.isArray(node)) {
    for (const n of node) columnRefs(n, into);
    return into;
  }
  if (node === null || typeof node !== "object") return into;
  const rec = node as Record<string, any>;
  if (rec.ColumnRef) {
    const last = rec.ColumnRef.fields?.[rec.ColumnRef.fields.length - 1];
    if (!last?.A_Star) into.push(rec);
    return into;
  }
  if (rec.SubLink) return columnRefs(rec.SubLink.testexpr, into);
  for (const v of Object.values(rec)) columnRefs(v, into);
  return into;
}

/** Whether an expression calls an aggregate (outside nested subqueries, window calls aside). */
export function containsAggregate(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(containsAggregate);
  if (node === null || typeof node !== "object") return false;
  const rec = node as Record<string, any>;
  if (rec.SubLink) return containsAggregate(rec.SubLink.testexpr);
  const f = rec.FuncCall;
  if (f && !f.over) {
    const parts = (f.funcname ?? []).map((n: any) => String(n.String?.sval));
    if (aggregateNames.has(parts[parts.length - 1])) return true;
  }
  return Object.values(rec).some(containsAggregate);
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
  const out = {
    targetList: targets,
    fromClause: select.fromClause,
    ...(corr.inner.length > 0
      ? { whereClause: corr.inner.length === 1 ? corr.inner[0] : andOf(corr.inner) }
      : {}),
    ...(groupBy.length > 0 ? { groupClause: groupBy } : {}),
    limitOption: "LIMIT_OPTION_DEFAULT",
    op: "SETOP_NONE",
  } as unknown as SelectStmt;
  if (freeRefs(out, catalog).length > 0)
    throw cannotDecorrelate(`${what} that reads the outer query outside equalities of its WHERE`);
  return out;
}

function andOf(nodes: Node[]): Node {
  return { BoolExpr: { boolop: "AND_EXPR", args: nodes } } as unknown as Node;
}
