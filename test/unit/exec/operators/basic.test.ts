import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PgError } from "../../../../src/common/pg-error.ts";
import { Oid } from "../../../../src/common/pg-types.ts";
import { createMemoryBudget, estimateRowBytes } from "../../../../src/exec/memory-budget.ts";
import {
  filter,
  hashAggregate,
  hashJoin,
  limit,
  project,
  sort,
  values,
} from "../../../../src/exec/operators/index.ts";
import { A_OIDS, loadTables, makeA, makeB } from "./data.ts";
import {
  asText,
  cmpEval,
  col,
  collect,
  constant,
  countingSource,
  countStar,
  env,
  Oracle,
  sorted,
} from "./helpers.ts";

const A = makeA(80, 1);
const B = makeB(50, 2);
let oracle: Oracle;
before(async () => {
  oracle = await Oracle.create();
  await loadTables(oracle, A, B);
});
after(async () => {
  await oracle.drop();
});

describe("values, filter, project, limit against PostgreSQL", () => {
  test("filter passes only rows whose predicate is exactly true", async () => {
    const e = env(1 << 20, 7);
    const rows = await collect(filter(values(A, 7), cmpEval(col(1), ">", constant(3), Oid.int4), e));
    assert.deepEqual(sorted(asText(rows, A_OIDS)), sorted(await oracle.text("SELECT * FROM a WHERE k > 3")));
    assert.ok(rows.length > 0 && rows.length < A.length);
  });

  test("project computes one column per evaluator", async () => {
    const e = env();
    const rows = await collect(
      project(values(A), [col(4), col(0), (r) => (r[1] === null ? null : (r[1] as number) * 2)], e),
    );
    assert.deepEqual(
      asText(rows, [Oid.text, Oid.int4, Oid.int4]),
      await oracle.text("SELECT s, id, k * 2 FROM a ORDER BY id"),
    );
  });

  test("limit and offset over an ordered input", async () => {
    for (const [count, offset] of [
      [5, 0],
      [5, 3],
      [0, 0],
      [100, 78],
      [null, 70],
      [3, 200],
    ] as const) {
      const rows = await collect(limit(values(A, 4), count, offset));
      const sql = `SELECT * FROM a ORDER BY id ${count === null ? "" : `LIMIT ${count}`} OFFSET ${offset}`;
      assert.deepEqual(asText(rows, A_OIDS), await oracle.text(sql), sql);
    }
  });
});

