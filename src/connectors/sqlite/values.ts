import { Oid, type TypeOid } from "../../common/pg-types.ts";
import { coerceValue } from "../../common/value-codec.ts";
import type { PgInterval, Value } from "../../common/values.ts";

/**
 * A SQLite value (integers as bigint) → canonical. `oid` null: an expression without a declared
 * type, whose value keeps its storage class (INTEGER → int8, REAL → float8, TEXT, BLOB → bytea).
 */
export function coerceSqliteValue(raw: unknown, oid: TypeOid | null, typmod = -1): Value {
  if (raw === null || raw === undefined) return null;
  if (Buffer.isBuffer(raw)) {
    if (oid === null || oid === Oid.bytea) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    if (oid === Oid.text || oid === Oid.varchar || oid === Oid.json) return raw.toString("utf8");
  }
  if (oid === null) return raw as Value;
  const value = coerceValue(raw, oid);
  if (oid === Oid.numeric && typmod >= 4 && typeof value === "string")
    return padScale(value, (typmod - 4) & 0xffff);
  return value;
}

/**
 * SQLite keeps DECIMAL(p,s) values as INTEGER or REAL, so 12.5 comes back without the zeros
 * Postgres prints for numeric(p,2): pad the fraction to the declared scale.
 */
function padScale(value: string, scale: number): string {
  if (!/^-?\d+(\.\d*)?$/.test(value)) return value;
  const [whole, fraction = ""] = value.split(".");
  if (fraction.length >= scale) return value;
  return scale === 0 ? whole! : `${whole}.${fraction.padEnd(scale, "0")}`;
}

function isInterval(v: object): v is PgInterval {
  return "months" in v && "days" in v && "micros" in v;
}

/** Canonical values → what better-sqlite3 binds (it has no booleans, arrays or intervals). */
export function toSqliteParam(v: Value): unknown {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) {
    return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  }
  if (isInterval(v)) return `${v.months} mons ${v.days} days ${v.micros} microseconds`;
  return v;
}
