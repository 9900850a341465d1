/**
 * pg_div/pg_mod against SQLite's own `/` and `%` over every storage class and the edge values:
 * the same value and type wherever SQLite gives a result, division by zero exactly where SQLite
 * gives NULL for non-NULL operands because of a zero divisor.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import Database from "better-sqlite3";
import { DivisionByZeroError } from "../../../src/connectors/sqlite/arithmetic.ts";
import { registerPgFunctions } from "../../../src/connectors/sqlite/functions.ts";

const db = new Database(":memory:");
registerPgFunctions(db);
after(() => db.close());

const operands: [string, string][] = [
  ["null", "NULL"],
  ["0", "0"],
  ["1", "1"],
  ["-1", "-1"],
  ["7", "7"],
  ["-7", "-7"],
  ["2", "2"],
  ["-2", "-2"],
  ["min int64", "-9223372036854775808"],
  ["max int64", "9223372036854775807"],
  ["0.0", "0.0"],
  ["-0.0", "-0.0"],
  ["0.5", "0.5"],
  ["-2.5", "-2.5"],
  ["1e300", "1e300"],
  ["1e-300", "1e-300"],
  ["1e19", "1e19"],
  ["-1e19", "-1e19"],
  ["inf", "9e999"],
  ["-inf", "-9e999"],
  ["'12'", "'12'"],
  ["'0'", "'0'"],
  ["'2.5x'", "'2.5x'"],
  ["'abc'", "'abc'"],
  ["' -3 '", "' -3 '"],
  ["x'34'", "x'34'"],
  ["x''", "x''"],
];

const native = (a: string, op: string, b: string) =>
  db
    .prepare(`SELECT ${a} ${op} ${b}, typeof(${a} ${op} ${b}), ${b} + 0 = 0`)
    .raw(true)
    .safeIntegers(true)
    .get() as [unknown, string, bigint | null];
const viaFunction = (fn: string, a: string, b: string) =>
  db.prepare(`SELECT ${fn}(${a}, ${b}), typeof(${fn}(${a}, ${b}))`).raw(true).safeIntegers(true).get() as [
    unknown,
    string,
  ];

describe("pg_div and pg_mod keep SQLite's arithmetic and fail on zero divisors", () => {
  for (const [fn, op] of [
    ["pg_div", "/"],
    ["pg_mod", "%"],
  ] as const) {
    test(`${fn} matches ${op} over every operand pair`, () => {
      let failures = 0;
      for (const [an, a] of operands) {
        for (const [bn, b] of operands) {
          const [want, wantType, zeroDivisor] = native(a, op, b);
          const nullOperand = a === "NULL" || b === "NULL";
          // SQLite's NULL from a zero divisor (for %: a divisor that truncates to zero)
          const divByZero = want === null && !nullOperand && (op === "%" || zeroDivisor === 1n);
          if (divByZero) {
            assert.throws(() => viaFunction(fn, a, b), DivisionByZeroError, `${an} ${op} ${bn}`);
            failures++;
            continue;
          }
          const [got, gotType] = viaFunction(fn, a, b);
          assert.deepEqual([got, gotType], [want, wantType], `${an} ${op} ${bn}`);
        }
      }
      assert.ok(failures >= 5, `zero divisors seen: ${failures}`);
    });
  }

  test("a zero divisor is division by zero; NULL operands stay NULL", () => {
    assert.throws(() => db.prepare("SELECT pg_div(1, 0)").get(), DivisionByZeroError);
    assert.throws(() => db.prepare("SELECT pg_div(1.5, 0.0)").get(), DivisionByZeroError);
    assert.throws(() => db.prepare("SELECT pg_mod(-5, 0)").get(), DivisionByZeroError);
    assert.deepEqual(db.prepare("SELECT pg_div(NULL, 0), pg_mod(NULL, 0), pg_div(0, NULL)").raw(true).get(), [
      null,
      null,
      null,
    ]);
  });
});
