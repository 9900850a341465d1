import type { Node } from "@pgsql/types";
import { PgError } from "../common/pg-error.ts";
import { astKey, containsSubLink, intConst, intValue, resTarget, sortBy } from "./ast-nodes.ts";
import type { BoundAggregate, BoundExpr } from "./bound-expr.ts";
import type { PlanInput } from "./plan-select.ts";
import type { PlanColumn, RemoteScanPlan } from "./query-plan.ts";
import { readsVolatile } from "./volatile-params.ts";

/**
 * Pushing a query's grouping, ORDER BY and LIMIT into the fragment of its only
 * remote scan. The service's compiler decides: what it refuses stays in memory.
 * The in-memory sort and limit always stay above a pushed ORDER BY/LIMIT, because
 * they are cheap over few rows and keep the result exact whatever order the
 * source gives ties.
 */

/** The SelectStmt of a scan of one plain table with nothing but a WHERE pushed yet; null otherwise. */
function plainScanSelect(plan: RemoteScanPlan): Record<string, any> | null {
  const select = (plan.fragment as any).SelectStmt;
  if (!select) return null;
  if (select.op && select.op !== "SETOP_NONE") return null;
  const from = select.fromClause ?? [];
  if (from.length !== 1 || !from[0].RangeVar) return null;
  if (select.groupClause || select.havingClause || select.sortClause || select.distinctClause) return null;
  if (select.limitCount || select.limitOffset) return null;
  return select;
}

function offer(plan: RemoteScanPlan, select: Record<string, any>, input: PlanInput): string | null {
  try {
    input.catalog.compileFragment(
      plan.service,
      { SelectStmt: select } as Node,
      input.params,
      input.paramTypes,
    );
    return null;
  } catch (err) {
    // any refusal (not only 0A000: a construct the compiler cannot even name) keeps the work in memory
    if (err instanceof PgError) return err.message;
    throw err;
  }
}

/**
 * GROUP BY + aggregates (+ HAVING when accepted) into the scan's fragment. Returns a scan
 * with the aggregate node's output layout (group keys, then aggregates), or null when the
 * service refuses (the caller aggregates in memory).
 */
export function pushAggregate(
  scan: RemoteScanPlan,
  pieces: {
    groupNodes: Node[];
    aggNodes: Node[];
    having: Node | null;
    groupKeys: BoundExpr[];
    aggregates: BoundAggregate[];
  },
  input: PlanInput,
): RemoteScanPlan | null {
  const select = plainScanSelect(scan);
  if (!select) return null;
  const { groupNodes, aggNodes, having } = pieces;
  if ([...groupNodes, ...aggNodes].some((n) => containsSubLink(n) || readsVolatile(n, input))) return null;
  const columns: PlanColumn[] = [
    ...pieces.groupKeys.map((k, i) => ({ name: `key${i}`, oid: k.type, typmod: k.typmod })),
    ...pieces.aggregates.map((a) => ({ name: a.fn.name, oid: a.type, typmod: -1 })),
  ];
  const grouped = {
    ...select,
    targetList: [...groupNodes, ...aggNodes].map((n) => resTarget(n)),
    // by position: the compiler binds each constant as its own parameter, so a repeated
    // `x % 2` would no longer match its select-list twin at the source
    groupClause: groupNodes.length > 0 ? groupNodes.map((_, i) => position(i)) : undefined,
  };
  const withHaving =
    having &&
    !containsSubLink(having) &&
    !readsVolatile(having, input) &&
    !columnOutsideAggregate(having, aggNodes)
      ? { ...grouped, havingClause: having }
      : null;
  const kept = [...scan.kept];
  if (withHaving) {
    const refused = offer(scan, withHaving, input);
    if (refused === null) {
      return {
        ...scan,
        fragment: { SelectStmt: withHaving } as Node,
        columns,
        estimate: estimateGroups(scan.estimate, groupNodes.length) / 2,
        pushed: [...scan.pushed, "aggregate", "having"],
        kept,
      };
    }
    kept.push(refused);
  }
  const refused = offer(scan, grouped, input);
  if (refused !== null) return null;
  return {
    ...scan,
    fragment: { SelectStmt: grouped } as Node,
    columns,
    estimate: estimateGroups(scan.estimate, groupNodes.length),
    pushed: [...scan.pushed, "aggregate"],
    kept,
  };
}

