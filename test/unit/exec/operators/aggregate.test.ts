import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Oid } from "../../../../src/common/pg-types.ts";
import type { AggregateCall } from "../../../../src/exec/operators/hash-aggregate.ts";
import { hashAggregate, values } from "../../../../src/exec/operators/index.ts";
import { loadTables, makeA, makeB } from "./data.ts";
import {
  arrayAggInt4,
  asText,
  col,
  collect,
  constant,
  countAny,
  countNumeric,
  countStar,
  env,
  minText,
  Oracle,
  sorted,
  stringAgg,
  sumInt4,
} from "./helpers.ts";

const A = makeA(120, 21);
let oracle: Oracle;
before(async () => {
  oracle = await Oracle.create();
  await loadTables(oracle, A, makeB(5, 22));
});
after(async () => {
  await oracle.drop();
});

// a: id 0, k 1, g 2, n 3, s 4
const CALLS: { sql: string; oid: number; call: AggregateCall }[] = [
  { sql: "count(*)", oid: Oid.int8, call: { def: countStar, args: [], distinct: false, argOids: [] } },
  {
    sql: "count(k)",
    oid: Oid.int8,
    call: { def: countAny, args: [col(1)], distinct: false, argOids: [Oid.int4] },
  },
  {
    sql: "sum(k)",
    oid: Oid.int8,
    call: { def: sumInt4, args: [col(1)], distinct: false, argOids: [Oid.int4] },
  },
  {
    sql: "min(s)",
    oid: Oid.text,
    call: { def: minText, args: [col(4)], distinct: false, argOids: [Oid.text] },
  },
  {
    sql: "string_agg(s, ',' ORDER BY s DESC, id)",
    oid: Oid.text,
    call: {
      def: stringAgg,
      args: [col(4), constant(",")],
      distinct: false,
      argOids: [Oid.text, Oid.text],
      orderBy: [
        { eval: col(4), oid: Oid.text, descending: true, nullsFirst: true },
        { eval: col(0), oid: Oid.int4, descending: false, nullsFirst: false },
      ],
    },
  },
  {
    sql: "array_agg(DISTINCT k)",
    oid: Oid._int4,
    call: { def: arrayAggInt4, args: [col(1)], distinct: true, argOids: [Oid.int4] },
  },
  {
    sql: "string_agg(DISTINCT s, '|')",
    oid: Oid.text,
    call: { def: stringAgg, args: [col(4), constant("|")], distinct: true, argOids: [Oid.text, Oid.text] },
  },
  {
    sql: "count(DISTINCT n)",
    oid: Oid.int8,
    call: { def: countNumeric, args: [col(3)], distinct: true, argOids: [Oid.numeric] },
  },
  {
    sql: "sum(k) FILTER (WHERE id % 2 = 0)",
    oid: Oid.int8,
    call: {
      def: sumInt4,
      args: [col(1)],
      distinct: false,
      argOids: [Oid.int4],
      filter: (r) => (r[0] as number) % 2 === 0,
    },
  },
  {
    sql: "array_agg(k ORDER BY k DESC NULLS FIRST, id)",
    oid: Oid._int4,
    call: {
      def: arrayAggInt4,
      args: [col(1)],
      distinct: false,
      argOids: [Oid.int4],
      orderBy: [
        { eval: col(1), oid: Oid.int4, descending: true, nullsFirst: true },
        { eval: col(0), oid: Oid.int4, descending: false, nullsFirst: false },
      ],
    },
  },
  {
    sql: "array_agg(DISTINCT k ORDER BY k DESC)",
    oid: Oid._int4,
    call: {
      def: arrayAggInt4,
      args: [col(1)],
      distinct: true,
      argOids: [Oid.int4],
      orderBy: [{ eval: col(1), oid: Oid.int4, descending: true, nullsFirst: true }],
    },
  },
];

