/** Postgres text input and binary receive formats → canonical Value. */
import { PgError, SqlState } from "./pg-error.ts";
import { elementOf, Oid, type TypeOid } from "./pg-types.ts";
import { decodeArrayBinary, parseArrayText } from "./value-array.ts";
import { parseBytea, parseUuid, uuidFromBytes } from "./value-bytea.ts";
import { ByteReader, fixedBytes, fromUtf8 } from "./value-bytes.ts";
import {
  DATE_NOBEGIN,
  DATE_NOEND,
  type InputContext,
  parseDate,
  parseDateStyle,
  parseTime,
  parseTimestamp,
  TS_NOBEGIN,
  TS_NOEND,
} from "./value-datetime.ts";
import { invalidBinary } from "./value-errors.ts";
import { fastBigInt, fastSmallInt, isCanonicalNumeric, isIsoDate, isIsoTimestamp } from "./value-fast.ts";
import { decodeIntervalBinary, parseInterval } from "./value-interval.ts";
import { normalizeJsonb, validateJson } from "./value-json.ts";
import { INT2, INT4, INT8, parseBool, parseFloatText, parseIntText, parseOid } from "./value-numbers.ts";
import { decodeNumericBinary, normalizeNumericText } from "./value-numeric.ts";
import { canonicalDate, canonicalTime, canonicalTimestamp, canonicalTimestamptz } from "./value-temporal.ts";
import { defaultEncodeContext, type EncodeContext, type FormatCode, type Value } from "./values.ts";

/** NAMEDATALEN - 1 bytes, cut at a character boundary. */
function truncateName(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= 63) return text;
  let end = 63;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

function inputContext(ctx: EncodeContext): InputContext {
  return { order: parseDateStyle(ctx.dateStyle).order, timeZone: ctx.timeZone };
}

/**
 * Postgres text input → canonical value. `ctx` supplies the DateStyle field order and the
 * TimeZone for timestamptz input without an explicit offset (Postgres uses the session's).
 */
export function decodeText(text: string, oid: TypeOid, ctx: EncodeContext = defaultEncodeContext): Value {
  // The fast paths accept only text that is already canonical (what PostgreSQL itself prints);
  // anything else takes the full parser below.
  switch (oid) {
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
      return text;
    case Oid.bool:
      if (text === "t") return true;
      if (text === "f") return false;
      return parseBool(text);
    case Oid.int2:
      return fastSmallInt(text, -32768, 32767) ?? Number(parseIntText(text, INT2));
    case Oid.int4:
      return fastSmallInt(text, -2147483648, 2147483647) ?? Number(parseIntText(text, INT4));
    case Oid.int8:
      return fastBigInt(text) ?? parseIntText(text, INT8);
    case Oid.oid:
      return parseOid(text);
    case Oid.float4:
      return parseFloatText(text, true);
    case Oid.float8:
      return parseFloatText(text, false);
    case Oid.numeric:
      return isCanonicalNumeric(text) ? text : normalizeNumericText(text);
    case Oid.name:
      return truncateName(text);
    case Oid.char:
      return charIn(text);
    case Oid.bytea:
      return parseBytea(text);
    case Oid.date:
      if (isIsoDate(text)) return text;
      return canonicalDate(parseDate(text, inputContext(ctx)));
    case Oid.time:
      return canonicalTime(parseTime(text, inputContext(ctx)));
    case Oid.timestamp:
      if (isIsoTimestamp(text, "")) return text;
      return canonicalTimestamp(parseTimestamp(text, inputContext(ctx), false));
    case Oid.timestamptz:
      if (isIsoTimestamp(text, "+00")) return text;
      return canonicalTimestamptz(parseTimestamp(text, inputContext(ctx), true));
    case Oid.interval:
      return parseInterval(text, ctx.intervalStyle);
    case Oid.uuid:
      return parseUuid(text);
    case Oid.json:
      return validateJson(text);
    case Oid.jsonb:
      return normalizeJsonb(text);
  }
  const elem = elementOf(oid);
  if (elem !== 0) return parseArrayText(text, (s) => decodeText(s, elem, ctx));
  return text;
}

