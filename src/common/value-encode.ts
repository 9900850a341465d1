/** Canonical Value → Postgres text output and binary send format. */
import { PgError, SqlState } from "./pg-error.ts";
import { elementOf, Oid, type TypeOid } from "./pg-types.ts";
import { encodeArrayBinary, formatArrayText } from "./value-array.ts";
import { formatBytea, uuidToBytes } from "./value-bytea.ts";
import { ByteWriter, utf8 } from "./value-bytes.ts";
import {
  formatDate,
  formatTime,
  formatTimestamp,
  formatTimestamptz,
  parseDateStyle,
} from "./value-datetime.ts";
import { wrongValue } from "./value-errors.ts";
import { isCanonicalNumeric, isIsoDate, isIsoTimestamp } from "./value-fast.ts";
import { encodeIntervalBinary, formatInterval } from "./value-interval.ts";
import { formatFloat } from "./value-numbers.ts";
import { encodeNumericBinary, normalizeNumericText, numberToNumeric } from "./value-numeric.ts";
import { dateDays, timeMicros, timestampMicros } from "./value-temporal.ts";
import type { EncodeContext, PgInterval, Value } from "./values.ts";

function asBool(v: Value): boolean {
  if (typeof v === "boolean") return v;
  throw wrongValue("boolean", v);
}
function asNumber(v: Value, type: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  throw wrongValue(type, v);
}
function asBigint(v: Value): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw wrongValue("bigint", v);
}
function asString(v: Value, type: string): string {
  if (typeof v === "string") return v;
  throw wrongValue(type, v);
}
function asNumeric(v: Value): string {
  if (typeof v === "string")
    return isCanonicalNumeric(v) || /^-?\d+(\.\d+)?$|^NaN$|^-?Infinity$/.test(v)
      ? v
      : normalizeNumericText(v);
  if (typeof v === "number") return numberToNumeric(v);
  if (typeof v === "bigint") return v.toString();
  throw wrongValue("numeric", v);
}
function asBytes(v: Value): Uint8Array {
  if (v instanceof Uint8Array) return v;
  throw wrongValue("bytea", v);
}
function asInterval(v: Value): PgInterval {
  if (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)) return v;
  throw wrongValue("interval", v);
}
function asArray(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  throw wrongValue("array", v);
}

function isIsoOutput(ctx: EncodeContext): boolean {
  return parseDateStyle(ctx.dateStyle).style === "ISO";
}

/** Postgres text output of a non-null value in the session's settings. */
export function encodeText(value: Value, oid: TypeOid, ctx: EncodeContext): string {
  if (value === null) throw new PgError(SqlState.internalError, "encodeText called with NULL");
  switch (oid) {
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
      if (typeof value === "string") return value;
      break;
    case Oid.bool:
      return asBool(value) ? "t" : "f";
    case Oid.int2:
    case Oid.int4:
      return String(asNumber(value, "integer"));
    case Oid.oid:
      return String(asNumber(value, "oid") >>> 0);
    case Oid.int8:
      return asBigint(value).toString();
    case Oid.float4:
      return formatFloat(asNumber(value, "real"), true, ctx.extraFloatDigits);
    case Oid.float8:
      return formatFloat(asNumber(value, "double precision"), false, ctx.extraFloatDigits);
    case Oid.numeric:
      return asNumeric(value);
    case Oid.bytea:
      return formatBytea(asBytes(value), ctx.byteaOutput);
    // In ISO DateStyle (and UTC for timestamptz) the canonical form is the output: pass it through
    // when it has the plain shape, format it in full otherwise.
    case Oid.date:
      if (typeof value === "string" && isIsoDate(value) && isIsoOutput(ctx)) return value;
      return formatDate(dateDays(asString(value, "date")), parseDateStyle(ctx.dateStyle));
    case Oid.time:
      return formatTime(timeMicros(asString(value, "time")));
    case Oid.timestamp:
      if (typeof value === "string" && isIsoTimestamp(value, "") && isIsoOutput(ctx)) return value;
      return formatTimestamp(
        timestampMicros(asString(value, "timestamp"), false),
        parseDateStyle(ctx.dateStyle),
      );
    case Oid.timestamptz:
      if (
        typeof value === "string" &&
        ctx.timeZone === "UTC" &&
        isIsoTimestamp(value, "+00") &&
        isIsoOutput(ctx)
      )
        return value;
      return formatTimestamptz(
        timestampMicros(asString(value, "timestamptz"), true),
        parseDateStyle(ctx.dateStyle),
        ctx.timeZone,
      );
    case Oid.interval:
      return formatInterval(asInterval(value), ctx.intervalStyle);
    case Oid.uuid:
      return asString(value, "uuid").toLowerCase();
  }
  const elem = elementOf(oid);
  if (elem !== 0) return formatArrayText(asArray(value), (v) => encodeText(v, elem, ctx));
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value instanceof Uint8Array) return formatBytea(value, ctx.byteaOutput);
  if (Array.isArray(value)) return formatArrayText(value, (v) => encodeText(v, 0, ctx));
  return formatInterval(value, ctx.intervalStyle);
}

/** Postgres binary send format of a non-null value. */
export function encodeBinary(value: Value, oid: TypeOid, ctx: EncodeContext): Uint8Array {
  if (value === null) throw new PgError(SqlState.internalError, "encodeBinary called with NULL");
  const w = new ByteWriter(8);
  switch (oid) {
    case Oid.bool:
      return w.uint8(asBool(value) ? 1 : 0).finish();
    case Oid.int2:
      return w.int16(asNumber(value, "smallint")).finish();
    case Oid.int4:
      return w.int32(asNumber(value, "integer")).finish();
    case Oid.oid:
      return w.uint32(asNumber(value, "oid") >>> 0).finish();
    case Oid.int8:
      return w.int64(asBigint(value)).finish();
    case Oid.float4:
      return w.float32(asNumber(value, "real")).finish();
    case Oid.float8:
      return w.float64(asNumber(value, "double precision")).finish();
    case Oid.numeric:
      return encodeNumericBinary(asNumeric(value));
    case Oid.bytea:
      return asBytes(value);
    case Oid.char:
      return Uint8Array.of(utf8(asString(value, "char"))[0] ?? 0);
    case Oid.date:
      return w.int32(dateDays(asString(value, "date"))).finish();
    case Oid.time:
      return w.int64(timeMicros(asString(value, "time"))).finish();
    case Oid.timestamp:
      return w.int64(timestampMicros(asString(value, "timestamp"), false)).finish();
    case Oid.timestamptz:
      return w.int64(timestampMicros(asString(value, "timestamptz"), true)).finish();
    case Oid.interval:
      return encodeIntervalBinary(asInterval(value));
    case Oid.uuid:
      return uuidToBytes(asString(value, "uuid"));
    case Oid.jsonb: {
      const text = utf8(asString(value, "jsonb"));
      const out = new Uint8Array(text.length + 1);
      out[0] = 1;
      out.set(text, 1);
      return out;
    }
  }
  const elem = elementOf(oid);
  if (elem !== 0) return encodeArrayBinary(asArray(value), elem, (v) => encodeBinary(v, elem, ctx));
  // text, varchar, bpchar, name, json, xml and anything else whose send format is its text
  return utf8(encodeText(value, oid, ctx));
}
