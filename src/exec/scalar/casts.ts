/**
 * Casts between the supported types with PostgreSQL's pg_cast contexts
 * (i = implicit, a = assignment, e = explicit), its conversion functions and
 * typmod coercions. Casts to a string type from anything are assignment casts
 * and casts from a string type are explicit (I/O conversion through value-codec).
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { elementOf, Oid, type TypeOid } from "../../common/pg-types.ts";
import { decodeText, encodeText } from "../../common/value-codec.ts";
import { normalizeJsonb } from "../../common/value-json.ts";
import { normalizeNumericText } from "../../common/value-numeric.ts";
import {
  canonicalTime,
  canonicalTimestamp,
  canonicalTimestamptz,
  timeMicros,
  timestampMicros,
} from "../../common/value-temporal.ts";
import type { EncodeContext, PgInterval, Value } from "../../common/values.ts";
import type { EvalContext } from "../row-source.ts";
import { applyTypmod, formatDecimal, parseDecimal, round as roundDecimal } from "./numeric.ts";
import { checkFloat4, checkInt2, checkInt4, checkInt8, outOfRange, rint } from "./numeric-limits.ts";
import { typeName } from "./type-names.ts";

export type CastContext = "explicit" | "assignment" | "implicit";
export type CastFn = (v: Value, ctx: EvalContext) => Value;

type Level = "i" | "a" | "e";

/** pg_cast among the supported types (PostgreSQL 15), source → target → context. */
const PG_CAST: Record<number, Record<number, Level>> = {
  [Oid.bool]: { [Oid.int4]: "e" },
  [Oid.int8]: { [Oid.int2]: "a", [Oid.int4]: "a", [Oid.float4]: "i", [Oid.float8]: "i", [Oid.numeric]: "i" },
  [Oid.int2]: { [Oid.int8]: "i", [Oid.int4]: "i", [Oid.float4]: "i", [Oid.float8]: "i", [Oid.numeric]: "i" },
  [Oid.int4]: {
    [Oid.bool]: "e",
    [Oid.int8]: "i",
    [Oid.int2]: "a",
    [Oid.float4]: "i",
    [Oid.float8]: "i",
    [Oid.numeric]: "i",
  },
  [Oid.float4]: { [Oid.int8]: "a", [Oid.int2]: "a", [Oid.int4]: "a", [Oid.float8]: "i", [Oid.numeric]: "a" },
  [Oid.float8]: { [Oid.int8]: "a", [Oid.int2]: "a", [Oid.int4]: "a", [Oid.float4]: "a", [Oid.numeric]: "a" },
  [Oid.numeric]: { [Oid.int8]: "a", [Oid.int2]: "a", [Oid.int4]: "a", [Oid.float4]: "i", [Oid.float8]: "i" },
  [Oid.text]: { [Oid.name]: "i", [Oid.bpchar]: "i", [Oid.varchar]: "i", [Oid.char]: "a" },
  [Oid.varchar]: { [Oid.text]: "i", [Oid.bpchar]: "i", [Oid.name]: "i", [Oid.char]: "a" },
  [Oid.bpchar]: { [Oid.text]: "i", [Oid.varchar]: "i", [Oid.name]: "i", [Oid.char]: "a" },
  [Oid.name]: { [Oid.text]: "i", [Oid.bpchar]: "a", [Oid.varchar]: "a" },
  [Oid.char]: { [Oid.text]: "i", [Oid.bpchar]: "a", [Oid.varchar]: "a", [Oid.int4]: "e" },
  [Oid.date]: { [Oid.timestamp]: "i", [Oid.timestamptz]: "i" },
  [Oid.time]: { [Oid.interval]: "i" },
  [Oid.timestamp]: { [Oid.date]: "a", [Oid.time]: "a", [Oid.timestamptz]: "i" },
  [Oid.timestamptz]: { [Oid.date]: "a", [Oid.time]: "a", [Oid.timestamp]: "a" },
  [Oid.interval]: { [Oid.time]: "a" },
  [Oid.json]: { [Oid.jsonb]: "a" },
  [Oid.jsonb]: {
    [Oid.json]: "a",
    [Oid.bool]: "e",
    [Oid.int8]: "e",
    [Oid.int2]: "e",
    [Oid.int4]: "e",
    [Oid.float4]: "e",
    [Oid.float8]: "e",
    [Oid.numeric]: "e",
  },
};

