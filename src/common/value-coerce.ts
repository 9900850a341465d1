/** What a JS driver returned (mysql2, better-sqlite3, pg …) → the canonical Value for a Postgres type. */
import { PgError, SqlState } from "./pg-error.ts";
import { elementOf, Oid, type TypeOid } from "./pg-types.ts";
import { parseBytea, uuidFromBytes } from "./value-bytea.ts";
import { fromUtf8 } from "./value-bytes.ts";
import { decodeText } from "./value-decode.ts";
import { invalidInput, valueOutOfRange } from "./value-errors.ts";
import { jsValueToJson, normalizeJsonb } from "./value-json.ts";
import { INT2, INT4, INT8 } from "./value-numbers.ts";
import { numberToNumeric } from "./value-numeric.ts";
import { canonicalDate, canonicalTime, canonicalTimestamp, canonicalTimestamptz } from "./value-temporal.ts";
import type { PgInterval, Value } from "./values.ts";

const EPOCH_2000_MS = 946_684_800_000;

function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** A Date (or epoch milliseconds) as microseconds since 2000-01-01 UTC. */
function dateMicros(d: Date | number): bigint {
  const ms = typeof d === "number" ? d : d.getTime();
  if (!Number.isFinite(ms))
    throw new PgError("22007", 'invalid input syntax for type timestamp: "Invalid Date"');
  return BigInt(Math.round(ms - EPOCH_2000_MS)) * 1000n;
}

function isBytes(raw: unknown): raw is Uint8Array {
  return raw instanceof Uint8Array;
}

function intFrom(raw: unknown, spec: { name: string; min: bigint; max: bigint }): bigint {
  let v: bigint;
  if (typeof raw === "bigint") v = raw;
  else if (typeof raw === "number") {
    if (!Number.isFinite(raw))
      throw new PgError(SqlState.numericValueOutOfRange, `${spec.name} out of range`);
    v = BigInt(rint(raw));
  } else if (typeof raw === "boolean") v = raw ? 1n : 0n;
  else if (typeof raw === "string")
    return BigInt(decodeText(raw, spec === INT8 ? Oid.int8 : Oid.numeric) as never);
  else throw invalidInput(spec.name, String(raw));
  if (v < spec.min || v > spec.max) throw valueOutOfRange(spec.name, String(raw));
  return v;
}

function stringIntFrom(raw: string, oid: TypeOid): bigint {
  const v = decodeText(raw, oid);
  return typeof v === "bigint" ? v : BigInt(v as number);
}

function toText(raw: unknown): string {
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" || typeof raw === "bigint") return String(raw);
  if (typeof raw === "boolean") return raw ? "true" : "false";
  if (raw instanceof Date) return canonicalTimestamp(dateMicros(raw));
  if (isBytes(raw)) return fromUtf8(raw);
  return JSON.stringify(raw);
}

function isInterval(raw: unknown): raw is PgInterval {
  return (
    typeof raw === "object" &&
    raw !== null &&
    "months" in raw &&
    "days" in raw &&
    "micros" in raw &&
    typeof (raw as PgInterval).micros === "bigint"
  );
}

/** Whatever a JS driver returned → the canonical form for `oid` (see values.ts). */
export function coerceValue(raw: unknown, oid: TypeOid): Value {
  if (raw === null || raw === undefined) return null;
  switch (oid) {
    case Oid.bool:
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "number") return raw !== 0;
      if (typeof raw === "bigint") return raw !== 0n;
      if (isBytes(raw)) return raw.some((b) => b !== 0); // MySQL BIT(1)
      return decodeText(toText(raw), oid);
    case Oid.int2:
    case Oid.int4:
    case Oid.oid: {
      if (typeof raw === "string") return decodeText(raw, oid);
      if (oid === Oid.oid) return Number(intFrom(raw, { name: "oid", min: 0n, max: 4294967295n }));
      return Number(intFrom(raw, oid === Oid.int2 ? INT2 : INT4));
    }
    case Oid.int8:
      if (typeof raw === "string") return stringIntFrom(raw, oid);
      return intFrom(raw, INT8);
    case Oid.float4:
    case Oid.float8:
      if (typeof raw === "number") return oid === Oid.float4 ? Math.fround(raw) : raw;
      if (typeof raw === "bigint") return oid === Oid.float4 ? Math.fround(Number(raw)) : Number(raw);
      if (typeof raw === "boolean") return raw ? 1 : 0;
      return decodeText(toText(raw), oid);
    case Oid.numeric:
      if (typeof raw === "number") return numberToNumeric(raw);
      if (typeof raw === "bigint") return raw.toString();
      if (typeof raw === "boolean") return raw ? "1" : "0";
      return decodeText(toText(raw), oid);
    case Oid.bytea:
      if (isBytes(raw))
        return new Uint8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      if (typeof raw === "string")
        return raw.startsWith("\\x") ? parseBytea(raw) : new TextEncoder().encode(raw);
      return new TextEncoder().encode(toText(raw));
    case Oid.date:
      if (raw instanceof Date || typeof raw === "number") {
        return canonicalDate(Math.floor((Number(dateMicros(raw)) / 1000 - 0) / 86_400_000));
      }
      return decodeText(toText(raw), oid);
    case Oid.time:
      if (raw instanceof Date) {
        const us = dateMicros(raw);
        return canonicalTime(((us % 86_400_000_000n) + 86_400_000_000n) % 86_400_000_000n);
      }
      return decodeText(toText(raw), oid);
    case Oid.timestamp:
      if (raw instanceof Date || typeof raw === "number") return canonicalTimestamp(dateMicros(raw));
      return decodeText(toText(raw), oid);
    case Oid.timestamptz:
      if (raw instanceof Date || typeof raw === "number") return canonicalTimestamptz(dateMicros(raw));
      return decodeText(toText(raw), oid);
    case Oid.interval:
      if (isInterval(raw)) return { months: raw.months, days: raw.days, micros: raw.micros };
      if (typeof raw === "number") return { months: 0, days: 0, micros: BigInt(Math.round(raw * 1e6)) };
      return decodeText(toText(raw), oid);
    case Oid.uuid:
      if (isBytes(raw) && raw.length === 16) return uuidFromBytes(raw);
      return decodeText(toText(raw), oid);
    case Oid.json:
    case Oid.jsonb: {
      const jsonb = oid === Oid.jsonb;
      if (typeof raw === "string") return jsonb ? normalizeJsonb(raw) : raw;
      if (isBytes(raw)) return jsonb ? normalizeJsonb(fromUtf8(raw)) : fromUtf8(raw);
      return jsValueToJson(raw, jsonb);
    }
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.char:
    case Oid.xml:
      if (typeof raw === "string") return oid === Oid.name || oid === Oid.char ? decodeText(raw, oid) : raw;
      return toText(raw);
  }
  const elem = elementOf(oid);
  if (elem !== 0) {
    if (Array.isArray(raw)) return raw.map((v) => coerceValue(v, elem));
    if (typeof raw === "string") return decodeText(raw, oid);
    throw invalidInput("array", String(raw));
  }
  if (
    typeof raw === "string" ||
    typeof raw === "boolean" ||
    typeof raw === "number" ||
    typeof raw === "bigint"
  )
    return raw;
  if (isBytes(raw)) return new Uint8Array(raw);
  return toText(raw);
}
