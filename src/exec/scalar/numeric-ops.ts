/**
 * Arithmetic operators over int2/int4/int8, float4/float8 and numeric, with the
 * same operator set as pg_operator (so resolution picks the same result types)
 * and PostgreSQL's overflow, underflow and division-by-zero errors.
 */
import { PgError } from "../../common/pg-error.ts";
import { Oid, type TypeOid } from "../../common/pg-types.ts";
import type { Value } from "../../common/values.ts";
import * as dec from "./numeric.ts";
import { checkFloat4, checkFloat8, checkInt2, checkInt4, checkInt8, outOfRange } from "./numeric-limits.ts";
import { registerOperator } from "./registry.ts";

function op(name: string, args: TypeOid[], returns: TypeOid, impl: (a: Value[]) => Value): void {
  registerOperator({ name, args, returns, strict: true, volatility: "immutable", impl: (a) => impl(a) });
}

// ---------------------------------------------------------------- integers

type IntKind = typeof Oid.int2 | typeof Oid.int4 | typeof Oid.int8;
const INTS: IntKind[] = [Oid.int2, Oid.int4, Oid.int8];
const rank = (t: IntKind) => INTS.indexOf(t);

function asBig(v: Value): bigint {
  return typeof v === "bigint" ? v : BigInt(v as number);
}

/** Result of an integer computation as the result type, with that type's range check. */
function fit(result: bigint, type: IntKind): Value {
  if (type === Oid.int8) return checkInt8(result);
  const n = Number(result);
  return type === Oid.int4 ? checkInt4(n) : checkInt2(n);
}

function fitNumber(result: number, type: IntKind): number {
  return type === Oid.int4 ? checkInt4(result) : checkInt2(result);
}

for (const l of INTS) {
  for (const r of INTS) {
    const out = rank(l) > rank(r) ? l : r;
    if (out === Oid.int8) {
      op("+", [l, r], out, ([a, b]) => fit(asBig(a) + asBig(b), out));
      op("-", [l, r], out, ([a, b]) => fit(asBig(a) - asBig(b), out));
      op("*", [l, r], out, ([a, b]) => fit(asBig(a) * asBig(b), out));
      op("/", [l, r], out, ([a, b]) => {
        const y = asBig(b);
        if (y === 0n) throw dec.divisionByZero();
        return fit(asBig(a) / y, out);
      });
    } else {
      op("+", [l, r], out, ([a, b]) => fitNumber((a as number) + (b as number), out));
      op("-", [l, r], out, ([a, b]) => fitNumber((a as number) - (b as number), out));
      // products of two int4 exceed 2^53: multiply exactly when they might
      op("*", [l, r], out, ([a, b]) => {
        const p = (a as number) * (b as number);
        if (Math.abs(p) < 2 ** 53) return fitNumber(p === 0 ? 0 : p, out);
        return fit(BigInt(a as number) * BigInt(b as number), out);
      });
      op("/", [l, r], out, ([a, b]) => {
        if (b === 0) throw dec.divisionByZero();
        const q = Math.trunc((a as number) / (b as number));
        return fitNumber(q === 0 ? 0 : q, out);
      });
    }
  }
  // same-type only: %, unary minus/plus, @, bitwise
  const t = l;
  if (t === Oid.int8) {
    op("%", [t, t], t, ([a, b]) => {
      if (b === 0n) throw dec.divisionByZero();
      return (a as bigint) % (b as bigint);
    });
    op("-", [t], t, ([a]) => checkInt8(-(a as bigint)));
    op("@", [t], t, ([a]) => checkInt8((a as bigint) < 0n ? -(a as bigint) : (a as bigint)));
    op("&", [t, t], t, ([a, b]) => (a as bigint) & (b as bigint));
    op("|", [t, t], t, ([a, b]) => (a as bigint) | (b as bigint));
    op("#", [t, t], t, ([a, b]) => (a as bigint) ^ (b as bigint));
    op("~", [t], t, ([a]) => ~(a as bigint));
    op("<<", [t, Oid.int4], t, ([a, b]) => BigInt.asIntN(64, (a as bigint) << BigInt((b as number) & 63)));
    op(">>", [t, Oid.int4], t, ([a, b]) => (a as bigint) >> BigInt((b as number) & 63));
  } else {
    op("%", [t, t], t, ([a, b]) => {
      if (b === 0) throw dec.divisionByZero();
      const r = (a as number) % (b as number);
      return r === 0 ? 0 : r;
    });
    op("-", [t], t, ([a]) => fitNumber(a === 0 ? 0 : -(a as number), t));
    op("@", [t], t, ([a]) => fitNumber(Math.abs(a as number), t));
    const wrap = (n: number) => (t === Oid.int4 ? n | 0 : (n << 16) >> 16);
    op("&", [t, t], t, ([a, b]) => wrap((a as number) & (b as number)));
    op("|", [t, t], t, ([a, b]) => wrap((a as number) | (b as number)));
    op("#", [t, t], t, ([a, b]) => wrap((a as number) ^ (b as number)));
    op("~", [t], t, ([a]) => wrap(~(a as number)));
    op("<<", [t, Oid.int4], t, ([a, b]) => wrap((a as number) << (b as number)));
    op(">>", [t, Oid.int4], t, ([a, b]) => wrap((a as number) >> (b as number)));
  }
  op("+", [t], t, ([a]) => a);
}

