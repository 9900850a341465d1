import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { CannotDecorrelate } from "./subquery-correlation.ts";

/**
 * Small builders and readers of libpg-query nodes used by the LATERAL rewrite. Every node is
 * built in the shape the parser itself produces, so a rewritten statement equals the parse of
 * the SQL it stands for (the unit tests compare them that way).
 */

export const lateralNotSupported = (what: string): PgError =>
  new PgError(SqlState.featureNotSupported, `${what} across services is not supported yet`);

/** The rewrite's refusal of one LATERAL subquery: it stays LATERAL and runs as an apply (plan-apply.ts). */
export const lateralCannotDecorrelate = (what: string): PgError => new CannotDecorrelate(what);

export function columnRef(fields: string[]): Node {
  return { ColumnRef: { fields: fields.map((f) => ({ String: { sval: f } })) } } as unknown as Node;
}

export function refName(ref: any): string {
  return ((ref.ColumnRef ?? ref).fields ?? []).map((f: any) => f.String?.sval ?? "*").join(".");
}

export function intConst(n: number): Node {
  return { A_Const: { ival: n === 0 ? {} : { ival: n } } } as unknown as Node;
}

/** The value of an integer literal (`2`, `-1`), or null for anything else. */
export function intValue(node: unknown): number | null {
  const c = (node as any)?.A_Const;
  if (c?.ival === undefined) return null;
  return Number(c.ival.ival ?? 0);
}

export function isNullConst(node: unknown): boolean {
  return (node as any)?.A_Const?.isnull === true;
}

export function isTrueConst(node: unknown): boolean {
  return (node as any)?.A_Const?.boolval?.boolval === true;
}

export function op(name: string, lexpr: Node, rexpr: Node): Node {
  return {
    A_Expr: { kind: "AEXPR_OP", name: [{ String: { sval: name } }], lexpr, rexpr },
  } as unknown as Node;
}

export function and(nodes: Node[]): Node | undefined {
  if (nodes.length === 0) return undefined;
  return nodes.length === 1
    ? nodes[0]
    : ({ BoolExpr: { boolop: "AND_EXPR", args: nodes } } as unknown as Node);
}

export function or(nodes: Node[]): Node {
  return { BoolExpr: { boolop: "OR_EXPR", args: nodes } } as unknown as Node;
}

export function isNull(arg: Node): Node {
  return { NullTest: { arg, nulltesttype: "IS_NULL" } } as unknown as Node;
}

export function coalesce(args: Node[]): Node {
  return { CoalesceExpr: { args } } as unknown as Node;
}

export function castToBigint(arg: Node): Node {
  return {
    TypeCast: {
      arg,
      typeName: { names: [{ String: { sval: "pg_catalog" } }, { String: { sval: "int8" } }], typemod: -1 },
    },
  } as unknown as Node;
}

export function resTarget(val: Node, name?: string): Node {
  return { ResTarget: name === undefined ? { val } : { name, val } } as unknown as Node;
}

/** `name() OVER (PARTITION BY … ORDER BY …)` with the default frame, as the parser builds it. */
export function windowCall(name: string, partition: Node[], order: Node[]): Node {
  return {
    FuncCall: {
      funcname: [{ String: { sval: name } }],
      over: {
        ...(partition.length > 0 ? { partitionClause: partition } : {}),
        ...(order.length > 0 ? { orderClause: order } : {}),
        frameOptions: 1058,
      },
      funcformat: "COERCE_EXPLICIT_CALL",
    },
  } as unknown as Node;
}

export function joinExpr(jointype: string, larg: Node, rarg: Node, on: Node[]): Node {
  const quals = and(on);
  return { JoinExpr: { jointype, larg, rarg, ...(quals ? { quals } : {}) } } as unknown as Node;
}

/** FROM items side by side (a comma list) as one cross-joined tree. */
export function crossJoined(items: Node[]): Node {
  return items.reduce((l, r) => joinExpr("JOIN_INNER", l, r, []));
}

export function conjuncts(node: unknown): Node[] {
  if (!node) return [];
  const b = (node as any).BoolExpr;
  if (b?.boolop === "AND_EXPR") return (b.args as Node[]).flatMap((a) => conjuncts(a));
  return [node as Node];
}

/** Column references of an expression, not looking into subqueries. */
export function columnRefs(node: unknown, into: any[] = []): any[] {
  if (Array.isArray(node)) {
    for (const n of node) columnRefs(n, into);
    return into;
  }
  if (node === null || typeof node !== "object") return into;
  const rec = node as Record<string, any>;
  if (rec.ColumnRef) {
    into.push(rec);
    return into;
  }
  if (rec.SubLink) return columnRefs(rec.SubLink.testexpr, into);
  for (const v of Object.values(rec)) columnRefs(v, into);
  return into;
}

export function sameNode(a: unknown, b: unknown): boolean {
  return stripLocations(a) === stripLocations(b);
}

export function stripLocations(node: unknown): string {
  return JSON.stringify(node, (key, value) =>
    key === "location" ? undefined : typeof value === "bigint" ? String(value) : value,
  );
}

/** Maps a tree bottom-up: `visit` returns a replacement, or undefined to keep walking into the node. */
export function mapTree(node: unknown, visit: (n: Record<string, any>) => unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => mapTree(n, visit));
  if (node === null || typeof node !== "object") return node;
  const replaced = visit(node as Record<string, any>);
  if (replaced !== undefined) return replaced;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = mapTree(v, visit);
  return out;
}

// ---------------------------------------------------------------- what the LATERAL rewrite produces

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

/** Whether a window function is called in these expressions (not counting nested subqueries). */
export function hasWindowCall(nodes: unknown[]): boolean {
  let found = false;
  mapTree(nodes, (n) => {
    if (n.SubLink) return n;
    if (n.FuncCall?.over) found = true;
    return undefined;
  });
  return found;
}

export function uniqueNodes(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (const n of nodes) if (!out.some((o) => sameNode(o, n))) out.push(n);
  return out;
}

/** The derived table: the RangeSubselect with its new query, no longer LATERAL. */
export function derivedTable(body: any, stmt: SelectStmt): Node {
  const { lateral: _lateral, subquery: _subquery, ...rest } = body;
  return { RangeSubselect: { ...rest, subquery: { SelectStmt: stmt } } } as unknown as Node;
}