const STRING_TYPES = new Set<TypeOid>([Oid.text, Oid.varchar, Oid.bpchar, Oid.name]);
const KNOWN = new Set<TypeOid>([
  Oid.bool,
  Oid.bytea,
  Oid.char,
  Oid.name,
  Oid.int8,
  Oid.int2,
  Oid.int4,
  Oid.text,
  Oid.json,
  Oid.float4,
  Oid.float8,
  Oid.bpchar,
  Oid.varchar,
  Oid.date,
  Oid.time,
  Oid.timestamp,
  Oid.timestamptz,
  Oid.interval,
  Oid.numeric,
  Oid.uuid,
  Oid.jsonb,
]);

/** varchar and bpchar are binary-compatible with text: no conversion, only lengths. */
function isStringish(oid: TypeOid): boolean {
  return STRING_TYPES.has(oid);
}

/** The pg_cast context of from → to, or null when there is no cast (ignoring typmods). */
export function castLevel(from: TypeOid, to: TypeOid): Level | null {
  if (from === to) return "i";
  if (from === Oid.unknown) return "i";
  const direct = PG_CAST[from]?.[to];
  if (direct) return direct;
  const fe = elementOf(from);
  const te = elementOf(to);
  if (fe !== 0 && te !== 0) return castLevel(fe, te);
  if (STRING_TYPES.has(to) && (KNOWN.has(from) || fe !== 0)) return "a";
  if (STRING_TYPES.has(from) && (KNOWN.has(to) || te !== 0)) return "e";
  return null;
}

function allowed(level: Level, context: CastContext): boolean {
  if (context === "explicit") return true;
  if (context === "assignment") return level !== "e";
  return level === "i";
}

/** Whether an implicit cast exists: what function and operator resolution may use. */
export function canCoerceImplicitly(from: TypeOid, to: TypeOid): boolean {
  const level = castLevel(from, to);
  return level !== null && level === "i";
}

/**
 * The conversion from `from` to `to` with `typmod` (-1 none) in `context`, or null
 * when PostgreSQL has no such cast in that context.
 */
export function resolveCast(from: TypeOid, to: TypeOid, typmod: number, context: CastContext): CastFn | null {
  const level = castLevel(from, to);
  if (level === null || !allowed(level, context)) return null;
  const explicit = context === "explicit";
  const convert = converter(from, to, explicit);
  if (convert === null) return null;
  const length = typmodCoercion(to, typmod, explicit);
  if (!length) return convert;
  return (v, ctx) => {
    if (v === null) return null;
    const c = convert(v, ctx);
    return c === null ? null : length(c, ctx);
  };
}

function identity(v: Value): Value {
  return v;
}

function converter(from: TypeOid, to: TypeOid, explicit: boolean): CastFn | null {
  if (from === to) return identity;
  if (from === Oid.unknown) return fromText(to);
  const fe = elementOf(from);
  const te = elementOf(to);
  if (fe !== 0 && te !== 0) {
    const each = resolveCast(fe, te, -1, explicit ? "explicit" : "assignment");
    if (!each) return null;
    return (v, ctx) => (v === null ? null : (v as Value[]).map((x) => (x === null ? null : each(x, ctx))));
  }
  if (isStringish(from) && isStringish(to)) {
    if (from === Oid.bpchar && to !== Oid.bpchar) return (v) => (v === null ? null : rtrim(v as string));
    if (to === Oid.name) return (v) => (v === null ? null : decodeText(v as string, Oid.name));
    return identity;
  }
  const special = SPECIAL.get(`${from}:${to}`);
  if (special) return special;
  if (isStringish(to)) return toText(from);
  if (isStringish(from)) return fromText(to);
  return null;
}

function rtrim(s: string): string {
  return s.replace(/ +$/, "");
}

