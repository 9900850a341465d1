/**
 * Builds the PgType (oid, typmod, SQL spelling) a source column is shown as. Shared by every
 * connector's type mapping so the mirror's DDL spells types the way format_type() does.
 */
import { arrayOf, elementOf, Oid, type PgType, type TypeOid } from "../../common/pg-types.ts";

const spelling = new Map<TypeOid, string>([
  [Oid.bool, "boolean"],
  [Oid.bytea, "bytea"],
  [Oid.char, '"char"'],
  [Oid.name, "name"],
  [Oid.int2, "smallint"],
  [Oid.int4, "integer"],
  [Oid.int8, "bigint"],
  [Oid.oid, "oid"],
  [Oid.float4, "real"],
  [Oid.float8, "double precision"],
  [Oid.numeric, "numeric"],
  [Oid.text, "text"],
  [Oid.varchar, "character varying"],
  [Oid.bpchar, "character"],
  [Oid.json, "json"],
  [Oid.jsonb, "jsonb"],
  [Oid.xml, "xml"],
  [Oid.uuid, "uuid"],
  [Oid.date, "date"],
  [Oid.time, "time without time zone"],
  [Oid.timestamp, "timestamp without time zone"],
  [Oid.timestamptz, "timestamp with time zone"],
  [Oid.interval, "interval"],
]);

/** Postgres types whose canonical Value form is defined (common/values.ts); anything else is shown as text. */
export function isSupportedOid(oid: TypeOid): boolean {
  if (spelling.has(oid)) return true;
  const elem = elementOf(oid);
  return elem !== 0 && spelling.has(elem);
}

function spell(oid: TypeOid, typmod: number): string {
  const elem = elementOf(oid);
  if (elem !== 0) return `${spell(elem, typmod)}[]`;
  const base = spelling.get(oid);
  if (base === undefined) throw new Error(`no SQL spelling for type oid ${oid}`);
  if (typmod < 0) return base;
  switch (oid) {
    case Oid.varchar:
    case Oid.bpchar:
      return `${base}(${typmod - 4})`;
    case Oid.numeric: {
      const p = ((typmod - 4) >> 16) & 0xffff;
      const s = (typmod - 4) & 0xffff;
      return `numeric(${p},${s})`;
    }
    case Oid.time:
      return `time(${typmod}) without time zone`;
    case Oid.timestamp:
      return `timestamp(${typmod}) without time zone`;
    case Oid.timestamptz:
      return `timestamp(${typmod}) with time zone`;
    default:
      return base;
  }
}

export function pgType(oid: TypeOid, typmod = -1): PgType {
  return { oid, typmod, sql: spell(oid, typmod) };
}

export const pgText: PgType = pgType(Oid.text);

export function varcharType(length: number): PgType {
  return pgType(Oid.varchar, length + 4);
}
export function bpcharType(length: number): PgType {
  return pgType(Oid.bpchar, length + 4);
}
export function numericType(precision: number | null, scale: number | null): PgType {
  if (precision === null) return pgType(Oid.numeric);
  return pgType(Oid.numeric, ((precision << 16) | (scale ?? 0)) + 4);
}
export function timestampType(precision: number | null): PgType {
  return pgType(Oid.timestamp, precision === null ? -1 : precision);
}
export function timeType(precision: number | null): PgType {
  return pgType(Oid.time, precision === null ? -1 : precision);
}
export function arrayType(element: PgType): PgType {
  const oid = arrayOf(element.oid);
  if (oid === 0) return pgText;
  return pgType(oid, element.typmod);
}
