import type { Node } from "@pgsql/types";

/**
 * AST builders for the subquery rewrites (subquery-*.ts). Besides PostgreSQL's own node
 * kinds there is one of Weft's: `subqueryValueNode`, the value of a decorrelated scalar
 * subquery taken from the array of its rows' values (bound by bind-expr.ts). No parser
 * produces it and no source compiler knows it, so it is always evaluated in memory.
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

export function columnRef(fields: string[]): Node {
  return { ColumnRef: { fields: fields.map((f) => ({ String: { sval: f } })) } } as unknown as Node;
}

export function boolConst(value: boolean): Node {
  return { A_Const: { boolval: value ? { boolval: true } : {} } } as unknown as Node;
}

export function intConst(value: number): Node {
  return { A_Const: { ival: value === 0 ? {} : { ival: value } } } as unknown as Node;
}

export function nullConst(): Node {
  return { A_Const: { isnull: true } } as unknown as Node;
}

export function isNull(arg: Node, negated = false): Node {
  return { NullTest: { arg, nulltesttype: negated ? "IS_NOT_NULL" : "IS_NULL" } } as unknown as Node;
}

export function opExpr(op: string, lexpr: Node, rexpr: Node, kind = "AEXPR_OP"): Node {
  return { A_Expr: { kind, name: [{ String: { sval: op } }], lexpr, rexpr } } as unknown as Node;
}

export function andNode(nodes: Node[]): Node {
  return nodes.length === 1
    ? nodes[0]
    : ({ BoolExpr: { boolop: "AND_EXPR", args: nodes } } as unknown as Node);
}

export function orNode(nodes: Node[]): Node {
  return nodes.length === 1
    ? nodes[0]
    : ({ BoolExpr: { boolop: "OR_EXPR", args: nodes } } as unknown as Node);
}

export function notNode(arg: Node): Node {
  return { BoolExpr: { boolop: "NOT_EXPR", args: [arg] } } as unknown as Node;
}

/** A searched CASE: the first `when` whose condition is true gives its `then`. */
export function caseNode(whens: [Node, Node][], otherwise: Node | null): Node {
  return {
    CaseExpr: {
      args: whens.map(([expr, result]) => ({ CaseWhen: { expr, result } })),
      ...(otherwise ? { defresult: otherwise } : {}),
    },
  } as unknown as Node;
}

export function funcCall(name: string, args: Node[], extra: Record<string, unknown> = {}): Node {
  return { FuncCall: { funcname: [{ String: { sval: name } }], args, ...extra } } as unknown as Node;
}

export function resTarget(val: Node, name?: string): Node {
  return { ResTarget: { ...(name ? { name } : {}), val } } as unknown as Node;
}

export function joinExpr(type: "JOIN_INNER" | "JOIN_LEFT", larg: Node, rarg: Node, on: Node[]): Node {
  return {
    JoinExpr: { jointype: type, larg, rarg, ...(on.length > 0 ? { quals: andNode(on) } : {}) },
  } as unknown as Node;
}

export function rangeSubselect(select: unknown, alias: string): Node {
  return {
    RangeSubselect: { subquery: { SelectStmt: select }, alias: { aliasname: alias } },
  } as unknown as Node;
}

/** The top-level AND conditions of an expression. */
export function conjunctsOf(node: Node | undefined | null): Node[] {
  if (!node) return [];
  const b = (node as any).BoolExpr;
  if (b?.boolop === "AND_EXPR") return (b.args as Node[]).flatMap((a) => conjunctsOf(a));
  return [node];
}

/** An AST as text without parse locations: equal texts are the same expression. */
export function astKey(node: unknown): string {
  return JSON.stringify(node, (key, value) =>
    key === "location" ? undefined : typeof value === "bigint" ? String(value) : value,
  );
}