describe("hash aggregate against PostgreSQL", () => {
  test("GROUP BY a nullable non-ASCII text key, every kind of aggregate call", async () => {
    const e = env(64 << 20, 3);
    const rows = await collect(
      hashAggregate(
        values(A, 7),
        { groupKeys: [{ eval: col(2), oid: Oid.text }], aggregates: CALLS.map((c) => c.call) },
        e,
      ),
    );
    const expected = await oracle.text(`SELECT g, ${CALLS.map((c) => c.sql).join(", ")} FROM a GROUP BY g`);
    assert.deepEqual(sorted(asText(rows, [Oid.text, ...CALLS.map((c) => c.oid)])), sorted(expected));
    assert.equal(e.budget.used, 0);
  });

  test("GROUP BY two keys with NULLs, and by numeric (1.0 and 1.00 are one group)", async () => {
    const rows = await collect(
      hashAggregate(
        values(A),
        {
          groupKeys: [
            { eval: col(2), oid: Oid.text },
            { eval: col(1), oid: Oid.int4 },
          ],
          aggregates: [CALLS[0].call, CALLS[4].call],
        },
        env(),
      ),
    );
    assert.deepEqual(
      sorted(asText(rows, [Oid.text, Oid.int4, Oid.int8, Oid.text])),
      sorted(await oracle.text(`SELECT g, k, count(*), ${CALLS[4].sql} FROM a GROUP BY g, k`)),
    );
    const byNumeric = await collect(
      hashAggregate(
        values(A),
        { groupKeys: [{ eval: col(3), oid: Oid.numeric }], aggregates: [CALLS[0].call] },
        env(),
      ),
    );
    // which of 1.0 / 1.00 / 1 represents the group is unspecified: compare the counts per value
    const ours = byNumeric.map((r) => [Number(r[0] ?? Number.NaN), String(r[1])]).sort();
    const theirs = (await oracle.text("SELECT n, count(*) FROM a GROUP BY n"))
      .map((r) => [Number(r[0] ?? Number.NaN), String(r[1])])
      .sort();
    assert.deepEqual(ours, theirs);
  });

  test("no GROUP BY: exactly one row, also for empty input", async () => {
    for (const where of ["true", "false"]) {
      const input = where === "true" ? A : [];
      const rows = await collect(
        hashAggregate(values(input), { groupKeys: [], aggregates: CALLS.map((c) => c.call) }, env()),
      );
      assert.equal(rows.length, 1);
      const expected = await oracle.text(
        `SELECT ${CALLS.map((c) => c.sql).join(", ")} FROM a WHERE ${where}`,
      );
      assert.deepEqual(
        asText(
          rows,
          CALLS.map((c) => c.oid),
        ),
        expected,
        where,
      );
    }
  });

  test("GROUP BY over empty input: no rows", async () => {
    const rows = await collect(
      hashAggregate(
        values([]),
        { groupKeys: [{ eval: col(2), oid: Oid.text }], aggregates: [CALLS[0].call] },
        env(),
      ),
    );
    assert.deepEqual(rows, []);
  });

  test("growing aggregate states count against the budget", async () => {
    const big = Array.from({ length: 20_000 }, (_, i) => [i, 1, "g", null, `value number ${i}`]);
    await assert.rejects(
      collect(hashAggregate(values(big), { groupKeys: [], aggregates: [CALLS[4].call] }, env(256 * 1024))),
      /out of memory: hash aggregate needs more than the query's memory limit \(256 kB\)/,
    );
    const e = env(256 * 1024);
    await assert.rejects(
      collect(
        hashAggregate(
          values(big),
          {
            groupKeys: [],
            aggregates: [
              {
                def: stringAgg,
                args: [col(4), constant(",")],
                distinct: false,
                argOids: [Oid.text, Oid.text],
              },
            ],
          },
          e,
        ),
      ),
      /53200|out of memory: hash aggregate/,
    );
    assert.equal(e.budget.used, 0);
  });
});
