/**
 * SQLite's own `/` and `%` (vdbe.c OP_Divide/OP_Remainder), except that a zero divisor throws
 * DivisionByZeroError where SQLite answers NULL. Registered as pg_div/pg_mod with safeIntegers:
 * INTEGER arrives as bigint, REAL as number, and the result keeps SQLite's storage class (a
 * returned bigint is an INTEGER, a number a REAL).
 */
import Database from "better-sqlite3";

export class DivisionByZeroError extends Error {
  constructor() {
    super("division by zero");
    this.name = "DivisionByZeroError";
  }
}

const minInt64 = -(2n ** 63n);
const maxInt64 = 2n ** 63n - 1n;

type Num = bigint | number;

function isNum(v: unknown): v is Num {
  return typeof v === "bigint" || typeof v === "number";
}

export function sqliteDivide(a: unknown, b: unknown): unknown {
  if (a === null || b === null) return null;
  if (typeof a === "bigint" && typeof b === "bigint") {
    if (b === 0n) throw new DivisionByZeroError();
    // the one quotient that overflows int64: SQLite computes it in floating point
    if (b === -1n && a === minInt64) return Number(a) / -1;
    return a / b; // truncates toward zero, as C does
  }
  if (isNum(a) && isNum(b)) {
    const divisor = Number(b);
    if (divisor === 0) throw new DivisionByZeroError();
    const q = Number(a) / divisor;
    return Number.isNaN(q) ? null : q;
  }
  return viaSqlite("divide", a, b);
}

export function sqliteRemainder(a: unknown, b: unknown): unknown {
  if (a === null || b === null) return null;
  if (typeof a === "bigint" && typeof b === "bigint") {
    if (b === 0n) throw new DivisionByZeroError();
    return b === -1n ? 0n : a % b; // BigInt % takes the dividend's sign, as C does
  }
  if (isNum(a) && isNum(b)) {
    // a REAL operand: both are truncated to integers and the remainder is a REAL
    const divisor = toInt64(b);
    if (divisor === 0n) throw new DivisionByZeroError();
    return Number(toInt64(a) % (divisor === -1n ? 1n : divisor));
  }
  return viaSqlite("remainder", a, b);
}

/** sqlite3VdbeIntValue of a REAL: truncation, saturating at the int64 bounds. */
function toInt64(v: Num): bigint {
  if (typeof v === "bigint") return v;
  if (Number.isNaN(v)) return 0n;
  // (double)INT64_MIN and (double)INT64_MAX are both ±2^63
  if (v <= -(2 ** 63)) return minInt64;
  if (v >= 2 ** 63) return maxInt64;
  return BigInt(Math.trunc(v));
}

let helper: { divide: Database.Statement; remainder: Database.Statement } | null = null;

/**
 * TEXT and BLOB operands (possible in any SQLite column) go through SQLite's own numeric
 * conversion on a private in-memory connection, so they divide exactly as before. A NULL
 * result from non-NULL operands means a zero divisor, except for a NaN quotient (∞/∞), which
 * only `/` can produce and which the zero test tells apart.
 */
function viaSqlite(op: "divide" | "remainder", a: unknown, b: unknown): unknown {
  if (!helper) {
    const db = new Database(":memory:");
    helper = {
      divide: db.prepare("SELECT ? / ?, (? + 0) = 0").raw(true).safeIntegers(true),
      remainder: db.prepare("SELECT ? % ?, ? IS NOT NULL").raw(true).safeIntegers(true),
    };
  }
  const [result, zero] = helper[op].get(a, b, b) as [unknown, bigint];
  if (result === null && zero === 1n) throw new DivisionByZeroError();
  return result;
}
