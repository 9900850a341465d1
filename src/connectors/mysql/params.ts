import { PgError, SqlState } from "../../common/pg-error.ts";
import type { PgInterval, Value } from "../../common/values.ts";

/** mysql2 inlines an object's toSqlString() verbatim: used for digits-only bigint text. */
interface RawSql {
  toSqlString(): string;
}

function isInterval(v: object): v is PgInterval {
  return "months" in v && "days" in v && "micros" in v;
}

/**
 * Canonical values → what mysql2's escaping takes. Strings and buffers are escaped by the driver;
 * a bigint is inlined as its digits so it is compared as an integer, never through a double.
 */
export function toMysqlParam(v: Value): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) {
      throw new PgError(SqlState.invalidParameterValue, `MySQL cannot store the floating-point value ${v}`);
    }
    return v;
  }
  if (typeof v === "bigint") return { toSqlString: () => v.toString() } satisfies RawSql;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(toMysqlParam);
  if (isInterval(v)) {
    throw new PgError(SqlState.featureNotSupported, "interval parameters cannot be sent to MySQL");
  }
  return v;
}
