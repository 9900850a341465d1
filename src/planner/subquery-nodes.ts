import type { Node } from "@pgsql/types";

/**
 * Weft's own AST node kinds, which the subquery rewrites (subquery-*.ts) and applies put among
 * PostgreSQL's (those are built with ast-nodes.ts). `subqueryValueNode` is the value of a
 * decorrelated scalar subquery taken from the array of its rows' values (bound by
 * bind-expr.ts). No parser produces these and no source compiler knows them, so they are
 * always evaluated in memory.
 */
export const subqueryValueNode = "WeftSubqueryValue";

export function subqueryValue(arg: Node, first: boolean): Node {
  return { [subqueryValueNode]: { arg, first } } as unknown as Node;
}

/** Weft's node for reading a column an apply added (plan-apply.ts), bound as `apply-value`. */
export const applyValueNode = "WeftApplyValue";

export function applyValue(arg: Node): Node {
  return { [applyValueNode]: { arg } } as unknown as Node;
}
