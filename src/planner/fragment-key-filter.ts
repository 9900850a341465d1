import type { Node } from "@pgsql/types";

/**
 * The inner fragment of a bind join for one batch of keys: its WHERE gains
 * `alias.column = ANY($n)`, $n being an array parameter appended after the
 * client's, so the keys are bound like every other value.
 */
export function withKeyFilter(fragment: Node, alias: string, column: string, paramNumber: number): Node {
  const select = (fragment as any).SelectStmt;
  const keyFilter = {
    A_Expr: {
      kind: "AEXPR_OP_ANY",
      name: [{ String: { sval: "=" } }],
      lexpr: { ColumnRef: { fields: [{ String: { sval: alias } }, { String: { sval: column } }] } },
      rexpr: { ParamRef: { number: paramNumber } },
    },
  };
  const where = select.whereClause
    ? { BoolExpr: { boolop: "AND_EXPR", args: [select.whereClause, keyFilter] } }
    : keyFilter;
  return { SelectStmt: { ...select, whereClause: where } } as unknown as Node;
}
