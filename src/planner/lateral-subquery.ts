import type { Node, SelectStmt } from "@pgsql/types";
import {
  and,
  columnRef,
  columnRefs,
  conjuncts,
  containsSubLink,
  hasWindowCall,
  mapTree,
  opExpr,
  refFields,
  refName,
  resTarget,
  sameNode,
  sortBy,
  subqueryAlias,
  uniqueNodes,
} from "./ast-nodes.ts";
import { aggregateRewrite, hasAggregate, inlineRewrite } from "./lateral-aggregate.ts";
import {
  derivedTable,
  hiddenPrefix,
  type LateralRewrite,
  type WhereSplit,
  windowCall,
} from "./lateral-ast.ts";
import { limitConditions, limitOf, resolveSortItem } from "./lateral-limit.ts";
import { inlineNamedWindows } from "./plan-window.ts";
import { cannotDecorrelate, correlationKey, notSupported } from "./subquery-correlation.ts";
import {
  derivedColumnNames,
  freeRefs,
  fromScope,
  resolvesIn,
  type ScopeCatalog,
  type ScopeItem,
} from "./subquery-scope.ts";

/**
 * One LATERAL subquery turned into an ordinary derived table plus the conditions that join it
 * to the FROM items on its left. The correlated conjuncts of its WHERE leave it: an equality
 * `inner_expr = outer_expr` exposes inner_expr as a hidden column `weft_lat_kN` and joins on
 * `alias.weft_lat_kN = outer_expr`; any other correlated conjunct moves whole to the join
 * condition (its inner columns exposed as `weft_lat_cN`) when the subquery is a plain filter.
 * For one outer row, the rows the subquery would return are exactly the rows of the derived
 * table whose keys equal that row's outer expressions, so:
 * - ORDER BY … LIMIT n OFFSET m becomes `row_number() OVER (PARTITION BY keys ORDER BY …)`
 *   (rank() for WITH TIES) kept where `m < weft_lat_rn <= m + n`;
 * - window functions and DISTINCT ON get the keys in front of their partitions, GROUP BY gets
 *   them added, DISTINCT sees them among the columns (rows with equal keys stay together);
 * - aggregates without GROUP BY (one row for every outer row) are grouped by the keys and
 *   LEFT JOINed: each output column becomes an expression over the hidden aggregate columns
 *   `weft_lat_aN` that gives what the aggregate gives over no rows for an unmatched outer row
 *   (count: 0, the others: NULL), and the outer query reads that expression instead
 *   (lateral-aggregate.ts).
 * `body` is a RangeSubselect with `lateral` whose outer references resolve in `leftScope`.
 * Returns null when it has none (it is an ordinary derived table then).
 */