/** charin: a "\ooo" octal escape or the first character. */
function charIn(text: string): string {
  const m = /^\\([0-3][0-7]{2})$/.exec(text);
  if (m) return String.fromCharCode(Number.parseInt(m[1], 8));
  return text.length === 0 ? "" : String.fromCodePoint(text.codePointAt(0)!);
}

const INT64_MAX = 2n ** 63n - 1n;

/** Postgres binary input → canonical value. */
export function decodeBinary(data: Uint8Array, oid: TypeOid): Value {
  switch (oid) {
    case Oid.bool: {
      const r = fixedBytes(data, 1, "boolean");
      return r.bytes(1)[0] !== 0;
    }
    case Oid.int2:
      return fixedBytes(data, 2, "smallint").int16();
    case Oid.int4:
      return fixedBytes(data, 4, "integer").int32();
    case Oid.oid:
      return fixedBytes(data, 4, "oid").uint32();
    case Oid.int8:
      return fixedBytes(data, 8, "bigint").int64();
    case Oid.float4:
      return fixedBytes(data, 4, "real").float32();
    case Oid.float8:
      return fixedBytes(data, 8, "double precision").float64();
    case Oid.numeric:
      return decodeNumericBinary(data);
    case Oid.bytea:
      return data.slice();
    case Oid.char:
      return data.length === 0 || data[0] === 0 ? "" : String.fromCharCode(data[0]);
    case Oid.date: {
      const days = fixedBytes(data, 4, "date").int32();
      if (days === DATE_NOBEGIN) return "-infinity";
      if (days === DATE_NOEND) return "infinity";
      if (days < -2451545 || days >= 2147483494 - 2451545)
        throw new PgError(SqlState.datetimeFieldOverflow, "date out of range");
      return canonicalDate(days);
    }
    case Oid.time: {
      const us = fixedBytes(data, 8, "time").int64();
      if (us < 0n || us > 86_400_000_000n)
        throw new PgError(SqlState.datetimeFieldOverflow, "time out of range");
      return canonicalTime(us);
    }
    case Oid.timestamp:
    case Oid.timestamptz: {
      const us = fixedBytes(data, 8, "timestamp").int64();
      if (us === TS_NOBEGIN) return "-infinity";
      if (us === TS_NOEND) return "infinity";
      if (us < -211813488000000000n || us >= 9223371331200000000n || us > INT64_MAX)
        throw new PgError(SqlState.datetimeFieldOverflow, "timestamp out of range");
      return oid === Oid.timestamp ? canonicalTimestamp(us) : canonicalTimestamptz(us);
    }
    case Oid.interval:
      return decodeIntervalBinary(data);
    case Oid.uuid:
      return uuidFromBytes(data);
    case Oid.json:
      return validateJson(fromUtf8(data));
    case Oid.jsonb: {
      const r = new ByteReader(data);
      const version = r.bytes(1)[0];
      if (version !== 1) throw invalidBinary(`unsupported jsonb version number ${version}`);
      return normalizeJsonb(fromUtf8(data.subarray(1)));
    }
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.xml:
    case Oid.unknown:
      return fromUtf8(data);
  }
  const elem = elementOf(oid);
  if (elem !== 0) return decodeArrayBinary(data, elem, (b) => decodeBinary(b, elem));
  throw new PgError(SqlState.featureNotSupported, `no binary input function available for type ${oid}`);
}

/** A Bind parameter → canonical value (null stays null). */
export function decodeParam(
  data: Uint8Array | null,
  oid: TypeOid,
  format: FormatCode,
  ctx: EncodeContext = defaultEncodeContext,
): Value {
  if (data === null) return null;
  return format === 1 ? decodeBinary(data, oid) : decodeText(fromUtf8(data), oid, ctx);
}