function toText(from: TypeOid): CastFn {
  if (from === Oid.bool) return (v) => (v === null ? null : v ? "true" : "false");
  if (from === Oid.char) return (v) => v;
  return (v, ctx) => (v === null ? null : encodeText(v, from, ctx.settings));
}

function fromText(to: TypeOid): CastFn {
  return (v, ctx) => (v === null ? null : decodeText(v as string, to, ctx.settings));
}

// ---------------------------------------------------------------- conversions

const SPECIAL = new Map<string, CastFn>();
function def(from: TypeOid, to: TypeOid, fn: (v: Value, ctx: EvalContext) => Value): void {
  SPECIAL.set(`${from}:${to}`, (v, ctx) => (v === null ? null : fn(v, ctx)));
}

// integers
def(Oid.int2, Oid.int4, (v) => v);
def(Oid.int2, Oid.int8, (v) => BigInt(v as number));
def(Oid.int4, Oid.int8, (v) => BigInt(v as number));
def(Oid.int4, Oid.int2, (v) => checkInt2(v as number));
def(Oid.int8, Oid.int2, (v) => checkInt2(Number(v as bigint)));
def(Oid.int8, Oid.int4, (v) => checkInt4(Number(v as bigint)));
for (const i of [Oid.int2, Oid.int4]) {
  def(i, Oid.float4, (v) => Math.fround(v as number));
  def(i, Oid.float8, (v) => v);
  def(i, Oid.numeric, (v) => String(v));
}
def(Oid.int8, Oid.float4, (v) => Math.fround(Number(v as bigint)));
def(Oid.int8, Oid.float8, (v) => Number(v as bigint));
def(Oid.int8, Oid.numeric, (v) => (v as bigint).toString());

// floats
def(Oid.float4, Oid.float8, (v) => v);
def(Oid.float8, Oid.float4, (v) => {
  const x = v as number;
  return checkFloat4(x, !Number.isFinite(x), x === 0);
});
for (const f of [Oid.float4, Oid.float8]) {
  def(f, Oid.int2, (v) => {
    const r = rint(v as number);
    if (Number.isNaN(r) || !(r >= -32768 && r < 32768)) throw outOfRange("smallint out of range");
    return r === 0 ? 0 : r;
  });
  def(f, Oid.int4, (v) => {
    const r = rint(v as number);
    if (Number.isNaN(r) || !(r >= -2147483648 && r < 2147483648)) throw outOfRange("integer out of range");
    return r === 0 ? 0 : r;
  });
  def(f, Oid.int8, (v) => {
    const r = rint(v as number);
    if (Number.isNaN(r) || !(r >= -(2 ** 63) && r < 2 ** 63)) throw outOfRange("bigint out of range");
    return BigInt(r);
  });
  def(f, Oid.numeric, (v) => floatToNumeric(v as number, f === Oid.float4 ? 6 : 15));
}

/** float8_numeric: "%.15g" (float4: "%.6g") then numeric_in. */
export function floatToNumeric(x: number, digits: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  let s = x.toPrecision(digits);
  // %g drops trailing zeros of the fraction
  const e = s.indexOf("e");
  let mantissa = e < 0 ? s : s.slice(0, e);
  const exponent = e < 0 ? "" : s.slice(e);
  if (mantissa.includes(".")) mantissa = mantissa.replace(/0+$/, "").replace(/\.$/, "");
  s = mantissa + exponent;
  return normalizeNumericText(s);
}

