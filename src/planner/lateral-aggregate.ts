import type { Node, SelectStmt } from "@pgsql/types";
import { aggregateNames } from "./aggregate-names.ts";
import {
  coalesce,
  columnRef,
  columnRefs,
  funcName,
  hasWindowCall,
  intConst,
  mapTree,
  opExpr,
  presentClause,
  refName,
  resTarget,
  sameNode,
  subqueryAlias,
  uniqueNodes,
} from "./ast-nodes.ts";
import { derivedTable, hiddenPrefix, type LateralRewrite, type WhereSplit } from "./lateral-ast.ts";
import type { Limit } from "./lateral-limit.ts";
import { cannotDecorrelate } from "./subquery-correlation.ts";

/**
 * LATERAL subqueries that return exactly one row for every outer row: aggregates without
 * GROUP BY, and a SELECT of expressions without FROM. Their columns become expressions the
 * outer query reads instead (see rewriteLateralSubquery).
 */

// ---------------------------------------------------------------- no FROM: one row of expressions

/** `LATERAL (SELECT a.x * 2 AS y)` is one row for every outer row: its expressions replace its columns. */
export function inlineRewrite(sub: SelectStmt, columns: string[], outerRefs: Node[]): LateralRewrite {
  const clause = presentClause([
    [sub.whereClause, "WHERE"],
    [sub.groupClause, "GROUP BY"],
    [sub.havingClause, "HAVING"],
    [sub.limitCount ?? sub.limitOffset, "LIMIT/OFFSET"],
    [sub.distinctClause, "DISTINCT"],
  ]);
  if (clause) throw cannotDecorrelate(`a correlated LATERAL subquery without FROM with ${clause}`);
  const targets = (sub.targetList ?? []) as any[];
  if (targets.some((t) => hasAggregate(t.ResTarget?.val)) || hasWindowCall([sub.targetList]))
    throw cannotDecorrelate("a correlated LATERAL subquery without FROM with aggregates or window functions");
  const substitutions = new Map<string, Node>();
  targets.forEach((t, i) => {
    if (!substitutions.has(columns[i])) substitutions.set(columns[i], t.ResTarget.val as Node);
  });
  return { item: null, on: [], outerRefs, columns, aggregate: false, substitutions };
}

// ---------------------------------------------------------------- aggregates without GROUP BY

export function aggregateRewrite(
  body: any,
  sub: SelectStmt,
  columns: string[],
  split: WhereSplit,
  limit: Limit | null,
  windowed: boolean,
  outerRefs: Node[],
): LateralRewrite {
  if (sub.havingClause) throw cannotDecorrelate("a correlated LATERAL subquery with HAVING and no GROUP BY");
  if (limit) throw cannotDecorrelate("a correlated LATERAL aggregate subquery with LIMIT/OFFSET");
  if (windowed) throw cannotDecorrelate("a correlated LATERAL aggregate subquery with window functions");
  if (split.mixed.length > 0 || split.keys.length === 0) {
    throw cannotDecorrelate(
      "a LATERAL aggregate subquery correlated by a condition other than an equality between its columns and the outer query's",
    );
  }
  const alias = subqueryAlias(body);
  const keyExprs = uniqueNodes(split.keys.map((k) => k.inner));
  const hidden: Node[] = keyExprs.map((e, i) => resTarget(e, `${hiddenPrefix}k${i}`));
  const keyColumn = (inner: Node) => `${hiddenPrefix}k${keyExprs.findIndex((e) => sameNode(e, inner))}`;
  const own: Node[] = [];
  const substitutions = new Map<string, Node>();
  let next = 0;
  ((sub.targetList ?? []) as any[]).forEach((t, j) => {
    const val = t.ResTarget?.val as Node;
    const name = columns[j];
    if ((val as any)?.ColumnRef?.fields?.some((f: any) => f.A_Star))
      throw cannotDecorrelate("a correlated LATERAL aggregate subquery with *");
    if (aggregateName(val) !== null && emptyValue(val) === "null") {
      // NULL over no rows: the LEFT JOIN's NULL is already right
      own.push(resTarget(val, name));
      return;
    }
    const expr = mapTree(val, (n) => {
      if (n.SubLink) return n;
      if (aggregateName(n as Node) === null) return undefined;
      const column = `${hiddenPrefix}a${next++}`;
      own.push(resTarget(n as Node, column));
      const ref = columnRef([alias, column]);
      return emptyValue(n as Node) === "zero" ? coalesce([ref, intConst(0)]) : ref;
    }) as Node;
    substitutions.set(name, expr);
  });
  if (split.outerOnly.length > 0 && substitutions.size > 0) {
    throw cannotDecorrelate(
      `a LATERAL aggregate subquery with a condition on the outer query only (${refName(columnRefs(split.outerOnly[0], { stars: true, subqueries: false })[0])})`,
    );
  }
  const rewritten = {
    ...sub,
    targetList: [...hidden, ...own],
    groupClause: keyExprs,
    sortClause: undefined,
    distinctClause: undefined,
  } as SelectStmt;
  const on = [
    ...split.keys.map((k) => opExpr("=", columnRef([alias, keyColumn(k.inner)]), k.outer)),
    ...split.outerOnly,
  ];
  return {
    // the columns are named in the select list now: AS x(a, b) would rename the hidden keys
    item: derivedTable({ ...body, alias: { aliasname: alias } }, rewritten),
    on,
    outerRefs,
    columns,
    aggregate: true,
    substitutions,
  };
}

function aggregateName(node: Node): string | null {
  const f = (node as any)?.FuncCall;
  if (!f || f.over) return null;
  const name = funcName(f);
  return aggregateNames.has(name) || f.agg_within_group ? name : null;
}

/** Hypothetical-set aggregates rank a row that is not there: over no rows they still return a value. */
const hypotheticalSet = new Set(["rank", "dense_rank", "percent_rank", "cume_dist"]);

/** What an aggregate call returns over no rows. */
function emptyValue(node: Node): "zero" | "null" {
  const name = aggregateName(node)!;
  if (name === "count") return "zero";
  if (hypotheticalSet.has(name))
    throw cannotDecorrelate(`${name}(…) WITHIN GROUP in a correlated LATERAL subquery`);
  return "null";
}

export function hasAggregate(node: unknown): boolean {
  let found = false;
  mapTree(node, (n) => {
    if (n.SubLink) return n;
    if (aggregateName(n as Node) !== null) found = true;
    return undefined;
  });
  return found;
}
