import type { Node, SelectStmt } from "@pgsql/types";
import {
  containsSubLink,
  freeRefs,
  fromScope,
  refFields,
  resolvesIn,
  type ScopeCatalog,
} from "./subquery-scope.ts";

/**
 * Rewrites correlated scalar subqueries of the form
 *   (SELECT agg(…) FROM … WHERE inner_expr = outer_expr [AND …])
 * into a LEFT JOIN with the subquery grouped by its correlation expressions:
 *   … LEFT JOIN (SELECT inner_expr AS k0, agg(…) AS v FROM … WHERE … GROUP BY inner_expr) sq
 *       ON sq.k0 = outer_expr
 * and the subquery itself into `sq.v` (`coalesce(sq.v, 0)` for count, which is 0 over no
 * rows). Each group holds exactly the rows the subquery would see for an outer row whose
 * outer_expr equals the key, so the result is the same; an outer row without a group gets
 * what the aggregate gives over no rows. Subqueries of any other shape are left alone (and
 * refused later with 0A000).
 */
export function decorrelateScalarSubqueries(stmt: SelectStmt, catalog: ScopeCatalog): SelectStmt {
  if ((stmt.op && stmt.op !== "SETOP_NONE") || !stmt.fromClause?.length || !containsSubLink(stmt))
    return stmt;
  if (stmt.groupClause?.length || stmt.havingClause || hasStar(stmt.targetList)) return stmt;
  const joins: { subquery: SelectStmt; alias: string; on: Node[] }[] = [];
  let next = 0;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== "object") return node;
    const rec = node as Record<string, any>;
    if (rec.SubLink) {
      const alias = `weft_scalar_${next}`;
      const found =
        rec.SubLink.subLinkType === "EXPR_SUBLINK"
          ? decorrelate(rec.SubLink.subselect.SelectStmt, alias, catalog)
          : null;
      if (!found) return node;
      next++;
      joins.push({ subquery: found.subquery, alias, on: found.on });
      const ref = columnRef([alias, "v"]);
      return found.count ? { CoalesceExpr: { args: [ref, { A_Const: { ival: { ival: 0 } } }] } } : ref;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) out[k] = rewrite(v);
    return out;
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stmt)) {
    out[key] = key === "targetList" || key === "whereClause" || key === "sortClause" ? rewrite(value) : value;
  }
  if (joins.length === 0) return stmt;
  let from: Node = (stmt.fromClause as Node[]).reduce((l, r) => joinExpr("JOIN_INNER", l, r, []));
  for (const j of joins) {
    const sub = {
      RangeSubselect: { subquery: { SelectStmt: j.subquery }, alias: { aliasname: j.alias } },
    } as unknown as Node;
    from = joinExpr("JOIN_LEFT", from, sub, j.on);
  }
  out.fromClause = [from];
  return out as SelectStmt;
}

const emptyIsNull = new Set([
  "sum",
  "avg",
  "min",
  "max",
  "string_agg",
  "array_agg",
  "json_agg",
  "jsonb_agg",
  "bool_and",
  "bool_or",
  "every",
  "stddev",
  "stddev_samp",
  "stddev_pop",
  "variance",
  "var_samp",
  "var_pop",
]);

