/** Reads one MySQL/MariaDB database from information_schema. */
import { Oid } from "../../common/pg-types.ts";
import type {
  IntrospectProgress,
  SourceColumn,
  SourceForeignKey,
  SourceIndex,
  SourceKey,
  SourceSchema,
  SourceTable,
} from "../spi.ts";
import { enumValues, mapMysqlDefault, mapMysqlType } from "./type-map.ts";

export type RowsQuery = (sql: string, params: unknown[]) => Promise<Record<string, any>[]>;

const tablesSql = `
SELECT TABLE_NAME AS name, TABLE_TYPE AS type, TABLE_COMMENT AS comment, TABLE_ROWS AS est
FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`;

const columnsSql = `
SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name, ORDINAL_POSITION AS ord, DATA_TYPE AS dataType,
       COLUMN_TYPE AS columnType, CHARACTER_MAXIMUM_LENGTH AS charLength, NUMERIC_PRECISION AS prec,
       NUMERIC_SCALE AS scale, DATETIME_PRECISION AS dtPrec, IS_NULLABLE AS nullable,
       COLUMN_DEFAULT AS def, EXTRA AS extra, COLUMN_COMMENT AS comment
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`;

const statisticsSql = `
SELECT TABLE_NAME AS tbl, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, SEQ_IN_INDEX AS seq, COLUMN_NAME AS col
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

const foreignKeysSql = `
SELECT k.TABLE_NAME AS tbl, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_NAME AS refTable,
       k.REFERENCED_COLUMN_NAME AS refCol, r.UPDATE_RULE AS onUpdate, r.DELETE_RULE AS onDelete
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_SCHEMA = ?
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/** MariaDB spells a JSON column as LONGTEXT plus a column CHECK named after it. */
const jsonChecksSql = `
SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`;

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function group<T>(rows: Record<string, any>[], key: (r: Record<string, any>) => string, make: () => T) {
  const out = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    if (!out.has(k)) out.set(k, make());
  }
  return out;
}

export async function introspectMysql(
  query: RowsQuery,
  database: string,
  mariadb: boolean,
  onProgress?: IntrospectProgress,
): Promise<SourceSchema> {
  const [tableRows, columnRows, statRows, fkRows, checkRows] = await Promise.all([
    query(tablesSql, [database]),
    query(columnsSql, [database]),
    query(statisticsSql, [database]),
    query(foreignKeysSql, [database, database]),
    // CHECK_CONSTRAINTS exists from MySQL 8.0.16 / MariaDB 10.2.22; older servers have no JSON checks
    query(jsonChecksSql, [database]).catch(() => []),
  ]);

  const jsonColumns = new Set<string>();
  for (const r of checkRows) {
    const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(r.clause).trim());
    if (m) jsonColumns.add(`${r.tbl}\u0000${m[1]!.replaceAll("``", "`")}`);
  }

  const columnsOf = new Map<string, SourceColumn[]>();
  for (const r of columnRows) {
    const columnType = String(r.columnType);
    const type = mapMysqlType({
      dataType: String(r.dataType),
      columnType,
      charLength: num(r.charLength),
      precision: num(r.prec),
      scale: num(r.scale),
      datetimePrecision: num(r.dtPrec),
      jsonCheck: jsonColumns.has(`${r.tbl}\u0000${r.name}`),
    });
    const values = enumValues(columnType);
    const comments = [r.comment ? String(r.comment) : null, values ? columnType : null].filter(
      (c) => c !== null,
    );
    const isDate = type.oid === Oid.date || type.oid === Oid.timestamp;
    const list = columnsOf.get(r.tbl) ?? [];
    list.push({
      name: r.name,
      ordinal: Number(r.ord),
      type,
      nativeType: columnType,
      // a zero date is read as NULL, so a NOT NULL date column can still yield NULLs
      nullable: r.nullable === "YES" || isDate,
      defaultExpr: mapMysqlDefault(r.def ?? null, String(r.extra ?? ""), type, mariadb),
      comment: comments.length ? comments.join("; ") : null,
    });
    columnsOf.set(r.tbl, list);
  }

  const indexes = group(
    statRows,
    (r) => `${r.tbl}\u0000${r.name}`,
    () => ({}) as Record<string, any>,
  );
  for (const r of statRows) {
    const ix = indexes.get(`${r.tbl}\u0000${r.name}`)!;
    ix.tbl = r.tbl;
    ix.name = r.name;
    ix.unique = Number(r.nonUnique) === 0;
    // a functional index part (MySQL 8) has no column name
    ix.expression = ix.expression || r.col === null;
    ix.columns = [...(ix.columns ?? []), r.col];
  }
  const primaryKeyOf = new Map<string, SourceKey>();
  const uniqueKeysOf = new Map<string, SourceKey[]>();
  const indexesOf = new Map<string, SourceIndex[]>();
  for (const ix of indexes.values()) {
    if (ix.expression) continue;
    if (ix.name === "PRIMARY") {
      // MySQL names every primary key PRIMARY; Postgres needs schema-unique names
      primaryKeyOf.set(ix.tbl, { name: `${ix.tbl}_pkey`, columns: ix.columns });
    } else if (ix.unique) {
      uniqueKeysOf.set(ix.tbl, [...(uniqueKeysOf.get(ix.tbl) ?? []), { name: ix.name, columns: ix.columns }]);
    }
    const name = ix.name === "PRIMARY" ? `${ix.tbl}_pkey` : ix.name;
    indexesOf.set(ix.tbl, [
      ...(indexesOf.get(ix.tbl) ?? []),
      { name, columns: ix.columns, unique: ix.unique },
    ]);
  }

  const fks = new Map<string, SourceForeignKey & { tbl: string }>();
  for (const r of fkRows) {
    const key = `${r.tbl}\u0000${r.name}`;
    const fk: SourceForeignKey & { tbl: string } = fks.get(key) ?? {
      tbl: r.tbl,
      name: r.name,
      columns: [],
      refTable: r.refTable,
      refColumns: [],
      onDelete: r.onDelete,
      onUpdate: r.onUpdate,
    };
    fk.columns.push(r.col);
    fk.refColumns.push(r.refCol);
    fks.set(key, fk);
  }
  const foreignKeysOf = new Map<string, SourceForeignKey[]>();
  for (const { tbl, ...fk } of fks.values()) foreignKeysOf.set(tbl, [...(foreignKeysOf.get(tbl) ?? []), fk]);

  const tables: SourceTable[] = [];
  for (const r of tableRows) {
    const isView = String(r.type) === "VIEW";
    const name = String(r.name);
    tables.push({
      name,
      kind: isView ? "view" : "table",
      columns: columnsOf.get(name) ?? [],
      primaryKey: primaryKeyOf.get(name) ?? null,
      uniqueKeys: uniqueKeysOf.get(name) ?? [],
      foreignKeys: foreignKeysOf.get(name) ?? [],
      indexes: indexesOf.get(name) ?? [],
      // views report the comment "VIEW"
      comment: !isView && r.comment ? String(r.comment) : null,
      rowEstimate: isView || r.est === null ? -1 : Number(r.est),
    });
    onProgress?.({ table: name, done: tables.length, total: tableRows.length });
  }
  return { tables };
}
