import { elementOf, Oid, typeFacts } from "../../common/pg-types.ts";

/** The coarse type of an expression: enough to pick dialect operators and refuse what differs. */
export type Ty =
  | "int"
  | "numeric"
  | "float"
  | "text"
  | "bool"
  | "date"
  | "timestamp"
  | "timestamptz"
  | "time"
  | "interval"
  | "json"
  | "bytea"
  | "array"
  | "unknown";

export function tyOfOid(oid: number): Ty {
  switch (oid) {
    case Oid.int2:
    case Oid.int4:
    case Oid.int8:
    case Oid.oid:
      return "int";
    case Oid.numeric:
      return "numeric";
    case Oid.float4:
    case Oid.float8:
      return "float";
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.char:
    case Oid.uuid:
      return "text";
    case Oid.bool:
      return "bool";
    case Oid.date:
      return "date";
    case Oid.timestamp:
      return "timestamp";
    case Oid.timestamptz:
      return "timestamptz";
    case Oid.time:
      return "time";
    case Oid.interval:
      return "interval";
    case Oid.json:
    case Oid.jsonb:
      return "json";
    case Oid.bytea:
      return "bytea";
    default:
      return elementOf(oid) ? "array" : "unknown";
  }
}

/** Postgres spelling of a parameter type for an explicit `$n::type` cast, or null. */
export function pgTypeName(oid: number): string | null {
  const elem = elementOf(oid);
  if (elem) {
    const inner = typeFacts(elem)?.name;
    return inner ? `${inner}[]` : null;
  }
  if (!oid || oid === Oid.unknown) return null;
  return typeFacts(oid)?.name ?? null;
}

const typeNames: Record<string, Ty> = {
  int: "int",
  int2: "int",
  int4: "int",
  int8: "int",
  integer: "int",
  smallint: "int",
  bigint: "int",
  numeric: "numeric",
  decimal: "numeric",
  float4: "float",
  float8: "float",
  real: "float",
  "double precision": "float",
  text: "text",
  varchar: "text",
  bpchar: "text",
  char: "text",
  "character varying": "text",
  character: "text",
  bool: "bool",
  boolean: "bool",
  date: "date",
  timestamp: "timestamp",
  timestamptz: "timestamptz",
  time: "time",
  interval: "interval",
};

/** The Ty of a TypeName's last name component ("pg_catalog.int4" → int). */
export function tyOfTypeName(name: string): Ty {
  return typeNames[name] ?? "unknown";
}

export function isNumeric(ty: Ty): boolean {
  return ty === "int" || ty === "numeric" || ty === "float";
}
