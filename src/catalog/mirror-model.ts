/**
 * What the mirror should hold for one service, derived from its SourceSchema:
 * the same tables and views, with constraint and index names made unique per
 * schema (MySQL names every primary key PRIMARY and scopes index names to a
 * table; Postgres puts index names in the schema's relation namespace).
 */
import type { SourceColumn, SourceSchema, SourceTable } from "../connectors/spi.ts";
import { truncateIdent } from "./sql-names.ts";

export interface WantedColumn {
  name: string;
  typeSql: string;
  typeOid: number;
  typmod: number;
  notNull: boolean;
  defaultExpr: string | null;
  comment: string | null;
}

export interface WantedKey {
  name: string;
  kind: "primary" | "unique" | "index" | "uniqueIndex";
  columns: string[];
}

export interface WantedForeignKey {
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string | null;
  onUpdate: string | null;
}

export interface WantedRelation {
  name: string;
  kind: "table" | "view";
  columns: WantedColumn[];
  /** primary key, unique constraints and plain/unique indexes, in creation order */
  keys: WantedKey[];
  foreignKeys: WantedForeignKey[];
  comment: string | null;
  rowEstimate: number;
}

const FK_ACTIONS = new Set(["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"]);

function fkAction(action: string | undefined): string | null {
  if (!action) return null;
  const normal = action.trim().toUpperCase().replace(/_/g, " ");
  return FK_ACTIONS.has(normal) ? normal : null;
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

export function buildWanted(schema: SourceSchema): WantedRelation[] {
  const relationNames = new Set<string>();
  const tables: SourceTable[] = [];
  for (const t of schema.tables) {
    const name = truncateIdent(t.name);
    if (relationNames.has(name)) continue;
    relationNames.add(name);
    tables.push(t);
  }
  const taken = new Set(relationNames);
  const claim = (preferred: string, fallback: string): string => {
    for (const candidate of [preferred, fallback]) {
      const name = truncateIdent(candidate);
      if (name && !taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
    for (let i = 1; ; i++) {
      const name = truncateIdent(`${fallback.slice(0, 58)}${i}`);
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
  };
  const byName = new Map(tables.map((t) => [truncateIdent(t.name), t]));

  return tables.map((t): WantedRelation => {
    const tableName = truncateIdent(t.name);
    const sorted = [...t.columns].sort((a, b) => a.ordinal - b.ordinal);
    const columnNames = new Set<string>();
    const cols: SourceColumn[] = [];
    for (const c of sorted) {
      const n = truncateIdent(c.name);
      if (columnNames.has(n)) continue;
      columnNames.add(n);
      cols.push(c);
    }
    const valid = (names: string[]) => names.length > 0 && names.every((n) => columnNames.has(n));
    const isView = t.kind === "view";
    const keys: WantedKey[] = [];
    const pk = !isView && t.primaryKey && valid(t.primaryKey.columns) ? t.primaryKey.columns : null;
    if (pk)
      keys.push({ name: claim(`${tableName}_pkey`, `${tableName}_pkey`), kind: "primary", columns: pk });
    const keySets: string[][] = pk ? [pk] : [];
    const uniqueSets: string[][] = pk ? [pk] : [];
    if (!isView) {
      for (const u of t.uniqueKeys) {
        if (!valid(u.columns) || keySets.some((k) => sameColumns(k, u.columns))) continue;
        keySets.push(u.columns);
        uniqueSets.push(u.columns);
        keys.push({ name: claim(u.name, `${tableName}_${u.name}`), kind: "unique", columns: u.columns });
      }
      for (const ix of t.indexes) {
        if (!valid(ix.columns) || keySets.some((k) => sameColumns(k, ix.columns))) continue;
        keySets.push(ix.columns);
        if (ix.unique) uniqueSets.push(ix.columns);
        keys.push({
          name: claim(ix.name, `${tableName}_${ix.name}`),
          kind: ix.unique ? "uniqueIndex" : "index",
          columns: ix.columns,
        });
      }
    }
    const pkColumns = new Set(pk ?? []);
    const foreignKeys: WantedForeignKey[] = [];
    const fkNames = new Set<string>();
    if (!isView) {
      for (const fk of t.foreignKeys) {
        const ref = byName.get(truncateIdent(fk.refTable));
        if (ref?.kind !== "table" || !valid(fk.columns)) continue;
        if (fk.columns.length !== fk.refColumns.length) continue;
        const refCols = new Set(ref.columns.map((c) => c.name));
        if (!fk.refColumns.every((c) => refCols.has(c))) continue;
        let name = truncateIdent(fk.name || `${tableName}_${fk.columns.join("_")}_fkey`);
        if (fkNames.has(name)) name = truncateIdent(`${tableName}_${fk.columns.join("_")}_fkey`);
        if (fkNames.has(name)) continue;
        fkNames.add(name);
        foreignKeys.push({
          name,
          columns: fk.columns,
          refTable: truncateIdent(fk.refTable),
          refColumns: fk.refColumns,
          onDelete: fkAction(fk.onDelete),
          onUpdate: fkAction(fk.onUpdate),
        });
      }
    }
    return {
      name: tableName,
      kind: isView ? "view" : "table",
      columns: cols.map((c) => ({
        name: truncateIdent(c.name),
        typeSql: c.type.sql,
        typeOid: c.type.oid,
        typmod: c.type.typmod,
        notNull: !isView && (!c.nullable || pkColumns.has(c.name)),
        defaultExpr: isView ? null : c.defaultExpr,
        comment: c.comment,
      })),
      keys,
      foreignKeys,
      comment: t.comment,
      rowEstimate: t.rowEstimate,
    };
  });
}

/** Pages to pretend a table has so planners and tools take reltuples at its word. */
export function estimatedPages(rows: number): number {
  if (rows < 0) return 0;
  return Math.max(1, Math.ceil(rows / 80));
}