// numeric
function numericToInt(v: Value, name: string): bigint {
  const text = v as string;
  // PostgreSQL reports these as unsupported, not out of range
  if (text === "NaN") throw new PgError(SqlState.featureNotSupported, `cannot convert NaN to ${name}`);
  if (text === "Infinity" || text === "-Infinity")
    throw new PgError(SqlState.featureNotSupported, `cannot convert infinity to ${name}`);
  const r = roundDecimal(parseDecimal(text), 0);
  return (r as { v: bigint }).v;
}
def(Oid.numeric, Oid.int2, (v) => {
  const n = numericToInt(v, "smallint");
  if (n < -32768n || n > 32767n) throw outOfRange("smallint out of range");
  return Number(n);
});
def(Oid.numeric, Oid.int4, (v) => {
  const n = numericToInt(v, "integer");
  if (n < -2147483648n || n > 2147483647n) throw outOfRange("integer out of range");
  return Number(n);
});
def(Oid.numeric, Oid.int8, (v) => checkInt8(numericToInt(v, "bigint")));
def(Oid.numeric, Oid.float8, (v) => numericToFloat(v as string));
def(Oid.numeric, Oid.float4, (v) => {
  const x = numericToFloat(v as string);
  const r = Math.fround(x);
  // float4in rejects what overflows or underflows single precision
  if ((!Number.isFinite(r) && Number.isFinite(x)) || (r === 0 && x !== 0))
    throw outOfRange(`"${v}" is out of range for type real`);
  return r;
});

function numericToFloat(text: string): number {
  if (text === "NaN") return Number.NaN;
  const x = Number(text);
  const underflow = x === 0 && /[1-9]/.test(text);
  if (underflow || (!Number.isFinite(x) && text !== "Infinity" && text !== "-Infinity"))
    throw outOfRange(`"${text}" is out of range for type double precision`);
  return x;
}

// bool
def(Oid.bool, Oid.int4, (v) => (v ? 1 : 0));
def(Oid.int4, Oid.bool, (v) => v !== 0);

// date and time
const ISO: Pick<EncodeContext, "dateStyle"> = { dateStyle: "ISO, MDY" };
function iso(ctx: EvalContext): EncodeContext {
  return { ...ctx.settings, ...ISO };
}
def(Oid.date, Oid.timestamp, (v) => {
  const d = v as string;
  if (d === "infinity" || d === "-infinity") return d;
  return d.endsWith(" BC") ? `${d.slice(0, -3)} 00:00:00 BC` : `${d} 00:00:00`;
});
def(Oid.date, Oid.timestamptz, (v, ctx) => {
  const d = v as string;
  if (d === "infinity" || d === "-infinity") return d;
  return decodeText(d, Oid.timestamptz, iso(ctx));
});
def(Oid.timestamp, Oid.timestamptz, (v, ctx) => {
  const t = v as string;
  if (t === "infinity" || t === "-infinity") return t;
  return decodeText(t, Oid.timestamptz, iso(ctx));
});
/** timestamptz in the session's zone as a local timestamp. */
function localTimestamp(v: string, ctx: EvalContext): string {
  if (v === "infinity" || v === "-infinity") return v;
  // timestamp_in ignores a zone in its input: the local wall-clock time is what remains
  return decodeText(encodeText(v, Oid.timestamptz, iso(ctx)), Oid.timestamp, iso(ctx)) as string;
}
def(Oid.timestamptz, Oid.timestamp, (v, ctx) => localTimestamp(v as string, ctx));
def(Oid.timestamp, Oid.date, (v) => timestampToDate(v as string));
def(Oid.timestamptz, Oid.date, (v, ctx) => timestampToDate(localTimestamp(v as string, ctx)));
def(Oid.timestamp, Oid.time, (v) => timestampToTime(v as string));
def(Oid.timestamptz, Oid.time, (v, ctx) => timestampToTime(localTimestamp(v as string, ctx)));
def(Oid.time, Oid.interval, (v): PgInterval => ({ months: 0, days: 0, micros: timeMicros(v as string) }));
def(Oid.interval, Oid.time, (v) => {
  const day = 86_400_000_000n;
  let us = (v as PgInterval).micros % day;
  if (us < 0n) us += day;
  return canonicalTime(us);
});

function timestampToDate(t: string): string {
  if (t === "infinity" || t === "-infinity") return t;
  const bc = t.endsWith(" BC");
  const date = t.slice(0, t.indexOf(" "));
  return bc ? `${date} BC` : date;
}

function timestampToTime(t: string): Value {
  if (t === "infinity" || t === "-infinity") return null;
  const body = t.endsWith(" BC") ? t.slice(0, -3) : t;
  return body.slice(body.indexOf(" ") + 1);
}

