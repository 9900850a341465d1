/**
 * Relationship columns as the planner sees them: every table of the catalog gains one json
 * column per relationship (named by its alias, else its name) after its real columns, so name
 * binding, layouts and `*` treat them like any column. No service has them: a fragment that
 * reads one is refused (0A000) like anything else a service cannot run, so the predicates,
 * joins and subqueries over them stay in memory, above the fetch that computes them.
 */
import type { Node } from "@pgsql/types";
import type { Relationship } from "../catalog/relationships/types.ts";
import { PgError, SqlState } from "../common/pg-error.ts";
import { Oid } from "../common/pg-types.ts";
import type { SourceColumn, SourceTable } from "../connectors/spi.ts";
import type { PlanInput, PlannerCatalog } from "./plan-select.ts";

/** The relationship columns of a table the wrapped catalog returned. */
export interface TableRelationships {
  /** the table as the service has it */
  base: SourceTable;
  /** relationship i is column `base.columns.length + i` */
  relationships: Relationship[];
}

const augmented = new WeakMap<SourceTable, TableRelationships>();
const wrapped = new WeakSet<PlannerCatalog>();

/** The column name of a relationship in SQL: its alias when set, else its name. */
export function relationshipColumnName(r: Relationship): string {
  return r.alias ?? r.name;
}

/** The relationship columns of a table returned by a wrapped catalog (undefined: none). */
export function tableRelationships(table: SourceTable): TableRelationships | undefined {
  return augmented.get(table);
}

/** The relationship behind a column index of a table, or null for a real column. */
export function relationshipAt(table: SourceTable, index: number): Relationship | null {
  const info = augmented.get(table);
  if (!info || index < info.base.columns.length) return null;
  return info.relationships[index - info.base.columns.length] ?? null;
}

/** A relationship column `SELECT *` leaves out (only always_fetch ones are part of it). */
export function hiddenFromStar(table: SourceTable, index: number): boolean {
  const r = relationshipAt(table, index);
  return r !== null && !r.always_fetch;
}

/** The planner's input with a catalog whose tables carry their relationship columns (idempotent). */
export function withRelationshipColumns(input: PlanInput): PlanInput {
  const catalog = input.catalog;
  if (wrapped.has(catalog) || !catalog.relationships) return input;
  const tables = new Map<string, SourceTable | undefined>();
  const relationshipsOf = (service: string, table: string) => catalog.relationships?.(service, table) ?? [];
  const tableOf = (service: string, name: string): SourceTable | undefined => {
    const key = `${service}\u0000${name}`;
    if (tables.has(key)) return tables.get(key);
    const base = catalog.table(service, name);
    const t = base && augment(base, relationshipsOf(service, name));
    tables.set(key, t);
    return t;
  };
  const out: PlannerCatalog = {
    isService: (schema) => catalog.isService(schema),
    serviceForUnqualified: (table) => catalog.serviceForUnqualified(table),
    table: tableOf,
    capabilities: (service) => catalog.capabilities(service),
    compileFragment: (service, fragment, params, paramTypes) => {
      refuseRelationshipColumns(fragment, (s, t) => tableOf(s ?? service, t));
      return catalog.compileFragment(service, fragment, params, paramTypes);
    },
    observedRows: catalog.observedRows
      ? (service, fragment) => catalog.observedRows?.(service, fragment)
      : undefined,
    relationships: catalog.relationships,
  };
  wrapped.add(out);
  return { ...input, catalog: out };
}

function augment(base: SourceTable, relationships: readonly Relationship[]): SourceTable {
  const names = new Set(base.columns.map((c) => c.name));
  // a real column of the same name wins (the catalog refuses such an alias; a name may still clash)
  const usable = relationships.filter((r) => !names.has(relationshipColumnName(r)));
  if (usable.length === 0) return base;
  const extra = usable.map(
    (r, i): SourceColumn => ({
      name: relationshipColumnName(r),
      ordinal: base.columns.length + i + 1,
      type: { oid: Oid.json, typmod: -1, sql: "json" },
      nativeType: "json (relationship)",
      nullable: true,
      defaultExpr: null,
      comment: r.description,
    }),
  );
  const table: SourceTable = { ...base, columns: [...base.columns, ...extra] };
  augmented.set(table, { base, relationships: usable });
  return table;
}

/** Throws 0A000 when a fragment reads a relationship column of one of its tables. */
function refuseRelationshipColumns(
  fragment: Node,
  tableOf: (service: string | null, table: string) => SourceTable | undefined,
): void {
  const names = new Set<string>();
  const refs: string[] = [];
  walk(fragment, (kind, body) => {
    if (kind === "RangeVar") {
      const t = tableOf(body.schemaname ?? null, String(body.relname));
      const info = t && augmented.get(t);
      for (const r of info?.relationships ?? []) names.add(relationshipColumnName(r));
    } else if (kind === "ColumnRef") {
      const last = body.fields?.[body.fields.length - 1]?.String?.sval;
      if (typeof last === "string") refs.push(last);
    }
  });
  const hit = refs.find((r) => names.has(r));
  if (hit !== undefined)
    throw new PgError(
      SqlState.featureNotSupported,
      `relationship column "${hit}" is computed by Weft, not by the service`,
    );
}

function walk(node: unknown, visit: (kind: string, body: any) => void): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && /^[A-Z]/.test(k)) visit(k, v);
    walk(v, visit);
  }
}