describe("streaming contract", () => {
  test("filter never returns an empty batch even when whole batches are dropped", async () => {
    const { source } = countingSource(10_000, 100);
    const rows = await collect(filter(source, (r) => (r[0] as number) % 2500 === 0, env()));
    assert.deepEqual(
      rows.map((r) => r[0]),
      [0, 2500, 5000, 7500],
    );
  });

  test("limit closes its input as soon as it has enough", async () => {
    const { source, stats } = countingSource(1_000_000, 1000);
    const rows = await collect(limit(project(source, [col(0)], env()), 1500, 200));
    assert.equal(rows.length, 1500);
    assert.equal(rows[0][0], 200);
    assert.equal(stats.batches, 2, "only the batches needed were pulled");
    assert.ok(stats.closed >= 1, "upstream closed");
  });

  test("close propagates to inputs before anything is read", async () => {
    const left = countingSource(100);
    const right = countingSource(100);
    const join = hashJoin(
      left.source,
      right.source,
      {
        type: "inner",
        build: "right",
        leftKeys: [{ eval: col(0), oid: Oid.int4 }],
        rightKeys: [{ eval: col(0), oid: Oid.int4 }],
        leftWidth: 3,
        rightWidth: 3,
      },
      env(),
    );
    await join.close();
    await join.close();
    assert.equal(left.stats.closed > 0 && right.stats.closed > 0, true);
    assert.equal(left.stats.batches + right.stats.batches, 0);
    assert.equal(await join.next(), null);
  });

  test("early close of a sort releases its memory and closes upstream", async () => {
    const e = env(64 * 1024 * 1024, 10);
    const { source, stats } = countingSource(5000, 500);
    const s = sort(source, [{ eval: col(0), oid: Oid.int4, descending: true, nullsFirst: true }], e);
    const first = await s.next();
    assert.equal(first?.[0][0], 4999);
    assert.ok(e.budget.used > 0);
    await s.close();
    assert.equal(e.budget.used, 0);
    assert.ok(stats.closed >= 1);
  });

  test("a million rows stream through filter, project and hash aggregate in bounded memory", async () => {
    const e = env(256 * 1024, 1000);
    const { source, stats } = countingSource(1_000_000, 1000, 7);
    const agg = hashAggregate(
      project(
        filter(source, (r) => (r[0] as number) % 3 !== 0, e),
        [col(1), col(0)],
        e,
      ),
      {
        groupKeys: [{ eval: col(0), oid: Oid.int4 }],
        aggregates: [{ def: countStar, args: [], distinct: false, argOids: [] }],
      },
      e,
    );
    const rows = await collect(agg);
    assert.equal(stats.rows, 1_000_000);
    assert.equal(rows.length, 7);
    const total = rows.reduce((s, r) => s + (r[1] as bigint), 0n);
    assert.equal(total, 666_666n);
    for (const [g, c] of rows) {
      let expected = 0n;
      for (let i = g as number; i < 1_000_000; i += 7) if (i % 3 !== 0) expected++;
      assert.equal(c, expected);
    }
    assert.ok(e.budget.peak < 16 * 1024, `peak ${e.budget.peak}`);
    assert.equal(e.budget.used, 0);
  });

  test("a million probe rows stream through a hash join with a small build side", async () => {
    const e = env(512 * 1024, 1000);
    const probe = countingSource(1_000_000, 1000, 1000);
    const build = values(Array.from({ length: 100 }, (_, i) => [i * 10, `b${i}`]));
    const join = hashJoin(
      probe.source,
      build,
      {
        type: "inner",
        build: "right",
        leftKeys: [{ eval: col(1), oid: Oid.int4 }],
        rightKeys: [{ eval: col(0), oid: Oid.int4 }],
        leftWidth: 3,
        rightWidth: 2,
      },
      e,
    );
    let count = 0;
    for (;;) {
      const batch = await join.next();
      if (batch === null) break;
      assert.ok(batch.length > 0);
      for (const r of batch) {
        assert.equal(r[1], r[3]);
        count++;
      }
    }
    assert.equal(count, 100_000);
    assert.ok(e.budget.peak < 64 * 1024, `peak ${e.budget.peak}`);
    assert.equal(e.budget.used, 0);
  });
});

describe("memory limit", () => {
  test("the budget names the operator and releases exactly", () => {
    const b = createMemoryBudget(1000);
    b.reserve(600, "sort");
    assert.throws(
      () => b.reserve(600, "sort"),
      (err: unknown) =>
        err instanceof PgError &&
        err.code === "53200" &&
        err.message === "out of memory: sort needs more than the query's memory limit (1000 bytes)",
    );
    b.release(600);
    assert.equal(b.used, 0);
    assert.equal(b.peak, 600);
    assert.ok(estimateRowBytes([1, "abc", null, 5n]) > estimateRowBytes([1]));
  });

  const big = () => countingSource(100_000, 1000).source;
  const cases: [
    string,
    string,
    (e: ReturnType<typeof env>) => import("../../../../src/exec/row-source.ts").RowSource,
  ][] = [
    [
      "sort",
      "sort",
      (e) => sort(big(), [{ eval: col(0), oid: Oid.int4, descending: false, nullsFirst: false }], e),
    ],
    [
      "hash join",
      "hash join",
      (e) =>
        hashJoin(
          big(),
          big(),
          {
            type: "inner",
            build: "right",
            leftKeys: [{ eval: col(0), oid: Oid.int4 }],
            rightKeys: [{ eval: col(0), oid: Oid.int4 }],
            leftWidth: 3,
            rightWidth: 3,
          },
          e,
        ),
    ],
    [
      "hash aggregate",
      "hash aggregate",
      (e) =>
        hashAggregate(
          big(),
          {
            groupKeys: [{ eval: col(0), oid: Oid.int4 }],
            aggregates: [{ def: countStar, args: [], distinct: false, argOids: [] }],
          },
          e,
        ),
    ],
  ];
  for (const [label, operator, make] of cases) {
    test(`${label} past the limit fails with 53200 and releases what it held`, async () => {
      const e = env(1024 * 1024);
      const source = make(e);
      await assert.rejects(
        collect(source),
        (err: unknown) =>
          err instanceof PgError &&
          err.code === "53200" &&
          err.message === `out of memory: ${operator} needs more than the query's memory limit (1 MB)`,
      );
      await source.close();
      assert.equal(e.budget.used, 0);
    });
  }
});
