import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import type { SourceTable } from "../connectors/spi.ts";
import { funcName, refFields } from "./ast-nodes.ts";

/** The names a FROM clause makes visible, enough to tell inner from outer column references. */
export interface ScopeItem {
  alias: string;
  columns: string[];
}

export interface ScopeCatalog {
  isService(schema: string): boolean;
  serviceForUnqualified(table: string): string | null;
  table(service: string, table: string): SourceTable | undefined;
}

export function fromScope(from: readonly Node[] | undefined, catalog: ScopeCatalog): ScopeItem[] {
  const out: ScopeItem[] = [];
  for (const item of from ?? []) addItem(item, catalog, out);
  return out;
}

function addItem(node: Node, catalog: ScopeCatalog, out: ScopeItem[]): void {
  const [kind, body] = Object.entries(node)[0] as [string, any];
  if (kind === "RangeVar") {
    const service = body.schemaname ?? catalog.serviceForUnqualified(body.relname);
    const table = service && catalog.isService(service) ? catalog.table(service, body.relname) : undefined;
    if (!table)
      throw new PgError(SqlState.featureNotSupported, `relation ${body.relname} is not a service table`);
    const names = table.columns.map((c) => c.name);
    out.push({ alias: body.alias?.aliasname ?? body.relname, columns: renamed(names, body.alias?.colnames) });
    return;
  }
  if (kind === "JoinExpr") {
    addItem(body.larg, catalog, out);
    addItem(body.rarg, catalog, out);
    return;
  }
  if (kind === "RangeSubselect") {
    out.push({ alias: body.alias?.aliasname ?? "", columns: derivedColumnNames(body, catalog) });
    return;
  }
  throw new PgError(
    SqlState.featureNotSupported,
    `${kind} in a subquery across services is not supported yet`,
  );
}

function renamed(names: string[], colnames: Node[] | undefined): string[] {
  if (!colnames) return names;
  const out = names.slice();
  colnames.forEach((c: any, i) => {
    out[i] = String(c.String?.sval ?? out[i]);
  });
  return out;
}

/** The column names of a FROM subquery (a RangeSubselect's body): `AS x(a, b)` renames the first ones. */
export function derivedColumnNames(body: any, catalog: ScopeCatalog): string[] {
  return renamed(outputNames(body.subquery.SelectStmt, catalog), body.alias?.colnames);
}

/** The column names a SELECT produces, as PostgreSQL names them. */
export function outputNames(stmt: SelectStmt, catalog: ScopeCatalog): string[] {
  if (stmt.op && stmt.op !== "SETOP_NONE") return outputNames(stmt.larg as SelectStmt, catalog);
  if (stmt.valuesLists) {
    const first = ((stmt.valuesLists[0] as any)?.List?.items ?? []) as Node[];
    return first.map((_, i) => `column${i + 1}`);
  }
  const out: string[] = [];
  for (const t of (stmt.targetList ?? []) as any[]) {
    const rt = t.ResTarget;
    const ref = rt.val?.ColumnRef;
    const last = ref?.fields?.[ref.fields.length - 1];
    if (last?.A_Star) {
      const qualifier = ref.fields.length >= 2 ? ref.fields[ref.fields.length - 2].String?.sval : null;
      for (const item of fromScope(stmt.fromClause as Node[], catalog)) {
        if (qualifier === null || item.alias === qualifier) out.push(...item.columns);
      }
      continue;
    }
    out.push(rt.name ?? defaultName(rt.val));
  }
  return out;
}

function defaultName(node: any): string {
  if (node?.ColumnRef)
    return node.ColumnRef.fields[node.ColumnRef.fields.length - 1].String?.sval ?? "?column?";
  if (node?.FuncCall) return funcName(node.FuncCall);
  if (node?.TypeCast) {
    const inner = defaultName(node.TypeCast.arg);
    if (inner !== "?column?") return inner;
    const names = node.TypeCast.typeName?.names ?? [];
    return String(names[names.length - 1]?.String?.sval ?? "?column?");
  }
  if (node?.CaseExpr) return "case";
  if (node?.CoalesceExpr) return "coalesce";
  if (node?.SubLink?.subLinkType === "EXISTS_SUBLINK") return "exists";
  return "?column?";
}