export function rewriteLateralSubquery(
  body: any,
  leftScope: ScopeItem[],
  catalog: ScopeCatalog,
): LateralRewrite | null {
  let sub = body.subquery.SelectStmt as SelectStmt;
  const alias = subqueryAlias(body);
  const outerRefs = freeRefs(sub, catalog);
  if (outerRefs.length === 0) return null;
  if (sub.op && sub.op !== "SETOP_NONE")
    throw cannotDecorrelate("a correlated LATERAL subquery with UNION/INTERSECT/EXCEPT");
  if (sub.valuesLists) throw cannotDecorrelate("a correlated LATERAL (VALUES …)");
  for (const ref of outerRefs) {
    if (!resolvesIn(leftScope, refFields((ref as any).ColumnRef))) {
      throw notSupported(
        `a LATERAL subquery referring to ${refName(ref)} outside the FROM items on its left in the same join`,
      );
    }
  }
  const columns = derivedColumnNames(body, catalog);
  if (!sub.fromClause?.length) return inlineRewrite(sub, columns, outerRefs);
  sub = inlineNamedWindows(sub);
  const innerScope = fromScope(sub.fromClause as Node[], catalog);
  const split = splitWhere(sub, innerScope, catalog);
  refuseCorrelationElsewhere({ ...sub, whereClause: and(split.inner) } as SelectStmt, catalog);

  const targets = (sub.targetList ?? []) as any[];
  const grouped = ((sub.groupClause ?? []) as Node[]).length > 0;
  const windowed = hasWindowCall([sub.targetList, sub.sortClause]);
  const aggregated =
    !grouped && (Boolean(sub.havingClause) || targets.some((t) => hasAggregate(t.ResTarget?.val)));
  const distinctOn = ((sub.distinctClause ?? []) as any[]).filter((d) => Object.keys(d).length > 0);
  const distinct = ((sub.distinctClause ?? []) as Node[]).length > 0;
  const limit = limitOf(sub);
  const withoutWhere = { ...sub, whereClause: and(split.inner) } as SelectStmt;

  if (aggregated) {
    return aggregateRewrite(body, withoutWhere, columns, split, limit, windowed, outerRefs);
  }
  const shaped = limit || distinct || windowed || grouped;
  if (shaped && split.mixed.length > 0) {
    throw cannotDecorrelate(
      `a LATERAL subquery with LIMIT/OFFSET, DISTINCT, GROUP BY or window functions correlated by a condition other than an equality (${refName(columnRefs(split.mixed[0], ownRefs)[0])} …)`,
    );
  }
  if (limit && distinct)
    throw cannotDecorrelate("a correlated LATERAL subquery with DISTINCT and LIMIT/OFFSET");

  const keyExprs = uniqueNodes(split.keys.map((k) => k.inner));
  const hidden: Node[] = keyExprs.map((e, i) => resTarget(e, `${hiddenPrefix}k${i}`));
  const keyColumn = (inner: Node) => `${hiddenPrefix}k${keyExprs.findIndex((e) => sameNode(e, inner))}`;
  const on: Node[] = split.keys.map((k) => opExpr("=", columnRef([alias, keyColumn(k.inner)]), k.outer));
  on.push(...split.outerOnly);

  // a non-equality correlated conjunct reads the inner columns through hidden columns
  const exposed: Node[] = [];
  for (const c of split.mixed) {
    on.push(
      mapTree(c, (n) => {
        if (!n.ColumnRef || !resolvesIn(innerScope, refFields(n.ColumnRef))) return undefined;
        let i = exposed.findIndex((e) => sameNode(e, n));
        if (i < 0) {
          i = exposed.length;
          exposed.push(n as Node);
          hidden.push(resTarget(n as Node, `${hiddenPrefix}c${i}`));
        }
        return columnRef([alias, `${hiddenPrefix}c${i}`]);
      }) as Node,
    );
  }

  let rewritten: SelectStmt = { ...withoutWhere };
  if (grouped) rewritten.groupClause = [...(sub.groupClause as Node[]), ...keyExprs];
  if (windowed) rewritten = partitionWindowsBy(rewritten, keyExprs);
  if (distinctOn.length > 0) {
    rewritten.distinctClause = [...keyExprs, ...distinctOn];
    if (sub.sortClause?.length)
      rewritten.sortClause = [...keyExprs.map((k) => sortBy(k)), ...(sub.sortClause as Node[])];
  }
  if (limit) {
    const order = ((sub.sortClause ?? []) as any[]).map((s) => resolveSortItem(s, targets));
    // window functions cannot nest: ordering the row numbers by one needs another query level
    if (hasWindowCall(order))
      throw cannotDecorrelate("a correlated LATERAL subquery with LIMIT ordered by a window function");
    const fn = limit.withTies ? "rank" : "row_number";
    hidden.push(resTarget(windowCall(fn, keyExprs, order), `${hiddenPrefix}rn`));
    on.push(...limitConditions(columnRef([alias, `${hiddenPrefix}rn`]), limit));
    rewritten.sortClause = undefined;
    rewritten.limitCount = undefined;
    rewritten.limitOffset = undefined;
    rewritten.limitOption = "LIMIT_OPTION_DEFAULT" as SelectStmt["limitOption"];
  }
  rewritten.targetList = [...(rewritten.targetList as Node[]), ...hidden] as SelectStmt["targetList"];
  return {
    item: derivedTable(body, rewritten),
    on,
    outerRefs,
    columns,
    aggregate: false,
    substitutions: new Map(),
  };
}

