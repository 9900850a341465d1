/**
 * PostgreSQL's btree order and equality for every supported type, the hash keys
 * that agree with it, and the comparison operators (=, <>, <, <=, >, >=).
 */
import { elementOf, Oid, type TypeOid } from "../../common/pg-types.ts";
import { dateDays, timeMicros, timestampMicros } from "../../common/value-temporal.ts";
import type { PgInterval, Value } from "../../common/values.ts";
import type { EvalContext } from "../row-source.ts";
import { resolveCast } from "./casts.ts";
import { compare as compareDecimal, normalizedKey, parseDecimal } from "./numeric.ts";
import { comparePlainDecimalText } from "./numeric-compare.ts";
import { registerOperator } from "./registry.ts";

function cmp<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Float order: NaN above everything and equal to itself; -0 equals 0. */
export function compareFloat(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Code point order (the "C" collation over UTF-8), not UTF-16 code unit order. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // surrogates encode code points above U+FFFF: lift them above the rest of the BMP
    if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function rtrimSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

const USECS_PER_DAY = 86_400_000_000n;

/** interval_cmp_value: months count as 30 days, days as 24 hours. */
export function intervalSpan(iv: PgInterval): bigint {
  return iv.micros + BigInt(iv.days) * USECS_PER_DAY + BigInt(iv.months) * 30n * USECS_PER_DAY;
}

function compareArrays(a: Value[], b: Value[], elem: TypeOid): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    // NULL elements sort after non-null ones and equal each other
    if (x === null || y === null) {
      if (x === null && y === null) continue;
      return x === null ? 1 : -1;
    }
    const c = compareValues(x, y, elem);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** PostgreSQL's btree order of two non-null values of type `oid`: negative, 0 or positive. */
export function compareValues(a: Value, b: Value, oid: TypeOid): number {
  switch (oid) {
    case Oid.bool:
      return a === b ? 0 : a ? 1 : -1;
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
    case Oid.int8:
      return cmp(a as number, b as number);
    case Oid.float4:
    case Oid.float8:
      return compareFloat(a as number, b as number);
    case Oid.numeric: {
      if (a === b) return 0;
      const fast = comparePlainDecimalText(a as string, b as string);
      return fast ?? compareDecimal(parseDecimal(a as string), parseDecimal(b as string));
    }
    case Oid.bpchar:
      return compareText(rtrimSpaces(a as string), rtrimSpaces(b as string));
    case Oid.bytea:
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case Oid.date:
      if (a === b) return 0;
      return cmp(dateDays(a as string), dateDays(b as string));
    case Oid.time:
      return cmp(timeMicros(a as string), timeMicros(b as string));
    case Oid.timestamp:
    case Oid.timestamptz:
      if (a === b) return 0;
      return cmp(
        timestampMicros(a as string, oid === Oid.timestamptz),
        timestampMicros(b as string, oid === Oid.timestamptz),
      );
    case Oid.interval:
      return cmp(intervalSpan(a as PgInterval), intervalSpan(b as PgInterval));
    case Oid.jsonb:
      return compareJsonb(a as string, b as string);
  }
  const elem = elementOf(oid);
  if (elem !== 0) return compareArrays(a as Value[], b as Value[], elem);
  return compareText(a as string, b as string);
}

/**
 * jsonb's btree order: object > array > boolean > number > string > null; objects and
 * arrays by size first, then member by member (objects by key order of jsonb).
 */
function compareJsonb(a: string, b: string): number {
  if (a === b) return 0;
  return compareJson(JSON.parse(a), JSON.parse(b), a, b);
}

function jsonRank(v: unknown): number {
  if (v === null) return 0;
  if (typeof v === "string") return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "boolean") return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

function compareJson(x: unknown, y: unknown, xs?: string, ys?: string): number {
  const rx = jsonRank(x);
  const ry = jsonRank(y);
  if (rx !== ry) return rx < ry ? -1 : 1;
  switch (rx) {
    case 0:
      return 0;
    case 1:
      return compareText(x as string, y as string);
    case 2:
      // numbers compare as numeric; the text form keeps their exact digits
      return compareDecimal(
        parseDecimal(normalizeJsonNumber(xs, x as number)),
        parseDecimal(normalizeJsonNumber(ys, y as number)),
      );
    case 3:
      return x === y ? 0 : x ? 1 : -1;
    case 4: {
      const ax = x as unknown[];
      const ay = y as unknown[];
      if (ax.length !== ay.length) return ax.length < ay.length ? -1 : 1;
      for (let i = 0; i < ax.length; i++) {
        const c = compareJson(ax[i], ay[i]);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: {
      const ox = x as Record<string, unknown>;
      const oy = y as Record<string, unknown>;
      const kx = Object.keys(ox).sort(jsonbKeyOrder);
      const ky = Object.keys(oy).sort(jsonbKeyOrder);
      if (kx.length !== ky.length) return kx.length < ky.length ? -1 : 1;
      for (let i = 0; i < kx.length; i++) {
        const c = jsonbKeyOrder(kx[i], ky[i]);
        if (c !== 0) return c;
      }
      for (const k of kx) {
        const c = compareJson(ox[k], oy[k]);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

function normalizeJsonNumber(text: string | undefined, n: number): string {
  const t = text?.trim();
  if (t && /^-?\d+(\.\d+)?$/.test(t)) return t;
  return String(n).includes("e") ? BigInt(Math.trunc(n)).toString() : String(n);
}

/** jsonb stores object keys shorter first, then bytewise. */
function jsonbKeyOrder(a: string, b: string): number {
  const la = Buffer.byteLength(a);
  const lb = Buffer.byteLength(b);
  if (la !== lb) return la < lb ? -1 : 1;
  return compareText(a, b);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** A hash key: two values are equal per compareValues exactly when their keys are equal (===, or SameValueZero for NaN). */
export function equalityKey(v: Value, oid: TypeOid): string | number | bigint | boolean {
  switch (oid) {
    case Oid.bool:
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
    case Oid.int8:
    case Oid.date:
    case Oid.timestamp:
    case Oid.timestamptz:
    case Oid.time:
    case Oid.uuid:
    case Oid.text:
    case Oid.varchar:
    case Oid.name:
    case Oid.json:
    case Oid.jsonb:
      return v as string;
    case Oid.float4:
    case Oid.float8: {
      const x = v as number;
      // one key for NaN and one for zero, whatever the sign
      return Number.isNaN(x) ? "NaN" : x === 0 ? 0 : x;
    }
    case Oid.numeric:
      return normalizedKey(v as string);
    case Oid.bpchar:
      return rtrimSpaces(v as string);
    case Oid.bytea:
      return hex(v as Uint8Array);
    case Oid.interval:
      return intervalSpan(v as PgInterval);
  }
  const elem = elementOf(oid);
  if (elem !== 0) {
    return JSON.stringify(
      (v as Value[]).map((x) => {
        if (x === null) return null;
        const k = equalityKey(x, elem);
        return typeof k === "bigint" ? `${k}n` : k;
      }),
    );
  }
  if (v instanceof Uint8Array) return hex(v);
  return v as string;
}

/** IS DISTINCT FROM: NULLs are comparable and equal to each other. */
export function isDistinctFrom(a: Value, b: Value, oid: TypeOid): boolean {
  if (a === null || b === null) return a !== b;
  return compareValues(a, b, oid) !== 0;
}

// ---------------------------------------------------------------- operators

const TESTS: Record<string, (c: number) => boolean> = {
  "=": (c) => c === 0,
  "<>": (c) => c !== 0,
  "<": (c) => c < 0,
  "<=": (c) => c <= 0,
  ">": (c) => c > 0,
  ">=": (c) => c >= 0,
};

function registerComparisons(
  left: TypeOid,
  right: TypeOid,
  compare: (a: Value, b: Value, ctx: EvalContext) => number,
): void {
  for (const [op, test] of Object.entries(TESTS)) {
    registerOperator({
      name: op,
      args: [left, right],
      returns: Oid.bool,
      strict: true,
      volatility: left === right ? "immutable" : "stable",
      impl: ([a, b], ctx) => test(compare(a, b, ctx)),
    });
  }
}

function same(oid: TypeOid): void {
  registerComparisons(oid, oid, (a, b) => compareValues(a, b, oid));
}

for (const oid of [
  Oid.bool,
  Oid.int2,
  Oid.int4,
  Oid.int8,
  Oid.float4,
  Oid.float8,
  Oid.numeric,
  Oid.text,
  Oid.bpchar,
  Oid.name,
  Oid.bytea,
  Oid.date,
  Oid.time,
  Oid.timestamp,
  Oid.timestamptz,
  Oid.interval,
  Oid.uuid,
  Oid.jsonb,
  Oid.oid,
]) {
  same(oid);
}

// anyarray = anyarray: the resolver makes both sides the same array type, passed in argTypes
for (const [op, test] of Object.entries(TESTS)) {
  registerOperator({
    name: op,
    args: [2277, 2277],
    returns: Oid.bool,
    strict: true,
    volatility: "immutable",
    impl: ([a, b], _ctx, argTypes) => test(compareArrays(a as Value[], b as Value[], elementOf(argTypes[0]))),
  });
}

// cross-type integers and floats compare by value
const ints = [Oid.int2, Oid.int4, Oid.int8];
for (const l of ints) {
  for (const r of ints) {
    if (l === r) continue;
    registerComparisons(l, r, (a, b) => {
      const x = typeof a === "bigint" ? a : BigInt(a as number);
      const y = typeof b === "bigint" ? b : BigInt(b as number);
      return cmp(x, y);
    });
  }
}
registerComparisons(Oid.float4, Oid.float8, (a, b) => compareFloat(a as number, b as number));
registerComparisons(Oid.float8, Oid.float4, (a, b) => compareFloat(a as number, b as number));

// text vs name, and the date/time family across types (converted with the session's zone)
registerComparisons(Oid.text, Oid.name, (a, b) => compareText(a as string, b as string));
registerComparisons(Oid.name, Oid.text, (a, b) => compareText(a as string, b as string));

const temporal = [Oid.date, Oid.timestamp, Oid.timestamptz];
for (const l of temporal) {
  for (const r of temporal) {
    if (l === r) continue;
    // the wider of the two: date < timestamp < timestamptz
    const wide = temporal.indexOf(l) > temporal.indexOf(r) ? l : r;
    const castL = l === wide ? null : resolveCast(l, wide, -1, "implicit");
    const castR = r === wide ? null : resolveCast(r, wide, -1, "implicit");
    registerComparisons(l, r, (a, b, ctx) =>
      compareValues(castL ? castL(a, ctx) : a, castR ? castR(b, ctx) : b, wide),
    );
  }
}
