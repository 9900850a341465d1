import { PgError, SqlState } from "../common/pg-error.ts";
import { arrayOf, Oid, type TypeOid } from "../common/pg-types.ts";

const names: Record<string, TypeOid> = {
  bool: Oid.bool,
  boolean: Oid.bool,
  int2: Oid.int2,
  smallint: Oid.int2,
  int4: Oid.int4,
  int: Oid.int4,
  integer: Oid.int4,
  int8: Oid.int8,
  bigint: Oid.int8,
  numeric: Oid.numeric,
  decimal: Oid.numeric,
  float4: Oid.float4,
  real: Oid.float4,
  float8: Oid.float8,
  "double precision": Oid.float8,
  text: Oid.text,
  varchar: Oid.varchar,
  "character varying": Oid.varchar,
  bpchar: Oid.bpchar,
  char: Oid.bpchar,
  character: Oid.bpchar,
  name: Oid.name,
  bytea: Oid.bytea,
  date: Oid.date,
  time: Oid.time,
  timestamp: Oid.timestamp,
  timestamptz: Oid.timestamptz,
  interval: Oid.interval,
  uuid: Oid.uuid,
  json: Oid.json,
  jsonb: Oid.jsonb,
};

/** The type of a TypeName AST node (a cast target): its OID and typmod. */
export function typeFromTypeName(typeName: any): { oid: TypeOid; typmod: number } {
  const parts: string[] = (typeName?.names ?? []).map((n: any) => String(n.String?.sval ?? ""));
  const last = parts[parts.length - 1] ?? "";
  const oid = names[last];
  if (oid === undefined) {
    throw new PgError(
      SqlState.featureNotSupported,
      `type ${parts.join(".")} cannot be evaluated by Weft yet`,
    );
  }
  const mods: number[] = (typeName?.typmods ?? []).map((m: any) => Number(m.A_Const?.ival?.ival ?? 0));
  let typmod = -1;
  if ((oid === Oid.varchar || oid === Oid.bpchar) && mods.length > 0) typmod = mods[0] + 4;
  else if (oid === Oid.bpchar && last !== "bpchar") typmod = 1 + 4;
  else if (oid === Oid.numeric && mods.length > 0) typmod = ((mods[0] << 16) | (mods[1] ?? 0)) + 4;
  else if ((oid === Oid.timestamp || oid === Oid.timestamptz || oid === Oid.time) && mods.length > 0)
    typmod = mods[0];
  const isArray = Array.isArray(typeName?.arrayBounds) && typeName.arrayBounds.length > 0;
  return { oid: isArray ? arrayOf(oid) : oid, typmod: isArray ? -1 : typmod };
}
