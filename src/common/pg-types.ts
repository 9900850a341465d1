/** Postgres type OIDs and facts Weft needs about them (values from pg_type of PostgreSQL 16). */
export const Oid = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  regproc: 24,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  unknown: 705,
  money: 790,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  bit: 1560,
  varbit: 1562,
  numeric: 1700,
  regclass: 2205,
  uuid: 2950,
  jsonb: 3802,
  inet: 869,
  // one-dimensional arrays
  _bool: 1000,
  _bytea: 1001,
  _char: 1002,
  _name: 1003,
  _int2: 1005,
  _int4: 1007,
  _text: 1009,
  _oid: 1028,
  _bpchar: 1014,
  _varchar: 1015,
  _int8: 1016,
  _float4: 1021,
  _float8: 1022,
  _timestamp: 1115,
  _date: 1182,
  _time: 1183,
  _timestamptz: 1185,
  _interval: 1187,
  _numeric: 1231,
  _uuid: 2951,
  _json: 199,
  _jsonb: 3807,
} as const;

export type TypeOid = number;

interface TypeFacts {
  name: string;
  /** pg_type.typlen: fixed size in bytes, -1 varlena, -2 cstring. */
  size: number;
  /** element type for arrays, 0 otherwise. */
  elem: TypeOid;
  /** the array type whose element this is, 0 if none. */
  array: TypeOid;
  /** pg_type.typcategory */
  category: string;
}

const facts = new Map<TypeOid, TypeFacts>();
function def(oid: TypeOid, name: string, size: number, category: string, array: TypeOid): void {
  facts.set(oid, { name, size, elem: 0, array, category });
  if (array) facts.set(array, { name: `_${name}`, size: -1, elem: oid, array: 0, category: "A" });
}
def(Oid.bool, "bool", 1, "B", Oid._bool);
def(Oid.bytea, "bytea", -1, "U", Oid._bytea);
def(Oid.char, "char", 1, "Z", Oid._char);
def(Oid.name, "name", 64, "S", Oid._name);
def(Oid.int8, "int8", 8, "N", Oid._int8);
def(Oid.int2, "int2", 2, "N", Oid._int2);
def(Oid.int4, "int4", 4, "N", Oid._int4);
def(Oid.text, "text", -1, "S", Oid._text);
def(Oid.oid, "oid", 4, "N", Oid._oid);
def(Oid.json, "json", -1, "U", Oid._json);
def(Oid.float4, "float4", 4, "N", Oid._float4);
def(Oid.float8, "float8", 8, "N", Oid._float8);
def(Oid.unknown, "unknown", -2, "X", 0);
def(Oid.bpchar, "bpchar", -1, "S", Oid._bpchar);
def(Oid.varchar, "varchar", -1, "S", Oid._varchar);
def(Oid.date, "date", 4, "D", Oid._date);
def(Oid.time, "time", 8, "D", Oid._time);
def(Oid.timestamp, "timestamp", 8, "D", Oid._timestamp);
def(Oid.timestamptz, "timestamptz", 8, "D", Oid._timestamptz);
def(Oid.interval, "interval", 16, "T", Oid._interval);
def(Oid.numeric, "numeric", -1, "N", Oid._numeric);
def(Oid.uuid, "uuid", 16, "U", Oid._uuid);
def(Oid.jsonb, "jsonb", -1, "U", Oid._jsonb);

export function typeFacts(oid: TypeOid): TypeFacts | undefined {
  return facts.get(oid);
}
export function typeSize(oid: TypeOid): number {
  return facts.get(oid)?.size ?? -1;
}
export function arrayOf(oid: TypeOid): TypeOid {
  return facts.get(oid)?.array ?? 0;
}
export function elementOf(oid: TypeOid): TypeOid {
  return facts.get(oid)?.elem ?? 0;
}

/**
 * A column's Postgres type as the mirror declares it: the OID plus the typmod
 * (varchar(n) → n+4, numeric(p,s) → ((p<<16)|s)+4, timestamp(p) → p, -1 none).
 */
export interface PgType {
  oid: TypeOid;
  typmod: number;
  /** SQL spelling used in the mirror's DDL, e.g. "numeric(10,2)", "character varying(40)", "integer[]". */
  sql: string;
}
