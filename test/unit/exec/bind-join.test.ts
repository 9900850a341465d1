import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Oid } from "../../../src/common/pg-types.ts";
import type { Row } from "../../../src/common/row.ts";
import { defaultEncodeContext, type Value } from "../../../src/common/values.ts";
import { type BindJoinSpec, type BindJoinStats, bindJoin } from "../../../src/exec/bind-join.ts";
import { createMemoryBudget } from "../../../src/exec/memory-budget.ts";
import { values } from "../../../src/exec/operators/values.ts";
import type { RowSource } from "../../../src/exec/row-source.ts";

const env = {
  ctx: { settings: defaultEncodeContext, transactionTimestamp: "", statementTimestamp: "" },
  budget: createMemoryBudget(64 * 1024 * 1024),
};

// outer: (id, key); inner: (key, label) with duplicates, NULL keys on both sides, and unmatched keys
const outerRows: Row[] = [
  [1, 10],
  [2, 20],
  [3, null],
  [4, 99],
  [5, 10],
];
const innerRows: Row[] = [
  [10, "ten"],
  [10, "TEN"],
  [20, "twenty"],
  [null, "nothing"],
  [30, "thirty"],
];

async function drain(source: RowSource): Promise<Row[]> {
  const out: Row[] = [];
  for (let b = await source.next(); b; b = await source.next()) {
    assert.ok(b.length > 0, "batches are never empty");
    out.push(...b);
  }
  return out;
}

function spec(overrides: Partial<BindJoinSpec>, requests: Value[][]): BindJoinSpec {
  return {
    joinType: "inner",
    outerSide: "left",
    outerKey: (row) => row[1],
    keyType: Oid.int4,
    innerKeyIndex: 0,
    outerWidth: 2,
    innerWidth: 2,
    batchSize: 1,
    concurrency: 2,
    switchAt: 100,
    openInnerForKeys: async (keys) => {
      requests.push(keys);
      return values(innerRows.filter((r) => keys.some((k) => k === r[0])));
    },
    openInnerFull: async () => {
      requests.push(["<full scan>"]);
      return values(innerRows);
    },
    ...overrides,
  };
}

const sorted = (rows: Row[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("bind join", () => {
  const expectedInner: Row[] = [
    [1, 10, 10, "ten"],
    [1, 10, 10, "TEN"],
    [2, 20, 20, "twenty"],
    [5, 10, 10, "ten"],
    [5, 10, 10, "TEN"],
  ];

  test("sends each distinct non-null key once, in batches, and joins the matches", async () => {
    const requests: Value[][] = [];
    const stats: BindJoinStats = { mode: null, batches: 0, keys: 0 };
    const rows = await drain(bindJoin(values(outerRows), spec({}, requests), env, stats));
    assert.deepEqual(sorted(rows), sorted(expectedInner));
    assert.equal(stats.mode, "bind");
    assert.deepEqual(sorted(requests.map((k) => [k.join(",")])), [["10"], ["20"], ["99"]]);
    assert.equal(stats.batches, 3);
  });

  test("a left join keeps unmatched and NULL-keyed outer rows padded with NULLs", async () => {
    const rows = await drain(bindJoin(values(outerRows), spec({ joinType: "left", batchSize: 10 }, []), env));
    assert.deepEqual(sorted(rows), sorted([...expectedInner, [3, null, null, null], [4, 99, null, null]]));
  });

  test("the outer side may be the right input: inner columns come first", async () => {
    const rows = await drain(
      bindJoin(values(outerRows), spec({ outerSide: "right", joinType: "right" }, []), env),
    );
    assert.deepEqual(
      sorted(rows),
      sorted([
        ...expectedInner.map((r) => [r[2], r[3], r[0], r[1]]),
        [null, null, 3, null],
        [null, null, 4, 99],
      ]),
    );
  });

  test("a residual condition filters matched pairs", async () => {
    const rows = await drain(
      bindJoin(values(outerRows), spec({ residual: (row) => row[3] !== "TEN", batchSize: 10 }, []), env),
    );
    assert.deepEqual(sorted(rows), sorted(expectedInner.filter((r) => r[3] !== "TEN")));
  });

  test("past switchAt outer rows it switches to one inner scan and a hash join, with the same result", async () => {
    const requests: Value[][] = [];
    const stats: BindJoinStats = { mode: null, batches: 0, keys: 0 };
    const rows = await drain(
      bindJoin(values(outerRows, 2), spec({ switchAt: 2, joinType: "left" }, requests), env, stats),
    );
    assert.equal(stats.mode, "hash");
    assert.deepEqual(requests, [["<full scan>"]]);
    assert.deepEqual(sorted(rows), sorted([...expectedInner, [3, null, null, null], [4, 99, null, null]]));
  });

  test("an empty outer side sends nothing", async () => {
    const requests: Value[][] = [];
    const rows = await drain(bindJoin(values([]), spec({}, requests), env));
    assert.deepEqual(rows, []);
    assert.deepEqual(requests, []);
  });
});