// ---------------------------------------------------------------- the correlated conjuncts of WHERE

/** The references a conjunct reads itself: a nested subquery's body has its own scope. */
const ownRefs = { stars: true, subqueries: false };

function splitWhere(sub: SelectStmt, innerScope: ScopeItem[], catalog: ScopeCatalog): WhereSplit {
  const split: WhereSplit = { inner: [], keys: [], outerOnly: [], mixed: [] };
  const isInner = (ref: any) => resolvesIn(innerScope, refFields(ref.ColumnRef));
  for (const c of conjuncts(sub.whereClause)) {
    const outer = outerRefsOf(c, innerScope, catalog);
    if (outer.length === 0) {
      split.inner.push(c);
      continue;
    }
    if (containsSubLink(c)) {
      throw cannotDecorrelate(
        `a LATERAL subquery correlated inside a nested subquery (${refName(outer[outer.length - 1])})`,
      );
    }
    const refs = columnRefs(c, ownRefs);
    if (!refs.some(isInner)) {
      split.outerOnly.push(c);
      continue;
    }
    const key = correlationKey(c, isInner, ownRefs, true);
    if (key) split.keys.push(key);
    else split.mixed.push(c);
  }
  return split;
}

/** The column references of an expression (in nested subqueries too) that `scope` does not answer. */
function outerRefsOf(node: unknown, scope: ScopeItem[], catalog: ScopeCatalog, into: Node[] = []): Node[] {
  if (Array.isArray(node)) {
    for (const n of node) outerRefsOf(n, scope, catalog, into);
    return into;
  }
  if (node === null || typeof node !== "object") return into;
  const rec = node as Record<string, any>;
  if (rec.ColumnRef) {
    if (!resolvesIn(scope, refFields(rec.ColumnRef))) into.push(node as Node);
    return into;
  }
  if (rec.SubLink) {
    outerRefsOf(rec.SubLink.testexpr, scope, catalog, into);
    for (const ref of freeRefs(rec.SubLink.subselect.SelectStmt, catalog))
      if (!resolvesIn(scope, refFields((ref as any).ColumnRef))) into.push(ref);
    return into;
  }
  for (const v of Object.values(rec)) outerRefsOf(v, scope, catalog, into);
  return into;
}

/** Outer references left anywhere but in WHERE (and LIMIT/OFFSET, which become join conditions). */
function refuseCorrelationElsewhere(sub: SelectStmt, catalog: ScopeCatalog): void {
  const from = { fromClause: sub.fromClause } as SelectStmt;
  const inFrom = freeRefs(from, catalog);
  if (inFrom.length > 0) {
    throw cannotDecorrelate(
      `a LATERAL subquery correlated inside its FROM clause (a join condition or a nested subquery: ${refName(inFrom[0])})`,
    );
  }
  const places: [keyof SelectStmt, string][] = [
    ["targetList", "its select list"],
    ["groupClause", "GROUP BY"],
    ["havingClause", "HAVING"],
    ["sortClause", "ORDER BY"],
    ["distinctClause", "DISTINCT ON"],
  ];
  for (const [key, where] of places) {
    const refs = freeRefs({ ...from, targetList: sub.targetList, [key]: sub[key] } as SelectStmt, catalog);
    if (refs.length > 0) {
      throw cannotDecorrelate(
        `a LATERAL subquery with a correlated reference in ${where} (${refName(refs[0])})`,
      );
    }
  }
}

// ---------------------------------------------------------------- helpers

function partitionWindowsBy(stmt: SelectStmt, keys: Node[]): SelectStmt {
  const prepend = (node: unknown): unknown =>
    mapTree(node, (n): unknown => {
      if (n.SubLink) return n;
      const f = n.FuncCall;
      if (!f?.over) return undefined;
      const over = { ...f.over, partitionClause: [...keys, ...(f.over.partitionClause ?? [])] };
      return { FuncCall: { ...f, args: prepend(f.args), over } };
    });
  return {
    ...stmt,
    targetList: prepend(stmt.targetList),
    sortClause: prepend(stmt.sortClause),
  } as SelectStmt;
}
