import type { Node, SelectStmt } from "@pgsql/types";
import { andAll, caseExpr, columnRef, opExpr, resTarget } from "./ast-nodes.ts";
import { type Correlation, cannotDecorrelate } from "./subquery-correlation.ts";
import { freeRefs, type ScopeCatalog } from "./subquery-scope.ts";

/**
 * A derived table that replaces (part of) a correlated subquery: grouped by the subquery's
 * correlation keys, LEFT JOINed to the outer query on them, so each outer row meets at most
 * one of its rows — the one holding what the subquery gives for that row's key values.
 */
export interface LookupJoin {
  subquery: SelectStmt;
  alias: string;
  on: Node[];
  /** the outer-query expressions the ON reads (they decide which FROM item it joins) */
  outer: Node[];
}

/** A correlated subquery rewritten: the joins it needs and the expression that takes its place. */
export interface Decorrelated {
  joins: LookupJoin[];
  replacement: Node;
}

export interface DecorrelateEnv {
  catalog: ScopeCatalog;
  /** a fresh alias for a lookup derived table */
  alias(): string;
  /** rewrites an outer-query expression (an IN's left operand) like the rest of the statement */
  outerExpr(node: Node): Node;
}

/**
 * A lookup's column names carry a prefix no user column is expected to have: the planner
 * resolves an unqualified column reference against every FROM item, lookups included.
 */
export function lookupTarget(val: Node, name: string): Node {
  return resTarget(val, `weft_sq_${name}`);
}

export function lookupRef(alias: string, name: string): Node {
  return columnRef([alias, `weft_sq_${name}`]);
}

/** The key columns of a lookup (k0, k1, …, one per correlation key) and the ON joining them. */
export function keyTargets(corr: Correlation): Node[] {
  return corr.keys.map((k, i) => lookupTarget(k.inner, `k${i}`));
}

export function keyJoin(corr: Correlation, alias: string): { on: Node[]; outer: Node[] } {
  return {
    on: corr.keys.map((k, i) => opExpr("=", lookupRef(alias, `k${i}`), k.outer)),
    outer: corr.keys.map((k) => k.outer),
  };
}

/**
 * Conditions over the outer query alone decide whether the subquery has rows at all: when
 * they are not all true the result is what the subquery gives over no rows (`empty`).
 */
export function guarded(corr: Correlation, replacement: Node, empty: Node): Node {
  if (corr.guards.length === 0) return replacement;
  return caseExpr([[andAll(corr.guards), replacement]], empty);
}

/**
 * A subquery whose only outer references were guards: without them it is uncorrelated and
 * stays a subquery (an init plan computed once), behind the guards.
 */
export function uncorrelatedRest(
  link: any,
  corr: Correlation,
  empty: Node,
  env: DecorrelateEnv,
  what: string,
): Node {
  const select = { ...(link.subselect.SelectStmt as SelectStmt) };
  delete select.whereClause;
  if (corr.inner.length > 0) select.whereClause = andAll(corr.inner);
  if (freeRefs(select, env.catalog).length > 0)
    throw cannotDecorrelate(`${what} that reads the outer query outside its WHERE`);
  const rest = {
    SubLink: {
      ...link,
      ...(link.testexpr ? { testexpr: env.outerExpr(link.testexpr) } : {}),
      subselect: { SelectStmt: select },
    },
  } as unknown as Node;
  return guarded(corr, rest, empty);
}