// ---------------------------------------------------------------- floats

const FLOATS = [Oid.float4, Oid.float8];
for (const l of FLOATS) {
  for (const r of FLOATS) {
    const single = l === Oid.float4 && r === Oid.float4;
    const out = single ? Oid.float4 : Oid.float8;
    const check = single ? checkFloat4 : checkFloat8;
    const inf = (x: number) => !Number.isFinite(x) && !Number.isNaN(x);
    op("+", [l, r], out, ([a, b]) => {
      const x = a as number;
      const y = b as number;
      return check(x + y, inf(x) || inf(y), true);
    });
    op("-", [l, r], out, ([a, b]) => {
      const x = a as number;
      const y = b as number;
      return check(x - y, inf(x) || inf(y), true);
    });
    op("*", [l, r], out, ([a, b]) => {
      const x = a as number;
      const y = b as number;
      return check(x * y, inf(x) || inf(y), x === 0 || y === 0);
    });
    op("/", [l, r], out, ([a, b]) => {
      const x = a as number;
      const y = b as number;
      if (y === 0 && !Number.isNaN(x)) throw dec.divisionByZero();
      return check(x / y, inf(x), x === 0 || inf(y));
    });
  }
  op("-", [l], l, ([a]) => -(a as number));
  op("+", [l], l, ([a]) => a);
  op("@", [l], l, ([a]) => Math.abs(a as number));
}

/** dpow with PostgreSQL's domain errors. */
export function floatPower(x: number, y: number): number {
  if (Number.isNaN(x)) return y === 0 ? 1 : Number.NaN;
  if (Number.isNaN(y)) return x === 1 ? 1 : Number.NaN;
  if (x === 0 && y < 0) throw powerError("zero raised to a negative power is undefined");
  if (x < 0 && Number.isFinite(y) && Math.floor(y) !== y)
    throw powerError("a negative number raised to a non-integer power yields a complex result");
  // C pow: (-1)^±inf = 1, 1^anything = 1
  if (Math.abs(x) === 1 && !Number.isFinite(y)) return 1;
  const r = exactIntegerPower(x, y) ?? x ** y;
  if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y))
    throw outOfRange("value out of range: overflow");
  if (r === 0 && x !== 0 && Number.isFinite(x) && Number.isFinite(y))
    throw outOfRange("value out of range: underflow");
  return r;
}

/** C's pow is correctly rounded for integral operands; Math.pow may be an ulp off, BigInt is exact. */
function exactIntegerPower(x: number, y: number): number | null {
  if (x === 0 || !Number.isInteger(x) || !Number.isInteger(y) || y < 0 || y > 2000 || Math.abs(x) > 2 ** 53)
    return null;
  if (Math.abs(x) >= 2 && y * Math.log2(Math.abs(x)) > 1100) return null;
  return Number(BigInt(x) ** BigInt(y));
}

function powerError(message: string): PgError {
  return new PgError("2201F", message);
}

op("^", [Oid.float8, Oid.float8], Oid.float8, ([a, b]) => floatPower(a as number, b as number));

// ---------------------------------------------------------------- numeric

function numOp(name: string, fn: (a: dec.Decimal, b: dec.Decimal) => dec.Decimal): void {
  op(name, [Oid.numeric, Oid.numeric], Oid.numeric, ([a, b]) =>
    dec.formatDecimal(fn(dec.parseDecimal(a as string), dec.parseDecimal(b as string))),
  );
}
numOp("+", dec.add);
numOp("-", dec.sub);
numOp("*", dec.mul);
numOp("/", dec.div);
numOp("%", dec.mod);
op("-", [Oid.numeric], Oid.numeric, ([a]) => dec.formatDecimal(dec.negate(dec.parseDecimal(a as string))));
op("+", [Oid.numeric], Oid.numeric, ([a]) => a);
op("@", [Oid.numeric], Oid.numeric, ([a]) => dec.formatDecimal(dec.abs(dec.parseDecimal(a as string))));