function decorrelate(
  select: SelectStmt,
  alias: string,
  catalog: ScopeCatalog,
): { subquery: SelectStmt; on: Node[]; count: boolean } | null {
  if (select.op && select.op !== "SETOP_NONE") return null;
  if (select.groupClause?.length || select.havingClause || select.limitCount || select.limitOffset)
    return null;
  if (select.distinctClause || select.windowClause?.length || select.valuesLists || select.sortClause?.length)
    return null;
  const targets = (select.targetList ?? []) as any[];
  if (targets.length !== 1) return null;
  const f = targets[0].ResTarget?.val?.FuncCall;
  if (!f || f.over || f.agg_within_group || f.agg_order) return null;
  const parts = (f.funcname ?? []).map((n: any) => String(n.String?.sval));
  const name = parts[parts.length - 1];
  const count = name === "count";
  if (parts.length > 1 || (!count && !emptyIsNull.has(name))) return null;
  let scope: ReturnType<typeof fromScope>;
  try {
    scope = fromScope(select.fromClause as Node[], catalog);
    if (freeRefs(select, catalog).length === 0) return null;
  } catch {
    return null;
  }
  const isInner = (ref: any) => resolvesIn(scope, refFields(ref.ColumnRef));
  const inner: Node[] = [];
  const keys: { inner: Node; outer: Node }[] = [];
  for (const c of conjuncts(select.whereClause as Node | undefined)) {
    const refs = refsOf(c);
    if (refs.every(isInner)) {
      inner.push(c);
      continue;
    }
    const e = (c as any).A_Expr;
    if (
      !e?.kind ||
      e.kind !== "AEXPR_OP" ||
      e.name?.[e.name.length - 1]?.String?.sval !== "=" ||
      containsSubLink(c)
    )
      return null;
    const sideOf = (n: Node): "inner" | "outer" | null => {
      const r = refsOf(n);
      if (r.length === 0) return null;
      if (r.every(isInner)) return "inner";
      if (r.every((x) => !isInner(x))) return "outer";
      return null;
    };
    const l = sideOf(e.lexpr);
    const r = sideOf(e.rexpr);
    if (l === "inner" && r === "outer") keys.push({ inner: e.lexpr, outer: e.rexpr });
    else if (l === "outer" && r === "inner") keys.push({ inner: e.rexpr, outer: e.lexpr });
    else return null;
  }
  if (keys.length === 0) return null;
  const subquery = {
    ...select,
    targetList: [
      ...keys.map((k, i) => ({ ResTarget: { name: `k${i}`, val: k.inner } })),
      { ResTarget: { name: "v", val: targets[0].ResTarget.val } },
    ],
    whereClause: inner.length === 0 ? undefined : inner.length === 1 ? inner[0] : andNode(inner),
    groupClause: keys.map((k) => k.inner),
  } as SelectStmt;
  // what stays in the subquery must not read the outer query any more
  if (freeRefs(subquery, catalog).length > 0) return null;
  const on = keys.map(
    (k, i) =>
      ({
        A_Expr: {
          kind: "AEXPR_OP",
          name: [{ String: { sval: "=" } }],
          lexpr: columnRef([alias, `k${i}`]),
          rexpr: k.outer,
        },
      }) as unknown as Node,
  );
  return { subquery, on, count };
}

function hasStar(targets: unknown): boolean {
  return ((targets ?? []) as any[]).some((t) => {
    const fields = t.ResTarget?.val?.ColumnRef?.fields;
    return fields?.length === 1 && fields[0].A_Star;
  });
}

function refsOf(node: unknown, into: any[] = []): any[] {
  if (Array.isArray(node)) {
    for (const n of node) refsOf(n, into);
    return into;
  }
  if (node === null || typeof node !== "object") return into;
  const rec = node as Record<string, any>;
  if (rec.ColumnRef) {
    into.push(rec);
    return into;
  }
  for (const v of Object.values(rec)) refsOf(v, into);
  return into;
}

function conjuncts(node: Node | undefined): Node[] {
  if (!node) return [];
  const b = (node as any).BoolExpr;
  if (b?.boolop === "AND_EXPR") return (b.args as Node[]).flatMap((a) => conjuncts(a));
  return [node];
}

function andNode(nodes: Node[]): Node {
  return { BoolExpr: { boolop: "AND_EXPR", args: nodes } } as unknown as Node;
}

function joinExpr(type: string, larg: Node, rarg: Node, on: Node[]): Node {
  return {
    JoinExpr: {
      jointype: type,
      larg,
      rarg,
      ...(on.length > 0 ? { quals: on.length === 1 ? on[0] : andNode(on) } : {}),
    },
  } as unknown as Node;
}

function columnRef(fields: string[]): Node {
  return { ColumnRef: { fields: fields.map((f) => ({ String: { sval: f } })) } } as unknown as Node;
}