/** Whether a column reference (its name parts) is answered by this scope. */
export function resolvesIn(scope: readonly ScopeItem[], fields: string[], outputs: string[] = []): boolean {
  if (fields.length === 0) return true;
  const column = fields[fields.length - 1];
  if (fields.length >= 2) {
    const qualifier = fields[fields.length - 2];
    return scope.some((s) => s.alias === qualifier);
  }
  if (column === "*") return true;
  return scope.some((s) => s.columns.includes(column)) || outputs.includes(column);
}

/**
 * The column references inside a SELECT (at any depth, subqueries included) that none of its
 * own scopes answer: the references to an enclosing query. Empty when it is uncorrelated.
 */
export function freeRefs(stmt: SelectStmt, catalog: ScopeCatalog): Node[] {
  if (stmt.op && stmt.op !== "SETOP_NONE") {
    return [...freeRefs(stmt.larg as SelectStmt, catalog), ...freeRefs(stmt.rarg as SelectStmt, catalog)];
  }
  const scope = fromScope(stmt.fromClause as Node[], catalog);
  const out: Node[] = [];
  const outputs = ((stmt.targetList ?? []) as any[]).map((t) => t.ResTarget?.name).filter(Boolean);
  const collect = (node: unknown, withOutputs: boolean) =>
    collectFree(node, scope, catalog, withOutputs ? outputs : [], out);
  for (const [key, value] of Object.entries(stmt)) {
    if (key === "fromClause") {
      for (const item of (value ?? []) as Node[]) fromItemFree(item, scope, catalog, out);
    } else collect(value, key === "sortClause" || key === "groupClause");
  }
  return out;
}

function fromItemFree(node: Node, scope: ScopeItem[], catalog: ScopeCatalog, out: Node[]): void {
  const [kind, body] = Object.entries(node)[0] as [string, any];
  if (kind === "JoinExpr") {
    fromItemFree(body.larg, scope, catalog, out);
    fromItemFree(body.rarg, scope, catalog, out);
    collectFree(body.quals, scope, catalog, [], out);
  } else if (kind === "RangeSubselect") {
    for (const ref of freeRefs(body.subquery.SelectStmt, catalog)) {
      // a LATERAL subquery sees the FROM items beside it
      if (!body.lateral || !resolvesIn(scope, refFields((ref as any).ColumnRef))) out.push(ref);
    }
  }
}

function collectFree(
  node: unknown,
  scope: ScopeItem[],
  catalog: ScopeCatalog,
  outputs: string[],
  out: Node[],
): void {
  if (Array.isArray(node)) {
    for (const n of node) collectFree(n, scope, catalog, outputs, out);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const rec = node as Record<string, any>;
  if (rec.ColumnRef) {
    if (!resolvesIn(scope, refFields(rec.ColumnRef), outputs)) out.push(node as Node);
    return;
  }
  if (rec.SubLink) {
    collectFree(rec.SubLink.testexpr, scope, catalog, outputs, out);
    for (const ref of freeRefs(rec.SubLink.subselect.SelectStmt, catalog)) {
      if (!resolvesIn(scope, refFields((ref as any).ColumnRef))) out.push(ref);
    }
    return;
  }
  for (const v of Object.values(rec)) collectFree(v, scope, catalog, outputs, out);
}

/** Every service a statement's tables belong to (at any depth). */
export function servicesIn(node: unknown, catalog: ScopeCatalog, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) servicesIn(n, catalog, into);
    return into;
  }
  if (node === null || typeof node !== "object") return into;
  const rec = node as Record<string, any>;
  if (rec.RangeVar) {
    const service = rec.RangeVar.schemaname ?? catalog.serviceForUnqualified(rec.RangeVar.relname);
    into.add(service ?? "?");
    return into;
  }
  for (const v of Object.values(rec)) servicesIn(v, catalog, into);
  return into;
}
