import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { astText } from "./ast-nodes.ts";

interface CteDef {
  query: Node;
  colnames: Node[] | undefined;
}

type CteScope = Map<string, CteDef>[];

/**
 * Replaces every reference to a non-recursive CTE by a derived table holding the CTE's query
 * (PostgreSQL 12+ inlines non-MATERIALIZED CTEs the same way; MATERIALIZED ones give the same
 * rows as long as the query is not volatile). Returns a new tree: parsed statements are cached
 * and shared, so the input is never mutated.
 */
export function inlineCtes(stmt: SelectStmt): SelectStmt {
  if (!astText(stmt).includes('"withClause"')) return stmt;
  return (rewrite({ SelectStmt: stmt }, []) as { SelectStmt: SelectStmt }).SelectStmt;
}

function rewrite(node: unknown, scopes: CteScope): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, scopes));
  if (node === null || typeof node !== "object") return node;
  const rec = node as Record<string, any>;
  if (rec.RangeVar) return rangeVar(rec.RangeVar, scopes) ?? node;
  if (rec.SelectStmt?.withClause) return { SelectStmt: selectWith(rec.SelectStmt, scopes) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) out[k] = rewrite(v, scopes);
  return out;
}

function selectWith(stmt: any, scopes: CteScope): unknown {
  const wc = stmt.withClause.WithClause ?? stmt.withClause;
  if (wc.recursive)
    throw new PgError(SqlState.featureNotSupported, "WITH RECURSIVE across services is not supported");
  const defs = new Map<string, CteDef>();
  const inner = [...scopes, defs];
  for (const c of (wc.ctes ?? []) as any[]) {
    const cte = c.CommonTableExpr;
    if (!cte.ctequery?.SelectStmt) {
      throw new PgError(
        SqlState.featureNotSupported,
        "data-modifying statements in WITH across services are not supported",
      );
    }
    // a plain CTE sees the CTEs listed before it, not itself
    defs.set(cte.ctename, { query: rewrite(cte.ctequery, inner) as Node, colnames: cte.aliascolnames });
  }
  const { withClause: _w, ...rest } = stmt;
  return (rewrite({ SelectStmt: rest }, inner) as { SelectStmt: unknown }).SelectStmt;
}

function rangeVar(rv: any, scopes: CteScope): Node | null {
  if (rv.schemaname) return null;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const def = scopes[i].get(rv.relname);
    if (!def) continue;
    const colnames = rv.alias?.colnames ?? def.colnames;
    return {
      RangeSubselect: {
        subquery: structuredClone(def.query),
        alias: { aliasname: rv.alias?.aliasname ?? rv.relname, ...(colnames ? { colnames } : {}) },
      },
    } as unknown as Node;
  }
  return null;
}
