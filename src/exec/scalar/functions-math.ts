/** Mathematical functions over numbers (abs, round, trunc, mod, sqrt …) with PostgreSQL's overloads. */
import { PgError } from "../../common/pg-error.ts";
import { Oid, type TypeOid } from "../../common/pg-types.ts";
import type { Value } from "../../common/values.ts";
import * as dec from "./numeric.ts";
import { checkFloat8, checkInt2, checkInt4, checkInt8, rint } from "./numeric-limits.ts";
import { floatPower } from "./numeric-ops.ts";
import { registerFunction, type Volatility } from "./registry.ts";

function fn(
  name: string,
  args: TypeOid[],
  returns: TypeOid,
  impl: (a: Value[]) => Value,
  volatility: Volatility = "immutable",
): void {
  registerFunction({ name, args, returns, strict: true, volatility, impl: (a) => impl(a) });
}

const N = Oid.numeric;
const F = Oid.float8;
const num = (v: Value) => dec.parseDecimal(v as string);
const out = (d: dec.Decimal) => dec.formatDecimal(d);

// abs
fn("abs", [Oid.int2], Oid.int2, ([a]) => checkInt2(Math.abs(a as number)));
fn("abs", [Oid.int4], Oid.int4, ([a]) => checkInt4(Math.abs(a as number)));
fn("abs", [Oid.int8], Oid.int8, ([a]) => checkInt8((a as bigint) < 0n ? -(a as bigint) : (a as bigint)));
fn("abs", [Oid.float4], Oid.float4, ([a]) => Math.abs(a as number));
fn("abs", [F], F, ([a]) => Math.abs(a as number));
fn("abs", [N], N, ([a]) => out(dec.abs(num(a))));

// rounding
fn("round", [F], F, ([a]) => rint(a as number));
fn("round", [N], N, ([a]) => out(dec.round(num(a), 0)));
fn("round", [N, Oid.int4], N, ([a, s]) => out(dec.round(num(a), s as number)));
fn("trunc", [F], F, ([a]) => Math.trunc(a as number));
fn("trunc", [N], N, ([a]) => out(dec.trunc(num(a), 0)));
fn("trunc", [N, Oid.int4], N, ([a, s]) => out(dec.trunc(num(a), s as number)));
for (const name of ["ceil", "ceiling"]) {
  fn(name, [F], F, ([a]) => Math.ceil(a as number));
  fn(name, [N], N, ([a]) => out(dec.ceil(num(a))));
}
fn("floor", [F], F, ([a]) => Math.floor(a as number));
fn("floor", [N], N, ([a]) => out(dec.floor(num(a))));
fn("sign", [F], F, ([a]) => {
  const x = a as number;
  return Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : 0;
});
fn("sign", [N], N, ([a]) => out(dec.signOf(num(a))));

// mod and div
fn("mod", [Oid.int2, Oid.int2], Oid.int2, ([a, b]) => intMod(a as number, b as number));
fn("mod", [Oid.int4, Oid.int4], Oid.int4, ([a, b]) => intMod(a as number, b as number));
fn("mod", [Oid.int8, Oid.int8], Oid.int8, ([a, b]) => {
  if (b === 0n) throw dec.divisionByZero();
  return (a as bigint) % (b as bigint);
});
fn("mod", [N, N], N, ([a, b]) => out(dec.mod(num(a), num(b))));
fn("div", [N, N], N, ([a, b]) => out(dec.divTrunc(num(a), num(b))));

function intMod(a: number, b: number): number {
  if (b === 0) throw dec.divisionByZero();
  const r = a % b;
  return r === 0 ? 0 : r;
}

// roots, powers, logarithms (float8)
fn("sqrt", [F], F, ([a]) => {
  const x = a as number;
  if (x < 0) throw new PgError("2201F", "cannot take square root of a negative number");
  return Math.sqrt(x);
});
fn("sqrt", [N], N, ([a]) => out(dec.sqrt(num(a))));
fn("cbrt", [F], F, ([a]) => Math.cbrt(a as number));
for (const name of ["power", "pow"]) fn(name, [F, F], F, ([a, b]) => floatPower(a as number, b as number));
fn("exp", [F], F, ([a]) => {
  const x = a as number;
  const r = Math.exp(x);
  if (!Number.isFinite(r) && Number.isFinite(x)) throw new PgError("22003", "value out of range: overflow");
  if (r === 0 && Number.isFinite(x)) throw new PgError("22003", "value out of range: underflow");
  return r;
});
function logArg(x: number): void {
  if (x === 0) throw new PgError("2201E", "cannot take logarithm of zero");
  if (x < 0) throw new PgError("2201E", "cannot take logarithm of a negative number");
}
fn("ln", [F], F, ([a]) => {
  logArg(a as number);
  return Math.log(a as number);
});
for (const name of ["log", "log10"]) {
  fn(name, [F], F, ([a]) => {
    logArg(a as number);
    return Math.log10(a as number);
  });
}
fn("pi", [], F, () => Math.PI);
fn("degrees", [F], F, ([a]) =>
  checkFloat8(((a as number) * 180) / Math.PI, !Number.isFinite(a as number), true),
);
fn("radians", [F], F, ([a]) =>
  checkFloat8(((a as number) * Math.PI) / 180, !Number.isFinite(a as number), true),
);
fn("random", [], F, () => Math.random(), "volatile");

// integers: gcd and lcm
function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}
fn("gcd", [Oid.int4, Oid.int4], Oid.int4, ([a, b]) =>
  checkInt4(Number(gcdBig(BigInt(a as number), BigInt(b as number)))),
);
fn("gcd", [Oid.int8, Oid.int8], Oid.int8, ([a, b]) => checkInt8(gcdBig(a as bigint, b as bigint)));
fn("lcm", [Oid.int4, Oid.int4], Oid.int4, ([a, b]) => {
  const x = BigInt(a as number);
  const y = BigInt(b as number);
  if (x === 0n || y === 0n) return 0;
  const l = (x / gcdBig(x, y)) * y;
  return checkInt4(Number(l < 0n ? -l : l));
});
fn("lcm", [Oid.int8, Oid.int8], Oid.int8, ([a, b]) => {
  const x = a as bigint;
  const y = b as bigint;
  if (x === 0n || y === 0n) return 0n;
  const l = (x / gcdBig(x, y)) * y;
  return checkInt8(l < 0n ? -l : l);
});
