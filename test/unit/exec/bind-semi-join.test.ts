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

// the query's rows: (id, key), a duplicate key, a NULL key and a key the subquery lacks
const queryRows: Row[] = [
  [1, 10],
  [2, 20],
  [3, null],
  [4, 99],
  [5, 10],
];
// the subquery's rows: (key, n), a duplicate key, a NULL key and a key the query lacks
const subRows: Row[] = [
  [10, 1],
  [10, 2],
  [20, 3],
  [null, 4],
  [30, 5],
];

async function drain(source: RowSource): Promise<Row[]> {
  const out: Row[] = [];
  for (let b = await source.next(); b; b = await source.next()) {
    assert.ok(b.length > 0, "batches are never empty");
    out.push(...b);
  }
  return out;
}

const sorted = (rows: Row[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The inner side as a remote service would answer: `key = ANY(keys)`, probes, whole scans; every query logged. */
function innerOf(rows: Row[], keyIndex: number, requests: string[]) {
  return {
    openInnerForKeys: async (keys: Value[]) => {
      requests.push(`keys ${keys.join(",")}`);
      return values(rows.filter((r) => keys.some((k) => k === r[keyIndex])));
    },
    openInnerFull: async () => {
      requests.push("full scan");
      return values(rows);
    },
    openInnerNullKey: async () => {
      requests.push("null probe");
      return values(rows.filter((r) => r[keyIndex] === null).slice(0, 1));
    },
    openInnerAny: async () => {
      requests.push("empty probe");
      return values(rows.slice(0, 1));
    },
  };
}

/** The query (left) sends its keys to the subquery (right). */
function fromQuery(overrides: Partial<BindJoinSpec>, sub: Row[], requests: string[]): BindJoinSpec {
  return {
    joinType: "semi",
    outerSide: "left",
    outerKey: (row) => row[1],
    keyType: Oid.int4,
    innerKeyIndex: 0,
    outerWidth: 2,
    innerWidth: 2,
    batchSize: 2,
    concurrency: 2,
    switchAt: 100,
    ...innerOf(sub, 0, requests),
    ...overrides,
  };
}

/** The subquery (right, outer) sends its keys to the query's rows (left, inner). */
function fromSubquery(overrides: Partial<BindJoinSpec>, query: Row[], requests: string[]): BindJoinSpec {
  return {
    joinType: "semi",
    outerSide: "right",
    outerKey: (row) => row[0],
    keyType: Oid.int4,
    innerKeyIndex: 1,
    outerWidth: 2,
    innerWidth: 2,
    batchSize: 2,
    concurrency: 2,
    switchAt: 100,
    ...innerOf(query, 1, requests),
    ...overrides,
  };
}

describe("bind semi and anti joins: the query's keys to the subquery", () => {
  test("EXISTS keeps each query row with a match once, sends distinct non-NULL keys in batches", async () => {
    const requests: string[] = [];
    const stats: BindJoinStats = { mode: null, batches: 0, keys: 0 };
    const rows = await drain(bindJoin(values(queryRows), fromQuery({}, subRows, requests), env, stats));
    assert.deepEqual(sorted(rows), sorted([queryRows[0], queryRows[1], queryRows[4]]));
    assert.equal(stats.mode, "bind");
    assert.equal(stats.keys, 3);
    assert.equal(stats.batches, 2);
    assert.deepEqual(requests.sort(), ["keys 10,20", "keys 99"]);
  });

  test("NOT EXISTS keeps rows without a match, a NULL key included", async () => {
    const rows = await drain(bindJoin(values(queryRows), fromQuery({ joinType: "anti" }, subRows, []), env));
    assert.deepEqual(sorted(rows), sorted([queryRows[2], queryRows[3]]));
  });

  test("a residual over the joined row decides which matches count", async () => {
    // a match counts only when the subquery's n is above the query's id
    const residual = (row: Row) => (row[3] as number) > (row[0] as number);
    const semi = await drain(bindJoin(values(queryRows), fromQuery({ residual }, subRows, []), env));
    // id 1: n 1,2 → 2 > 1; id 2: n 3 > 2; id 5: n 1,2 ≤ 5
    assert.deepEqual(sorted(semi), sorted([queryRows[0], queryRows[1]]));
    const anti = await drain(
      bindJoin(values(queryRows), fromQuery({ joinType: "anti", residual }, subRows, []), env),
    );
    assert.deepEqual(sorted(anti), sorted([queryRows[2], queryRows[3], queryRows[4]]));
  });

  test("past switchAt query rows it scans the subquery once and hash joins, with the same result", async () => {
    for (const joinType of ["semi", "anti"] as const) {
      const requests: string[] = [];
      const stats: BindJoinStats = { mode: null, batches: 0, keys: 0 };
      const rows = await drain(
        bindJoin(values(queryRows, 2), fromQuery({ joinType, switchAt: 2 }, subRows, requests), env, stats),
      );
      assert.equal(stats.mode, "hash");
      assert.deepEqual(requests, ["full scan"]);
      const expected =
        joinType === "semi" ? [queryRows[0], queryRows[1], queryRows[4]] : [queryRows[2], queryRows[3]];
      assert.deepEqual(sorted(rows), sorted(expected));
    }
  });

  test("an empty query sends nothing", async () => {
    const requests: string[] = [];
    const notIn = { joinType: "anti" as const, nullAware: true };
    assert.deepEqual(await drain(bindJoin(values([]), fromQuery({}, subRows, requests), env)), []);
    assert.deepEqual(await drain(bindJoin(values([]), fromQuery(notIn, subRows, requests), env)), []);
    assert.deepEqual(requests, []);
  });
});

describe("bind NOT IN (null-aware anti join)", () => {
  const notIn = { joinType: "anti" as const, nullAware: true };

  test("a NULL in the subquery removes every row: only the probe is sent", async () => {
    const requests: string[] = [];
    const rows = await drain(bindJoin(values(queryRows), fromQuery(notIn, subRows, requests), env));
    assert.deepEqual(rows, []);
    assert.deepEqual(requests, ["null probe"]);
  });

  test("no NULL in the subquery: unmatched non-NULL keys stay, a NULL key goes (the subquery is not empty)", async () => {
    const requests: string[] = [];
    const sub = subRows.filter((r) => r[0] !== null);
    const rows = await drain(bindJoin(values(queryRows), fromQuery(notIn, sub, requests), env));
    assert.deepEqual(rows, [queryRows[3]]);
    // the key batches found rows, so the subquery is known not to be empty
    assert.ok(!requests.includes("empty probe"));
    assert.equal(requests[0], "null probe");
  });

  test("no key matched: the empty probe decides the NULL key", async () => {
    const requests: string[] = [];
    const rows = await drain(bindJoin(values(queryRows), fromQuery(notIn, [[30, 5]], requests), env));
    assert.deepEqual(rows, [queryRows[0], queryRows[1], queryRows[3], queryRows[4]]);
    assert.deepEqual(requests.filter((r) => r.endsWith("probe")).sort(), ["empty probe", "null probe"]);
  });

  test("an empty subquery keeps every row, the NULL key too", async () => {
    const rows = await drain(bindJoin(values(queryRows), fromQuery(notIn, [], []), env));
    assert.deepEqual(rows, queryRows);
  });

  test("a key column that cannot be NULL is not probed for NULLs", async () => {
    const requests: string[] = [];
    const sub = subRows.filter((r) => r[0] !== null);
    const rows = await drain(
      bindJoin(
        values(queryRows.filter((r) => r[1] !== null)),
        fromQuery({ ...notIn, openInnerNullKey: undefined }, sub, requests),
        env,
      ),
    );
    assert.deepEqual(rows, [queryRows[3]]);
    assert.ok(
      requests.every((r) => r.startsWith("keys")),
      requests.join("; "),
    );
  });

  test("past switchAt it becomes a null-aware hash join with the same result", async () => {
    const requests: string[] = [];
    const sub = subRows.filter((r) => r[0] !== null);
    const rows = await drain(
      bindJoin(values(queryRows, 2), fromQuery({ ...notIn, switchAt: 2 }, sub, requests), env),
    );
    assert.deepEqual(rows, [queryRows[3]]);
    assert.deepEqual(requests, ["full scan"]);
  });
});

describe("bind semi join: the subquery's keys to the query", () => {
  test("IN returns each matching query row once, whatever the subquery's duplicates and NULLs", async () => {
    const requests: string[] = [];
    const stats: BindJoinStats = { mode: null, batches: 0, keys: 0 };
    const rows = await drain(
      bindJoin(values(subRows), fromSubquery({ batchSize: 10 }, queryRows, requests), env, stats),
    );
    assert.deepEqual(sorted(rows), sorted([queryRows[0], queryRows[1], queryRows[4]]));
    assert.equal(stats.mode, "bind");
    assert.deepEqual(requests, ["keys 10,20,30"]);
  });

  test("a residual over (query row, subquery row) keeps a query row when one subquery row passes", async () => {
    const residual = (row: Row) => (row[3] as number) > (row[0] as number);
    const rows = await drain(bindJoin(values(subRows), fromSubquery({ residual }, queryRows, []), env));
    assert.deepEqual(sorted(rows), sorted([queryRows[0], queryRows[1]]));
  });

  test("past switchAt subquery rows it scans the query's table once and hash joins", async () => {
    const requests: string[] = [];
    const stats: BindJoinStats = { mode: null, batches: 0, keys: 0 };
    const rows = await drain(
      bindJoin(values(subRows, 2), fromSubquery({ switchAt: 2 }, queryRows, requests), env, stats),
    );
    assert.equal(stats.mode, "hash");
    assert.deepEqual(requests, ["full scan"]);
    assert.deepEqual(sorted(rows), sorted([queryRows[0], queryRows[1], queryRows[4]]));
  });

  test("an anti join cannot send the subquery's keys", async () => {
    await assert.rejects(
      drain(bindJoin(values(subRows), fromSubquery({ joinType: "anti" }, queryRows, []), env)),
      (err: { code?: string }) => err.code === "XX000",
    );
  });
});
