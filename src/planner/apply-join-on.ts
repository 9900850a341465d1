import type { Node, SelectStmt } from "@pgsql/types";
import { andAll, conjuncts } from "./ast-nodes.ts";
import { notSupported } from "./subquery-correlation.ts";
import { freeRefs, type ScopeCatalog } from "./subquery-scope.ts";

/**
 * A correlated subquery in the ON condition of an inner join that only inner joins and the
 * preserved sides of outer joins lead to filters exactly like one in WHERE: the conjunct moves
 * there (to be decorrelated, joined or applied like any WHERE conjunct). In an outer join's
 * condition it would have to run per pair of rows: refused with 0A000.
 */
export function moveCorrelatedOnToWhere(stmt: SelectStmt, catalog: ScopeCatalog): SelectStmt {
  const from = (stmt.fromClause ?? []) as Node[];
  if (!from.some((item) => (item as any).JoinExpr && hasCorrelatedSubLink(item, catalog))) return stmt;
  const moved: Node[] = [];
  const visit = (item: Node, safe: boolean): Node => {
    const j = (item as any).JoinExpr;
    if (!j) return item;
    const type = String(j.jointype);
    const larg = visit(j.larg, safe && (type === "JOIN_INNER" || type === "JOIN_LEFT"));
    const rarg = visit(j.rarg, safe && (type === "JOIN_INNER" || type === "JOIN_RIGHT"));
    const on = conjuncts(j.quals);
    const correlated = on.filter((c) => hasCorrelatedSubLink(c, catalog));
    if (correlated.length === 0) return { JoinExpr: { ...j, larg, rarg } } as unknown as Node;
    if (type !== "JOIN_INNER" || !safe)
      throw notSupported(
        "a correlated subquery that cannot be decorrelated in the ON condition of an outer join (or of a join on its nullable side)",
      );
    moved.push(...correlated);
    const rest = on.filter((c) => !correlated.includes(c));
    const { quals: _quals, ...plain } = j;
    // an inner join without a condition is what the parser makes of a CROSS JOIN
    return {
      JoinExpr: { ...plain, larg, rarg, ...(rest.length > 0 ? { quals: andAll(rest) } : {}) },
    } as unknown as Node;
  };
  const items = from.map((item) => visit(item, true));
  const where = [...conjuncts(stmt.whereClause), ...moved];
  return { ...stmt, fromClause: items, whereClause: andAll(where) } as SelectStmt;
}

/** A correlated subquery left in an outer join's ON (moveCorrelatedOnToWhere moved the others). */
export function refuseInOuterJoinConditions(from: Node[], catalog: ScopeCatalog): void {
  for (const item of from) {
    const j = (item as any).JoinExpr;
    if (!j) continue;
    refuseInOuterJoinConditions([j.larg, j.rarg], catalog);
    if (j.quals && hasCorrelatedSubLink(j.quals, catalog))
      throw notSupported(
        "a correlated subquery that cannot be decorrelated in the ON condition of an outer join (or of a join on its nullable side)",
      );
  }
}

/** Whether a subquery in `node` reads the query it sits in. */
export function hasCorrelatedSubLink(node: unknown, catalog: ScopeCatalog): boolean {
  if (Array.isArray(node)) return node.some((n) => hasCorrelatedSubLink(n, catalog));
  if (node === null || typeof node !== "object") return false;
  const rec = node as Record<string, any>;
  if (rec.SubLink) {
    if (freeRefs(rec.SubLink.subselect.SelectStmt, catalog).length > 0) return true;
    return hasCorrelatedSubLink(rec.SubLink.testexpr, catalog);
  }
  // a subquery in FROM has its own correlation (LATERAL), not a sublink's
  if (rec.RangeSubselect) return false;
  return Object.values(rec).some((v) => hasCorrelatedSubLink(v, catalog));
}
