/**
 * Driver values (mysql2 with dateStrings, bigNumberStrings, jsonStrings) → canonical values.
 * The MySQL-only cases are handled here; everything else goes through coerceValue.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { Oid, type TypeOid } from "../../common/pg-types.ts";
import { coerceValue } from "../../common/value-codec.ts";
import type { Value } from "../../common/values.ts";

const UNSIGNED_FLAG = 32;
const BINARY_CHARSET = 63;

/** mysql2's column definition, as far as the type goes. */
export interface MysqlField {
  name: string;
  columnType: number;
  columnLength: number;
  characterSet: number;
  flags: number;
}

/** The Postgres type of a result column when the caller gave none (same rules as introspection). */
export function fieldOid(f: MysqlField): TypeOid {
  const unsigned = (f.flags & UNSIGNED_FLAG) !== 0;
  switch (f.columnType) {
    case 0x00:
    case 0xf6:
      return Oid.numeric;
    case 0x01:
      return f.columnLength === 1 ? Oid.bool : Oid.int2;
    case 0x02:
      return unsigned ? Oid.int4 : Oid.int2;
    case 0x03:
      return unsigned ? Oid.int8 : Oid.int4;
    case 0x09:
      return Oid.int4;
    case 0x08:
      return unsigned ? Oid.numeric : Oid.int8;
    case 0x04:
      return Oid.float4;
    case 0x05:
      return Oid.float8;
    case 0x07:
    case 0x0c:
      return Oid.timestamp;
    case 0x0a:
    case 0x0e:
      return Oid.date;
    case 0x0b:
      return Oid.time;
    case 0x0d:
      return Oid.int2;
    case 0x10:
      return f.columnLength === 1 ? Oid.bool : Oid.bytea;
    case 0xf5:
      return Oid.jsonb;
    case 0xff:
      return Oid.bytea;
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfd:
    case 0xfe:
    case 0x0f:
      return f.characterSet === BINARY_CHARSET ? Oid.bytea : Oid.text;
    default:
      return Oid.text;
  }
}

/** '0000-00-00', '2024-00-10', '2024-05-00 …': MySQL's zero dates have no Postgres value. */
const zeroDate = /^(?:0000-\d\d-\d\d|\d{4}-00-\d\d|\d{4}-\d\d-00)/;
const timeOfDay = /^(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?$|^24:00:00(?:\.0+)?$/;

/**
 * `typmod` is the result type's (−1 when unknown): MySQL strips the trailing blanks of CHAR(n),
 * Postgres prints them, so a known length pads the value back.
 */
export function coerceMysqlValue(
  raw: unknown,
  oid: TypeOid,
  typmod: number,
  service: string,
  column: string,
): Value {
  if (raw === null || raw === undefined) return null;
  switch (oid) {
    case Oid.date:
    case Oid.timestamp:
    case Oid.timestamptz:
      if (typeof raw === "string" && zeroDate.test(raw)) return null;
      break;
    case Oid.time:
      // MySQL TIME is a duration (-838:59:59 … 838:59:59); only times of day are Postgres times
      if (typeof raw === "string" && !timeOfDay.test(raw)) {
        throw new PgError(
          SqlState.datetimeFieldOverflow,
          `time value "${raw}" in column "${column}" of service "${service}" is out of range for type time without time zone`,
          {
            hint: "MySQL TIME values outside 00:00:00–24:00:00 have no Postgres time; cast the column to text.",
            column,
          },
        );
      }
      break;
    case Oid.bool:
      // bit(1) arrives as a one-byte buffer, tinyint(1) as a number (any non-zero is true)
      if (Buffer.isBuffer(raw)) return raw.some((b) => b !== 0);
      if (typeof raw === "number") return raw !== 0;
      break;
    case Oid.bpchar: {
      const text = Buffer.isBuffer(raw) ? raw.toString("utf8") : String(raw);
      const length = typmod - 4;
      return length > 0 ? text.padEnd(length + (text.length - [...text].length), " ") : text;
    }
    case Oid.text:
    case Oid.varchar:
      if (Buffer.isBuffer(raw)) return raw.toString("utf8");
      break;
    case Oid.bytea:
      if (Buffer.isBuffer(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
      break;
  }
  return coerceValue(raw, oid);
}
