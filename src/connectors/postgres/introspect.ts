/** Reads one Postgres schema from pg_catalog. Every value arrives as text (the pool's raw type parsers). */
import type { TypeOid } from "../../common/pg-types.ts";
import { isSupportedOid } from "../shared/pg-type.ts";
import type {
  IntrospectProgress,
  SourceColumn,
  SourceForeignKey,
  SourceIndex,
  SourceKey,
  SourceSchema,
  SourceTable,
} from "../spi.ts";
import { type DomainInfo, mapPgDefault, mapPgType } from "./type-map.ts";

export type RawQuery = (text: string, params: unknown[]) => Promise<(string | null)[][]>;

const tablesSql = `
SELECT c.oid::text, c.relname, c.relkind, obj_description(c.oid, 'pg_class'), c.reltuples::text
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
ORDER BY c.relname`;

const columnsSql = `
SELECT a.attrelid::text, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid::text,
       a.atttypmod, a.attnotnull, pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum),
       a.attidentity, a.attgenerated, t.typtype
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

const domainsSql = `SELECT oid::text, typbasetype::text, typtypmod FROM pg_catalog.pg_type WHERE typtype = 'd'`;

const constraintsSql = `
SELECT con.conrelid::text, con.conname, con.contype,
       (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num),
       rc.relname, rn.nspname,
       (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num),
       con.confdeltype, con.confupdtype
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'f')
ORDER BY con.conname`;

const indexesSql = `
SELECT i.indrelid::text, ic.relname, i.indisunique,
       (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
          WHERE k.ord <= i.indnkeyatts),
       0 = ANY (i.indkey::int2[]) OR i.indexprs IS NOT NULL
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1
ORDER BY ic.relname`;

const fkActions: Record<string, string> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

function names(json: string | null): string[] {
  return json === null ? [] : (JSON.parse(json) as string[]);
}

export async function introspectPostgres(
  query: RawQuery,
  schema: string,
  onProgress?: IntrospectProgress,
): Promise<SourceSchema> {
  const [tableRows, columnRows, domainRows, constraintRows, indexRows] = await Promise.all([
    query(tablesSql, [schema]),
    query(columnsSql, [schema]),
    query(domainsSql, []),
    query(constraintsSql, [schema]),
    query(indexesSql, [schema]),
  ]);

  const domains = new Map<TypeOid, DomainInfo>();
  for (const [oid, base, typmod] of domainRows)
    domains.set(Number(oid), { base: Number(base), typmod: Number(typmod) });

  const columnsOf = new Map<string, SourceColumn[]>();
  for (const r of columnRows) {
    const [rel, attnum, name, native, typeOid, typmod, notNull, def, comment, identity, generated, typtype] =
      r;
    const type = mapPgType(Number(typeOid), Number(typmod), domains);
    // a domain/enum/custom type shown as another type keeps no default: its expression would not type-check
    const typeIsNative = typtype === "b" && isSupportedOid(Number(typeOid));
    const list = columnsOf.get(rel!) ?? [];
    list.push({
      name: name!,
      ordinal: Number(attnum),
      type,
      nativeType: native!,
      nullable: notNull !== "t",
      defaultExpr: identity || generated ? null : mapPgDefault(def, typeIsNative),
      comment,
    });
    columnsOf.set(rel!, list);
  }

  const primaryKeyOf = new Map<string, SourceKey>();
  const uniqueKeysOf = new Map<string, SourceKey[]>();
  const foreignKeysOf = new Map<string, SourceForeignKey[]>();
  for (const [
    rel,
    conname,
    contype,
    cols,
    refTable,
    refSchema,
    refCols,
    onDelete,
    onUpdate,
  ] of constraintRows) {
    const key = { name: conname!, columns: names(cols) };
    if (contype === "p") primaryKeyOf.set(rel!, key);
    else if (contype === "u") uniqueKeysOf.set(rel!, [...(uniqueKeysOf.get(rel!) ?? []), key]);
    else if (refSchema === schema) {
      // only keys between tables of this service: other schemas are other (or no) services
      foreignKeysOf.set(rel!, [
        ...(foreignKeysOf.get(rel!) ?? []),
        {
          ...key,
          refTable: refTable!,
          refColumns: names(refCols),
          onDelete: fkActions[onDelete ?? "a"],
          onUpdate: fkActions[onUpdate ?? "a"],
        },
      ]);
    }
  }

  const indexesOf = new Map<string, SourceIndex[]>();
  for (const [rel, name, unique, cols, hasExpressions] of indexRows) {
    if (hasExpressions === "t") continue; // an expression index has no column list to report
    indexesOf.set(rel!, [
      ...(indexesOf.get(rel!) ?? []),
      { name: name!, columns: names(cols), unique: unique === "t" },
    ]);
  }

  const tables: SourceTable[] = [];
  for (const [oid, name, relkind, comment, reltuples] of tableRows) {
    const isView = relkind === "v" || relkind === "m";
    const tuples = Number(reltuples);
    tables.push({
      name: name!,
      kind: isView ? "view" : "table",
      columns: columnsOf.get(oid!) ?? [],
      primaryKey: primaryKeyOf.get(oid!) ?? null,
      uniqueKeys: uniqueKeysOf.get(oid!) ?? [],
      foreignKeys: foreignKeysOf.get(oid!) ?? [],
      indexes: indexesOf.get(oid!) ?? [],
      comment,
      // reltuples is -1 until the first VACUUM/ANALYZE (PostgreSQL 14+), and 0 for views
      rowEstimate: relkind === "v" || !(tuples >= 0) ? -1 : Math.round(tuples),
    });
    onProgress?.({ table: name!, done: tables.length, total: tableRows.length });
  }
  return { tables };
}
