import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { andAll, astText, coalesce, columnRef, mapTree, opExpr } from "./ast-nodes.ts";
import { fromScope, type ScopeCatalog } from "./subquery-scope.ts";

/**
 * Rewrites `JOIN … USING (k, …)` into `ON l.k = r.k AND …`, and every unqualified reference
 * to a merged column k into what PostgreSQL means by it: the left input's k for inner and
 * left joins, the right input's for right joins, COALESCE(l.k, r.k) for full joins.
 * `SELECT *` over such a join (which lists each merged column once) is refused with 0A000.
 */
export function rewriteJoinUsing(stmt: SelectStmt, catalog: ScopeCatalog): SelectStmt {
  if (!stmt.fromClause?.length || !astText(stmt.fromClause).includes('"usingClause"')) return stmt;
  const merged = new Map<string, Node>();
  const from = (stmt.fromClause as Node[]).map((item) => rewriteItem(item, catalog, merged));
  if (merged.size === 0) return stmt;
  for (const t of (stmt.targetList ?? []) as any[]) {
    const fields = t.ResTarget?.val?.ColumnRef?.fields;
    if (fields?.length === 1 && fields[0].A_Star)
      throw new PgError(
        SqlState.featureNotSupported,
        "SELECT * over JOIN … USING across services is not supported yet",
      );
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stmt)) {
    out[key] = key === "fromClause" ? from.map((f) => replaceRefs(f, merged)) : replaceRefs(value, merged);
  }
  return out as SelectStmt;
}

function rewriteItem(node: Node, catalog: ScopeCatalog, merged: Map<string, Node>): Node {
  const j = (node as any).JoinExpr;
  if (!j) return node;
  const leftMerged = new Map<string, Node>();
  const rightMerged = new Map<string, Node>();
  const larg = rewriteItem(j.larg, catalog, leftMerged);
  const rarg = rewriteItem(j.rarg, catalog, rightMerged);
  for (const [k, v] of [...leftMerged, ...rightMerged]) merged.set(k, v);
  if (!j.usingClause || j.isNatural) return { JoinExpr: { ...j, larg, rarg } } as Node;
  if (j.alias || j.join_using_alias)
    throw new PgError(
      SqlState.featureNotSupported,
      "an aliased JOIN … USING across services is not supported yet",
    );
  const leftScope = fromScope([larg], catalog);
  const rightScope = fromScope([rarg], catalog);
  const quals: Node[] = [];
  for (const c of j.usingClause as any[]) {
    const name = String(c.String.sval);
    // a side that is itself a USING join exposes its merged column under the plain name
    const side = (scope: typeof leftScope, inner: Map<string, Node>): Node | null => {
      const holders = scope.filter((s) => s.columns.includes(name));
      if (holders.length === 1) return columnRef([holders[0].alias, name]);
      const m = inner.get(name);
      return m ? structuredClone(m) : null;
    };
    const lref = side(leftScope, leftMerged);
    const rref = side(rightScope, rightMerged);
    if (!lref || !rref)
      throw new PgError(
        SqlState.featureNotSupported,
        `JOIN … USING (${name}) across nested joins is not supported yet`,
      );
    quals.push(opExpr("=", lref, rref));
    const type = String(j.jointype);
    merged.set(name, type === "JOIN_FULL" ? coalesce([lref, rref]) : type === "JOIN_RIGHT" ? rref : lref);
  }
  const { usingClause: _u, ...rest } = j;
  const existing = rest.quals ? [rest.quals as Node] : [];
  return { JoinExpr: { ...rest, larg, rarg, quals: andAll([...quals, ...existing]) } } as unknown as Node;
}

/** Unqualified merged-column references, outside subqueries (which have scopes of their own). */
function replaceRefs(node: unknown, merged: Map<string, Node>): unknown {
  return mapTree(node, (rec) => {
    if (rec.ColumnRef) {
      const fields = rec.ColumnRef.fields ?? [];
      const name = fields.length === 1 ? fields[0].String?.sval : undefined;
      return name !== undefined && merged.has(name) ? structuredClone(merged.get(name)) : rec;
    }
    if (rec.SubLink || rec.RangeSubselect) return rec;
    return undefined;
  });
}
