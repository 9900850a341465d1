import type { Node, SelectStmt } from "@pgsql/types";
import { funcCall } from "./ast-nodes.ts";

/**
 * What the LATERAL rewrite (decorrelate-lateral.ts, lateral-*.ts) builds besides the generic
 * nodes of ast-nodes.ts, in the shape the parser gives the SQL it stands for (the unit tests
 * compare rewritten statements with parses).
 */

/** `name() OVER (PARTITION BY … ORDER BY …)` with the default frame, as the parser builds it. */
export function windowCall(name: string, partition: Node[], order: Node[]): Node {
  return funcCall(name, [], {
    over: {
      ...(partition.length > 0 ? { partitionClause: partition } : {}),
      ...(order.length > 0 ? { orderClause: order } : {}),
      frameOptions: 1058,
    },
  });
}

/** Names of the columns the rewrite adds to a subquery; the outer query never shows them. */
export const hiddenPrefix = "weft_lat_";

/** One LATERAL subquery rewritten (see rewriteLateralSubquery). */
export interface LateralRewrite {
  /** the RangeSubselect replacing the LATERAL one; null when it had no FROM (its columns are inlined) */
  item: Node | null;
  /** conditions joining it to the items on its left (the original ON condition excluded) */
  on: Node[];
  /** the outer references it had, as written */
  outerRefs: Node[];
  /** the columns the outer query sees (hidden ones excluded), in order */
  columns: string[];
  /** grouped aggregate: one row per outer row, the join must be LEFT */
  aggregate: boolean;
  /** per visible column name, the expression the outer query must read instead of alias.name */
  substitutions: Map<string, Node>;
}

/** The WHERE conjuncts of a LATERAL subquery, by how they read the outer query. */
export interface WhereSplit {
  /** conjuncts over the subquery's own tables */
  inner: Node[];
  /** inner_expr = outer_expr */
  keys: { inner: Node; outer: Node }[];
  /** correlated conjuncts that read no inner column: true or false for a whole outer row */
  outerOnly: Node[];
  /** any other correlated conjunct */
  mixed: Node[];
}

/** The derived table: the RangeSubselect with its new query, no longer LATERAL. */
export function derivedTable(body: any, stmt: SelectStmt): Node {
  const { lateral: _lateral, subquery: _subquery, ...rest } = body;
  return { RangeSubselect: { ...rest, subquery: { SelectStmt: stmt } } } as unknown as Node;
}