function estimateGroups(rows: number, keys: number): number {
  return keys === 0 ? 1 : Math.max(1, Math.round(rows / 10));
}

/**
 * ORDER BY (the client's sort expressions, output names and positions resolved) and
 * LIMIT count+offset into the only scan's fragment. `scan` is a plain scan or one whose
 * grouping was pushed by pushAggregate.
 */
export function pushOrderLimit(
  scan: RemoteScanPlan,
  order: { node: Node; descending: boolean; nullsFirst: boolean }[],
  limitCount: Node | null,
  limitOffset: Node | null,
  input: PlanInput,
): RemoteScanPlan {
  const select = (scan.fragment as any).SelectStmt;
  const from = select?.fromClause ?? [];
  if (!select || (select.op && select.op !== "SETOP_NONE") || from.length !== 1 || !from[0].RangeVar)
    return scan;
  if (select.sortClause || select.limitCount || select.limitOffset || select.distinctClause) return scan;
  const count = pushedLimit(limitCount, limitOffset);
  // without a limit, ordering at the source saves nothing: the rows are sorted in memory anyway
  if (count === null) return scan;
  if (order.some((s) => containsSubLink(s.node) || readsVolatile(s.node, input))) return scan;
  // over a pushed grouping, sort keys are select-list entries named by position (see pushAggregate)
  const outputs: string[] | null = select.groupClause
    ? (select.targetList as any[]).map((t) => astKey(t.ResTarget.val))
    : null;
  const nodes: Node[] = [];
  for (const s of order) {
    if (!outputs) nodes.push(s.node);
    else {
      const i = outputs.indexOf(astKey(s.node));
      if (i < 0) return scan;
      nodes.push(position(i));
    }
  }
  const sortClause = order.map((s, i) =>
    sortBy(
      nodes[i],
      s.descending ? "SORTBY_DESC" : "SORTBY_ASC",
      // explicit, so the source orders NULLs as PostgreSQL does whatever its default
      s.nullsFirst ? "SORTBY_NULLS_FIRST" : "SORTBY_NULLS_LAST",
    ),
  );
  const limited = {
    ...select,
    sortClause: sortClause.length > 0 ? sortClause : undefined,
    limitCount: count,
    limitOption: "LIMIT_OPTION_COUNT",
  };
  const refused = offer(scan, limited, input);
  if (refused !== null) return { ...scan, kept: [...scan.kept, refused] };
  return {
    ...scan,
    fragment: { SelectStmt: limited } as Node,
    estimate: Math.min(scan.estimate, constantOf(count) ?? scan.estimate),
    pushed: [...scan.pushed, ...(sortClause.length > 0 ? ["order by"] : []), "limit"],
  };
}

/**
 * LIMIT n OFFSET m at the source reads n + m rows. Only integer constants are pushed: a
 * parameter may be NULL (LIMIT ALL) or negative (an error the in-memory limit raises).
 */
function pushedLimit(count: Node | null, offset: Node | null): Node | null {
  const c = count ? constantOf(count) : null;
  const o = offset ? constantOf(offset) : 0;
  if (c === null || o === null) return null;
  return intConst(c + o);
}

function constantOf(node: Node): number | null {
  const n = intValue(node);
  return n !== null && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function position(i: number): Node {
  return intConst(i + 1);
}

/** Whether a HAVING reads a column outside its aggregates (a group key expression, bound anew at the source). */
function columnOutsideAggregate(node: unknown, aggNodes: Node[]): boolean {
  if (node === null || typeof node !== "object") return false;
  if (Array.isArray(node)) return node.some((n) => columnOutsideAggregate(n, aggNodes));
  if ((node as any).ColumnRef) return true;
  if ((node as any).FuncCall && aggNodes.some((a) => astKey(a) === astKey(node))) return false;
  return Object.values(node).some((v) => columnOutsideAggregate(v, aggNodes));
}
