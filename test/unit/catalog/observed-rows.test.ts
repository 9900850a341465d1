import assert from "node:assert/strict";
import { test } from "node:test";
import { ObservedRows } from "../../../src/catalog/observed-rows.ts";

const fragment = (location: number, value: string) => ({
  SelectStmt: {
    whereClause: { A_Expr: { lexpr: { ColumnRef: { location } }, rexpr: { A_Const: { sval: value } } } },
  },
});

test("a fragment's observed rows are found again whatever the AST locations", () => {
  const observed = new ObservedRows();
  observed.record("crm", fragment(10, "a"), 42);
  assert.equal(observed.get("crm", fragment(99, "a")), 42);
  assert.equal(observed.get("crm", fragment(10, "b")), undefined, "another constant is another fragment");
  assert.equal(observed.get("hr", fragment(10, "a")), undefined, "another service is another fragment");
  observed.record("crm", fragment(10, "a"), 7);
  assert.equal(observed.get("crm", fragment(10, "a")), 7, "the latest observation wins");
});

test("bounded: the least recently used entry goes first", () => {
  const observed = new ObservedRows(2);
  observed.record("s", fragment(0, "a"), 1);
  observed.record("s", fragment(0, "b"), 2);
  assert.equal(observed.get("s", fragment(0, "a")), 1); // a is now the most recent
  observed.record("s", fragment(0, "c"), 3);
  assert.equal(observed.size, 2);
  assert.equal(observed.get("s", fragment(0, "b")), undefined);
  assert.equal(observed.get("s", fragment(0, "a")), 1);
  assert.equal(observed.get("s", fragment(0, "c")), 3);
});

test("forget drops one service's observations only", () => {
  const observed = new ObservedRows();
  observed.record("s", fragment(0, "a"), 1);
  observed.record("t", fragment(0, "a"), 2);
  observed.forget("s");
  assert.equal(observed.get("s", fragment(0, "a")), undefined);
  assert.equal(observed.get("t", fragment(0, "a")), 2);
});