// json
def(Oid.json, Oid.jsonb, (v) => normalizeJsonb(v as string));
def(Oid.jsonb, Oid.json, (v) => v);
for (const target of [Oid.bool, Oid.int2, Oid.int4, Oid.int8, Oid.float4, Oid.float8, Oid.numeric]) {
  def(Oid.jsonb, target, (v, ctx) => jsonbScalar(v as string, target, ctx));
}

function jsonbScalar(text: string, target: TypeOid, ctx: EvalContext): Value {
  const t = text.trim();
  let kind: string;
  if (t === "null") kind = "null";
  else if (t.startsWith("{")) kind = "object";
  else if (t.startsWith("[")) kind = "array";
  else if (t.startsWith('"')) kind = "string";
  else if (t === "true" || t === "false") kind = "boolean";
  else kind = "numeric";
  const wanted = target === Oid.bool ? "boolean" : "numeric";
  if (kind !== wanted)
    throw new PgError(
      SqlState.invalidParameterValue,
      `cannot cast jsonb ${kind} to type ${typeName(target)}`,
    );
  if (target === Oid.bool) return t === "true";
  const numeric = normalizeNumericText(t);
  if (target === Oid.numeric) return numeric;
  return (SPECIAL.get(`${Oid.numeric}:${target}`) as CastFn)(numeric, ctx);
}

// ---------------------------------------------------------------- typmods

type Coercion = (v: Value, ctx: EvalContext) => Value;

function typmodCoercion(to: TypeOid, typmod: number, explicit: boolean): Coercion | null {
  if (typmod < 0) return null;
  switch (to) {
    case Oid.varchar:
      return typmod >= 4 ? (v) => varcharLength(v as string, typmod - 4, explicit) : null;
    case Oid.bpchar:
      return typmod >= 4 ? (v) => bpcharLength(v as string, typmod - 4, explicit) : null;
    case Oid.numeric:
      return (v) => formatDecimal(applyTypmod(parseDecimal(v as string), typmod));
    case Oid.timestamp:
      return typmod <= 6 ? (v) => roundTimestamp(v as string, typmod, false) : null;
    case Oid.timestamptz:
      return typmod <= 6 ? (v) => roundTimestamp(v as string, typmod, true) : null;
    case Oid.time:
      return typmod <= 6 ? (v) => roundTime(v as string, typmod) : null;
  }
  const elem = elementOf(to);
  if (elem !== 0) {
    const each = typmodCoercion(elem, typmod, explicit);
    if (!each) return null;
    return (v, ctx) => (v as Value[]).map((x) => (x === null ? null : each(x, ctx)));
  }
  return null;
}

function codePoints(s: string): string[] {
  return Array.from(s);
}

function tooLong(type: string, n: number): PgError {
  return new PgError(SqlState.stringDataRightTruncation, `value too long for type ${type}(${n})`);
}

function varcharLength(s: string, n: number, explicit: boolean): string {
  const chars = codePoints(s);
  if (chars.length <= n) return s;
  if (!explicit && chars.slice(n).some((c) => c !== " ")) throw tooLong("character varying", n);
  return chars.slice(0, n).join("");
}

function bpcharLength(s: string, n: number, explicit: boolean): string {
  const chars = codePoints(s);
  if (chars.length <= n) return s + " ".repeat(n - chars.length);
  if (!explicit && chars.slice(n).some((c) => c !== " ")) throw tooLong("character", n);
  return chars.slice(0, n).join("");
}

function roundMicros(us: bigint, precision: number): bigint {
  const scale = 10n ** BigInt(6 - precision);
  const offset = scale / 2n;
  return us >= 0n ? ((us + offset) / scale) * scale : -(((-us + offset) / scale) * scale);
}

function roundTimestamp(v: string, precision: number, withZone: boolean): string {
  if (v === "infinity" || v === "-infinity") return v;
  const us = roundMicros(timestampMicros(v, withZone), precision);
  return withZone ? canonicalTimestamptz(us) : canonicalTimestamp(us);
}

function roundTime(v: string, precision: number): string {
  return canonicalTime(roundMicros(timeMicros(v), precision));
}
