/** Reads the main schema of a SQLite database with its PRAGMAs. */
import type { Database } from "better-sqlite3";
import type {
  IntrospectProgress,
  SourceColumn,
  SourceForeignKey,
  SourceIndex,
  SourceKey,
  SourceSchema,
  SourceTable,
} from "../spi.ts";
import { mapSqliteDefault, mapSqliteType } from "./type-map.ts";

/** Counting more than this many rows for an estimate costs more than it is worth. */
const countLimit = 1_000_000;

interface XInfo {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}
interface FkRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}
interface IndexRow {
  name: string;
  unique: number;
  origin: string;
  partial: number;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function columnsOf(db: Database, table: string): XInfo[] {
  // hidden 1 = a virtual table's hidden column; 2/3 are generated columns, which read like any other
  return (db.pragma(`table_xinfo(${quoteIdent(table)})`) as XInfo[]).filter((c) => c.hidden !== 1);
}

function rowEstimate(db: Database, table: string, hasStat1: boolean): number {
  if (hasStat1) {
    const stat = db
      .prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = ? ORDER BY idx IS NOT NULL LIMIT 1")
      .get(table) as { stat: string } | undefined;
    const n = stat ? Number.parseInt(stat.stat, 10) : Number.NaN;
    if (Number.isFinite(n)) return n;
  }
  const row = db
    .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${quoteIdent(table)} LIMIT ${countLimit + 1})`)
    .get() as { n: number };
  return Number(row.n);
}

export function introspectSqlite(db: Database, onProgress?: IntrospectProgress): SourceSchema {
  const objects = db
    .prepare(
      "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all() as { name: string; type: string }[];
  const hasStat1 = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get() !== undefined;

  const tables: SourceTable[] = [];
  for (const obj of objects) {
    const info = columnsOf(db, obj.name);
    const columns: SourceColumn[] = info.map((c, i) => {
      const type = mapSqliteType(c.type);
      return {
        name: c.name,
        ordinal: i + 1,
        type,
        nativeType: c.type,
        // an INTEGER PRIMARY KEY is the rowid and never NULL, whatever it declares
        nullable: c.notnull === 0 && !(c.pk > 0 && /^INTEGER$/i.test(c.type.trim())),
        defaultExpr: mapSqliteDefault(c.dflt_value, type),
        comment: null,
      };
    });

    const pkColumns = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const primaryKey: SourceKey | null =
      obj.type === "table" && pkColumns.length ? { name: `${obj.name}_pkey`, columns: pkColumns } : null;

    const uniqueKeys: SourceKey[] = [];
    const indexes: SourceIndex[] = [];
    if (obj.type === "table") {
      for (const ix of db.pragma(`index_list(${quoteIdent(obj.name)})`) as IndexRow[]) {
        const cols = (db.pragma(`index_info(${quoteIdent(ix.name)})`) as { name: string | null }[]).map(
          (c) => c.name,
        );
        if (cols.some((c) => c === null)) continue; // expression index
        const columns = cols as string[];
        if (ix.origin === "u" && ix.partial === 0) uniqueKeys.push({ name: ix.name, columns });
        indexes.push({ name: ix.name, columns, unique: ix.unique === 1 });
      }
    }

    const foreignKeys: SourceForeignKey[] = [];
    if (obj.type === "table") {
      const byId = new Map<number, FkRow[]>();
      for (const fk of db.pragma(`foreign_key_list(${quoteIdent(obj.name)})`) as FkRow[]) {
        byId.set(fk.id, [...(byId.get(fk.id) ?? []), fk]);
      }
      for (const parts of byId.values()) {
        parts.sort((a, b) => a.seq - b.seq);
        const refTable = parts[0]!.table;
        let refColumns = parts.map((p) => p.to);
        if (refColumns.some((c) => c === null)) {
          // REFERENCES parent without columns means the parent's primary key
          refColumns = columnsOf(db, refTable)
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name);
        }
        const from = parts.map((p) => p.from);
        foreignKeys.push({
          name: `${obj.name}_${from.join("_")}_fkey`,
          columns: from,
          refTable,
          refColumns: refColumns as string[],
          onDelete: parts[0]!.on_delete,
          onUpdate: parts[0]!.on_update,
        });
      }
    }

    tables.push({
      name: obj.name,
      kind: obj.type === "view" ? "view" : "table",
      columns,
      primaryKey,
      uniqueKeys,
      foreignKeys,
      indexes,
      comment: null,
      rowEstimate: obj.type === "view" ? -1 : rowEstimate(db, obj.name, hasStat1),
    });
    onProgress?.({ table: obj.name, done: tables.length, total: objects.length });
  }
  return { tables };
}
