import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Oid } from "../../../../src/common/pg-types.ts";
import {
  distinct,
  distinctOn,
  setOperation,
  sort,
  topN,
  values,
} from "../../../../src/exec/operators/index.ts";
import type { SortKey } from "../../../../src/exec/operators/keys.ts";
import { A_OIDS, loadTables, makeA, makeB } from "./data.ts";
import { asText, col, collect, countingSource, env, Oracle, sorted } from "./helpers.ts";

const A = makeA(150, 31);
const B = makeB(90, 32);
let oracle: Oracle;
before(async () => {
  oracle = await Oracle.create();
  await loadTables(oracle, A, B);
});
after(async () => {
  await oracle.drop();
});

const key = (i: number, oid: number, descending = false, nullsFirst = descending): SortKey => ({
  eval: col(i),
  oid,
  descending,
  nullsFirst,
});

// total orders (id last), so PostgreSQL's order is fully determined
const ORDERS: { sql: string; keys: SortKey[] }[] = [
  {
    sql: "g DESC NULLS FIRST, n, s NULLS FIRST, id",
    keys: [
      key(2, Oid.text, true, true),
      key(3, Oid.numeric),
      key(4, Oid.text, false, true),
      key(0, Oid.int4),
    ],
  },
  {
    sql: "s, k DESC NULLS LAST, id DESC",
    keys: [key(4, Oid.text), key(1, Oid.int4, true, false), key(0, Oid.int4, true)],
  },
  { sql: "n DESC, g, id", keys: [key(3, Oid.numeric, true), key(2, Oid.text), key(0, Oid.int4)] },
];

describe("sort and top-N against PostgreSQL", () => {
  for (const o of ORDERS) {
    test(`ORDER BY ${o.sql}`, async () => {
      const e = env(64 << 20, 16);
      const rows = await collect(sort(values(A, 9), o.keys, e));
      assert.deepEqual(asText(rows, A_OIDS), await oracle.text(`SELECT * FROM a ORDER BY ${o.sql}`));
      assert.equal(e.budget.used, 0);
    });
    for (const [lim, off] of [
      [10, 0],
      [7, 5],
      [1, 0],
      [0, 3],
      [500, 0],
      [20, 140],
    ]) {
      test(`ORDER BY ${o.sql} LIMIT ${lim} OFFSET ${off}`, async () => {
        const e = env(64 << 20, 4);
        const rows = await collect(topN(values(A, 9), o.keys, lim, off, e));
        assert.deepEqual(
          asText(rows, A_OIDS),
          await oracle.text(`SELECT * FROM a ORDER BY ${o.sql} LIMIT ${lim} OFFSET ${off}`),
        );
        assert.equal(e.budget.used, 0);
      });
    }
  }

  test("sort is stable: ties keep their input order", async () => {
    const rows = await collect(sort(values(A, 5), [key(1, Oid.int4, true, false)], env()));
    for (let i = 1; i < rows.length; i++) {
      if (rows[i][1] === rows[i - 1][1]) assert.ok((rows[i][0] as number) > (rows[i - 1][0] as number));
    }
    const top = await collect(topN(values(A, 5), [key(1, Oid.int4)], 30, 10, env()));
    const full = await collect(sort(values(A, 5), [key(1, Oid.int4)], env()));
    assert.deepEqual(top, full.slice(10, 40));
  });

  test("top-N holds only limit + offset rows", async () => {
    const e = env(64 * 1024);
    const { source, stats } = countingSource(200_000, 1000);
    const rows = await collect(topN(source, [key(0, Oid.int4, true)], 5, 5, e));
    assert.deepEqual(
      rows.map((r) => r[0]),
      [199_994, 199_993, 199_992, 199_991, 199_990],
    );
    assert.equal(stats.rows, 200_000);
    assert.ok(e.budget.peak < 4096, `peak ${e.budget.peak}`);
  });
});

describe("distinct against PostgreSQL", () => {
  test("SELECT DISTINCT over text and int columns with NULLs", async () => {
    const pairs = A.map((r) => [r[2], r[1], r[4]]);
    const e = env(64 << 20, 8);
    const rows = await collect(distinct(values(pairs, 8), [Oid.text, Oid.int4, Oid.text], e));
    assert.deepEqual(
      sorted(asText(rows, [Oid.text, Oid.int4, Oid.text])),
      sorted(await oracle.text("SELECT DISTINCT g, k, s FROM a")),
    );
    assert.equal(e.budget.used, 0);
  });

  test("numeric values equal by value are one (1.0 = 1.00 = 1)", async () => {
    const rows = await collect(distinct(values(A.map((r) => [r[3]])), [Oid.numeric], env()));
    const [[count]] = await oracle.text("SELECT count(*) FROM (SELECT DISTINCT n FROM a) d");
    assert.equal(String(rows.length), count);
  });

  test("DISTINCT ON keeps the first row per key in sort order", async () => {
    for (const o of [
      {
        sql: "DISTINCT ON (g) * FROM a ORDER BY g, k DESC NULLS FIRST, id",
        on: [2],
        sort: [key(2, Oid.text), key(1, Oid.int4, true, true), key(0, Oid.int4)],
      },
      {
        sql: "DISTINCT ON (k, g) * FROM a ORDER BY k DESC, g, s, id DESC",
        on: [1, 2],
        sort: [key(1, Oid.int4, true), key(2, Oid.text), key(4, Oid.text), key(0, Oid.int4, true)],
      },
    ]) {
      const e = env(64 << 20, 3);
      const rows = await collect(
        distinctOn(
          values(A, 11),
          o.on.map((i) => ({ eval: col(i), oid: A_OIDS[i] })),
          o.sort,
          e,
        ),
      );
      assert.deepEqual(asText(rows, A_OIDS), await oracle.text(`SELECT ${o.sql}`), o.sql);
      assert.equal(e.budget.used, 0);
    }
  });
});

describe("set operations against PostgreSQL", () => {
  const left = A.map((r) => [r[1], r[2]]);
  const right = B.map((r) => [r[1] === null ? null : (r[1] as number) % 6, r[2]]);
  for (const op of ["union", "intersect", "except"] as const) {
    for (const all of [false, true]) {
      test(`${op}${all ? " all" : ""}`, async () => {
        const e = env(64 << 20, 5);
        const rows = await collect(
          setOperation(values(left, 7), values(right, 6), { op, all, oids: [Oid.int4, Oid.text] }, e),
        );
        const sql = `SELECT k, g FROM a ${op.toUpperCase()}${all ? " ALL" : ""} SELECT k % 6, s FROM b`;
        const expected = await oracle.text(sql);
        assert.deepEqual(sorted(asText(rows, [Oid.int4, Oid.text])), sorted(expected), sql);
        assert.ok(expected.length > 0, "the case is not vacuous");
        assert.equal(e.budget.used, 0);
      });
    }
  }
});
