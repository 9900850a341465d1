import type { Node } from "@pgsql/types";
import { andAll, opExpr } from "./ast-nodes.ts";

/**
 * A fragment for one batch of keys of several columns: its WHERE gains `key_i = ANY($n+i)` per
 * key expression, the arrays appended after the client's parameters (so every key is bound).
 * With several columns this fetches a superset of the key tuples; the caller matches exactly.
 */
export function withKeyFilters(fragment: Node, keys: readonly Node[], firstParam: number): Node {
  const select = (fragment as any).SelectStmt;
  const filters = keys.map((k, i) =>
    opExpr("=", k, { ParamRef: { number: firstParam + i } } as unknown as Node, "AEXPR_OP_ANY"),
  );
  if (filters.length === 0) return fragment;
  const where = andAll(select.whereClause ? [select.whereClause, ...filters] : filters);
  return { SelectStmt: { ...select, whereClause: where } } as unknown as Node;
}
