/** Type names as PostgreSQL's format_type prints them in error messages. */
import { elementOf, Oid, type TypeOid, typeFacts } from "../../common/pg-types.ts";

const names = new Map<TypeOid, string>([
  [Oid.bool, "boolean"],
  [Oid.bytea, "bytea"],
  [Oid.char, '"char"'],
  [Oid.name, "name"],
  [Oid.int8, "bigint"],
  [Oid.int2, "smallint"],
  [Oid.int4, "integer"],
  [Oid.text, "text"],
  [Oid.oid, "oid"],
  [Oid.json, "json"],
  [Oid.float4, "real"],
  [Oid.float8, "double precision"],
  [Oid.unknown, "unknown"],
  [Oid.bpchar, "character"],
  [Oid.varchar, "character varying"],
  [Oid.date, "date"],
  [Oid.time, "time without time zone"],
  [Oid.timestamp, "timestamp without time zone"],
  [Oid.timestamptz, "timestamp with time zone"],
  [Oid.interval, "interval"],
  [Oid.numeric, "numeric"],
  [Oid.uuid, "uuid"],
  [Oid.jsonb, "jsonb"],
  [2283, "anyelement"],
  [2277, "anyarray"],
  [2776, "anynonarray"],
]);

export function typeName(oid: TypeOid): string {
  const known = names.get(oid);
  if (known) return known;
  const elem = elementOf(oid);
  if (elem !== 0) return `${typeName(elem)}[]`;
  return typeFacts(oid)?.name ?? String(oid);
}
