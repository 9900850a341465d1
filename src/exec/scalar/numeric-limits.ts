/** Range checks and PostgreSQL's overflow errors for the integer and float types. */
import { PgError, SqlState } from "../../common/pg-error.ts";

export function outOfRange(message: string): PgError {
  return new PgError(SqlState.numericValueOutOfRange, message);
}

export function checkInt2(n: number): number {
  if (!(n >= -32768 && n <= 32767)) throw outOfRange("smallint out of range");
  return n;
}

export function checkInt4(n: number): number {
  if (!(n >= -2147483648 && n <= 2147483647)) throw outOfRange("integer out of range");
  return n;
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

export function checkInt8(n: bigint): bigint {
  if (n < INT8_MIN || n > INT8_MAX) throw outOfRange("bigint out of range");
  return n;
}

/** float8_pl & co: an infinite result from finite inputs overflowed. */
export function checkFloat8(result: number, inputsInfinite: boolean, zeroAllowed: boolean): number {
  if (!Number.isFinite(result) && !Number.isNaN(result) && !inputsInfinite)
    throw outOfRange("value out of range: overflow");
  if (result === 0 && !zeroAllowed) throw outOfRange("value out of range: underflow");
  return result;
}

/** The same for float4: the double result is rounded to single precision first. */
export function checkFloat4(result: number, inputsInfinite: boolean, zeroAllowed: boolean): number {
  const r = Math.fround(result);
  return checkFloat8(r, inputsInfinite, zeroAllowed);
}

/** rint(): round half to even, as the float → integer casts do. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
