import type { Node } from "@pgsql/types";
import { andAll, columnRef, opExpr } from "./ast-nodes.ts";

/**
 * The inner fragment of a bind join for one batch of keys: its WHERE gains
 * `alias.column = ANY($n)`, $n being an array parameter appended after the
 * client's, so the keys are bound like every other value.
 */
export function withKeyFilter(fragment: Node, alias: string, column: string, paramNumber: number): Node {
  const select = (fragment as any).SelectStmt;
  const param = { ParamRef: { number: paramNumber } } as unknown as Node;
  const keyFilter = opExpr("=", columnRef([alias, column]), param, "AEXPR_OP_ANY");
  const where = select.whereClause ? andAll([select.whereClause, keyFilter]) : keyFilter;
  return { SelectStmt: { ...select, whereClause: where } } as unknown as Node;
}
