import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PgError } from "../../../src/common/pg-error.ts";
import { arrayOf, Oid } from "../../../src/common/pg-types.ts";
import { defaultEncodeContext, type Value } from "../../../src/common/values.ts";
import { compileExpr } from "../../../src/exec/compile-expr.ts";
import { resolveOperator } from "../../../src/exec/scalar/index.ts";
import type { BoundExpr } from "../../../src/planner/bound-expr.ts";

const ctx = { settings: defaultEncodeContext, transactionTimestamp: "", statementTimestamp: "" };

/**
 * `$1 op ANY/ALL (array)` with the array a column of the row (scanned element by element) and
 * the same array as a query parameter (long ones probed through a hash set): both must give
 * PostgreSQL's answer.
 */
function both(
  op: string,
  all: boolean,
  x: Value,
  items: Value[] | null,
  elementType: number = Oid.int4,
): Value[] {
  const fn = resolveOperator(op, Oid.int4, elementType);
  const expr = (array: BoundExpr): BoundExpr => ({
    kind: "any-all",
    all,
    arg: { kind: "column", index: 0, type: Oid.int4, typmod: -1 },
    array,
    op: fn,
    elementType,
    type: Oid.bool,
    typmod: -1,
  });
  const type = arrayOf(elementType);
  const scanned = compileExpr(expr({ kind: "column", index: 1, type, typmod: -1 }), [])([x, items], ctx);
  const fixed = compileExpr(expr({ kind: "param", index: 0, type, typmod: -1 }), [items])([x, null], ctx);
  return [scanned, fixed];
}

const many = Array.from({ length: 40 }, (_, i) => i * 2);

describe("x op ANY / ALL (array)", () => {
  test("= ANY is IN: true on a match, NULL when unmatched with a NULL element or a NULL x, false on empty", () => {
    for (const items of [[1, 2, 3], many]) {
      assert.deepEqual(both("=", false, 2, items), [true, true]);
      assert.deepEqual(both("=", false, 5, items), [false, false]);
      assert.deepEqual(both("=", false, null, items), [null, null]);
      assert.deepEqual(both("=", false, 2, [...items, null]), [true, true]);
      assert.deepEqual(both("=", false, 5, [...items, null]), [null, null]);
    }
    assert.deepEqual(both("=", false, null, []), [false, false]);
    assert.deepEqual(both("=", false, 1, null), [null, null]);
  });

  test("<> ALL is NOT IN: an empty array gives true even for NULL x", () => {
    for (const items of [[1, 2, 3], many]) {
      assert.deepEqual(both("<>", true, 2, items), [false, false]);
      assert.deepEqual(both("<>", true, 5, items), [true, true]);
      assert.deepEqual(both("<>", true, 5, [null, ...items]), [null, null]);
      assert.deepEqual(both("<>", true, null, items), [null, null]);
    }
    assert.deepEqual(both("<>", true, null, []), [true, true]);
  });

  test("other operators; elements of another type are compared through the operator's types", () => {
    assert.deepEqual(both("<", false, 3, [1, 2, 4]), [true, true]);
    assert.deepEqual(both("<", false, 5, [1, null]), [null, null]);
    assert.deepEqual(both(">=", true, 4, [1, 2, 4]), [true, true]);
    assert.deepEqual(both(">=", true, 4, [1, null, 5]), [false, false]);
    assert.deepEqual(both(">", true, null, []), [true, true]);
    const big = many.map((n) => BigInt(n));
    assert.deepEqual(both("=", false, 78, big, Oid.int8), [true, true]);
    assert.deepEqual(both("=", false, 79, [...big, null], Oid.int8), [null, null]);
  });
});

describe("the value of a decorrelated scalar subquery", () => {
  const value = (first: boolean) =>
    compileExpr(
      {
        kind: "subquery-value",
        arg: { kind: "column", index: 0, type: arrayOf(Oid.text), typmod: -1 },
        first,
        type: Oid.text,
        typmod: -1,
      },
      [],
    );

  test("NULL without rows, the one value, the first under LIMIT 1, else 21000", () => {
    assert.equal(value(false)([null], ctx), null);
    assert.equal(value(false)([["a"]], ctx), "a");
    assert.equal(value(false)([[null]], ctx), null);
    assert.equal(value(true)([["a", "b"]], ctx), "a");
    assert.throws(
      () => value(false)([["a", "b"]], ctx),
      (e: unknown) =>
        e instanceof PgError &&
        e.code === "21000" &&
        e.message === "more than one row returned by a subquery used as an expression",
    );
  });
});
