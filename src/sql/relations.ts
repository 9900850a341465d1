import type { Node } from "@pgsql/types";

export interface RelationRef {
  schema: string | null;
  name: string;
  /** UTF-16 index into the parsed input (see parse.ts), -1 when unknown */
  location: number;
}

/**
 * Every relation a RangeVar names anywhere in the statement, in source order, excluding
 * unqualified names that resolve to a CTE in scope.
 */
export function referencedRelations(ast: Node): RelationRef[] {
  const out: RelationRef[] = [];
  walk(ast, [], out);
  return out;
}

type Scope = Set<string>[];

function inCte(scopes: Scope, name: string): boolean {
  return scopes.some((s) => s.has(name));
}

function walk(node: unknown, scopes: Scope, out: RelationRef[]): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, scopes, out);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const rec = node as Record<string, any>;
  // INSERT/UPDATE/DELETE carry their target as a bare RangeVar body under `relation`
  const rv = rec.RangeVar ?? (typeof rec.relname === "string" && "inh" in rec ? rec : null);
  if (rv) {
    const schema: string | null = rv.schemaname ?? null;
    if (schema !== null || !inCte(scopes, rv.relname)) {
      out.push({ schema, name: rv.relname, location: rv.location ?? -1 });
    }
    return;
  }
  // A statement node with a WITH clause opens a CTE scope for itself.
  for (const key of Object.keys(rec)) {
    const inner = rec[key];
    if (inner && typeof inner === "object" && !Array.isArray(inner) && inner.withClause) {
      walkWith(key, inner, scopes, out);
      continue;
    }
    walk(inner, scopes, out);
  }
}

function walkWith(key: string, stmt: any, scopes: Scope, out: RelationRef[]): void {
  const wc = stmt.withClause.WithClause ?? stmt.withClause;
  const ctes: any[] = (wc.ctes ?? []).map((c: any) => c.CommonTableExpr);
  const names = new Set<string>();
  const inner: Scope = [...scopes, names];
  for (const cte of ctes) {
    // a recursive CTE sees itself; a plain one sees only earlier siblings
    if (wc.recursive) names.add(cte.ctename);
    walk(cte.ctequery, inner, out);
    names.add(cte.ctename);
  }
  const { withClause: _w, ...rest } = stmt;
  walk({ [key]: rest }, inner, out);
}

/** Functions called anywhere in the statement: lowercased, schema-qualified when written so. */
export function referencedFunctions(ast: Node): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const rec = node as Record<string, any>;
    if (rec.FuncCall) {
      const name = (rec.FuncCall.funcname ?? [])
        .map((n: any) => String(n.String?.sval ?? "").toLowerCase())
        .join(".");
      if (!seen.has(name)) {
        seen.add(name);
        out.push(name);
      }
    }
    for (const key of Object.keys(rec)) visit(rec[key]);
  };
  visit(ast);
  return out;
}
