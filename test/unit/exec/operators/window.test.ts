import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PgError } from "../../../../src/common/pg-error.ts";
import { Oid } from "../../../../src/common/pg-types.ts";
import type { Row } from "../../../../src/common/row.ts";
import { values, window } from "../../../../src/exec/operators/index.ts";
import type { SortKey } from "../../../../src/exec/operators/keys.ts";
import type { WindowFunctionCall } from "../../../../src/exec/operators/window.ts";
import type { Frame } from "../../../../src/exec/operators/window-frame.ts";
import { loadTables, makeA, makeB } from "./data.ts";
import {
  asText,
  col,
  collect,
  constant,
  countStar,
  env,
  Oracle,
  sorted,
  stringAgg,
  sumInt4,
} from "./helpers.ts";

const A = makeA(140, 41);
let oracle: Oracle;
before(async () => {
  oracle = await Oracle.create();
  await loadTables(oracle, A, makeB(3, 42));
});
after(async () => {
  await oracle.drop();
});

// a: id 0, k 1, g 2, n 3, s 4
interface Fn {
  sql: string;
  oid: number;
  call: WindowFunctionCall;
}
const frame = (
  mode: Frame["mode"],
  start: Frame["start"],
  end: Frame["end"],
  exclude?: Frame["exclude"],
): Frame => ({
  mode,
  start,
  end,
  exclude,
});
const UP = { kind: "unbounded_preceding" } as const;
const UF = { kind: "unbounded_following" } as const;
const CUR = { kind: "current_row" } as const;
const pre = (n: number) => ({ kind: "preceding", offset: n }) as const;
const fol = (n: number) => ({ kind: "following", offset: n }) as const;
const sumK = (f?: Frame, filter?: WindowFunctionCall["filter"]): WindowFunctionCall => ({
  kind: "aggregate",
  def: sumInt4,
  args: [col(1)],
  frame: f,
  filter,
});
const countAll = (f?: Frame, filter?: WindowFunctionCall["filter"]): WindowFunctionCall => ({
  kind: "aggregate",
  def: countStar,
  args: [],
  frame: f,
  filter,
});

/** `ordered`: the ORDER BY that gives PostgreSQL our output order, when it is total */
async function check(over: string, partition: number[], order: SortKey[], fns: Fn[], ordered: string | null) {
  const e = env(64 << 20, 6);
  const out = await collect(
    window(
      values(A, 8),
      {
        partitionBy: partition.map((i) => ({ eval: col(i), oid: i === 2 || i === 4 ? Oid.text : Oid.int4 })),
        orderBy: order,
        functions: fns.map((f) => f.call),
      },
      e,
    ),
  );
  assert.equal(e.budget.used, 0);
  // keep id and the function results
  const ours = asText(
    out.map((r: Row) => [r[0], ...r.slice(5)]),
    [Oid.int4, ...fns.map((f) => f.oid)],
  );
  const sql = `SELECT id, ${fns.map((f) => f.sql.replace("%W", over)).join(", ")} FROM a${ordered ? ` ORDER BY ${ordered}` : ""}`;
  const expected = await oracle.text(sql);
  if (ordered) assert.deepEqual(ours, expected, sql);
  else assert.deepEqual(sorted(ours), sorted(expected), sql);
}

describe("window functions against PostgreSQL", () => {
  const byK: SortKey[] = [{ eval: col(1), oid: Oid.int4, descending: false, nullsFirst: false }];
  const byKDesc: SortKey[] = [{ eval: col(1), oid: Oid.int4, descending: true, nullsFirst: true }];

  test("ranking and peer-based frames over ties and NULLs", async () => {
    await check(
      "PARTITION BY g ORDER BY k",
      [2],
      byK,
      [
        { sql: "rank() OVER (%W)", oid: Oid.int8, call: { kind: "rank", args: [] } },
        { sql: "dense_rank() OVER (%W)", oid: Oid.int8, call: { kind: "dense_rank", args: [] } },
        { sql: "percent_rank() OVER (%W)", oid: Oid.float8, call: { kind: "percent_rank", args: [] } },
        { sql: "cume_dist() OVER (%W)", oid: Oid.float8, call: { kind: "cume_dist", args: [] } },
        { sql: "count(*) OVER (%W)", oid: Oid.int8, call: countAll() },
        { sql: "sum(k) OVER (%W)", oid: Oid.int8, call: sumK() },
        {
          sql: "sum(k) OVER (%W RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
          oid: Oid.int8,
          call: sumK(frame("range", pre(2), fol(1))),
        },
        {
          sql: "count(*) OVER (%W RANGE BETWEEN 1 FOLLOWING AND 3 FOLLOWING)",
          oid: Oid.int8,
          call: countAll(frame("range", fol(1), fol(3))),
        },
        {
          sql: "count(*) OVER (%W GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW)",
          oid: Oid.int8,
          call: countAll(frame("groups", pre(1), fol(1), "current_row")),
        },
        {
          sql: "sum(k) OVER (%W GROUPS BETWEEN 2 PRECEDING AND CURRENT ROW EXCLUDE GROUP)",
          oid: Oid.int8,
          call: sumK(frame("groups", pre(2), CUR, "group")),
        },
        {
          sql: "sum(k) OVER (%W RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE TIES)",
          oid: Oid.int8,
          call: sumK(frame("range", CUR, UF, "ties")),
        },
        {
          sql: "count(*) FILTER (WHERE id % 3 = 0) OVER (%W)",
          oid: Oid.int8,
          call: countAll(undefined, (r) => (r[0] as number) % 3 === 0),
        },
      ],
      null,
    );
  });

  test("RANGE offsets over a descending key with NULLs first", async () => {
    await check(
      "PARTITION BY g ORDER BY k DESC NULLS FIRST",
      [2],
      byKDesc,
      [
        {
          sql: "sum(k) OVER (%W RANGE BETWEEN 1 PRECEDING AND 3 FOLLOWING)",
          oid: Oid.int8,
          call: sumK(frame("range", pre(1), fol(3))),
        },
        {
          sql: "count(*) OVER (%W RANGE BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING)",
          oid: Oid.int8,
          call: countAll(frame("range", UP, pre(2))),
        },
        { sql: "rank() OVER (%W)", oid: Oid.int8, call: { kind: "rank", args: [] } },
      ],
      null,
    );
  });

  test("row-based functions and ROWS frames over a total order", async () => {
    const total: SortKey[] = [...byK, { eval: col(0), oid: Oid.int4, descending: false, nullsFirst: false }];
    await check(
      "PARTITION BY g ORDER BY k, id",
      [2],
      total,
      [
        { sql: "row_number() OVER (%W)", oid: Oid.int8, call: { kind: "row_number", args: [] } },
        { sql: "lag(s) OVER (%W)", oid: Oid.text, call: { kind: "lag", args: [col(4)] } },
        {
          sql: "lag(s, 2, 'none') OVER (%W)",
          oid: Oid.text,
          call: { kind: "lag", args: [col(4), constant(2), constant("none")] },
        },
        {
          sql: "lead(k, id % 3, -1) OVER (%W)",
          oid: Oid.int4,
          call: { kind: "lead", args: [col(1), (r) => (r[0] as number) % 3, constant(-1)] },
        },
        {
          sql: "first_value(s) OVER (%W ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING)",
          oid: Oid.text,
          call: { kind: "first_value", args: [col(4)], frame: frame("rows", pre(1), fol(2)) },
        },
        { sql: "last_value(s) OVER (%W)", oid: Oid.text, call: { kind: "last_value", args: [col(4)] } },
        {
          sql: "nth_value(s, 3) OVER (%W ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
          oid: Oid.text,
          call: { kind: "nth_value", args: [col(4), constant(3)], frame: frame("rows", UP, UF) },
        },
        {
          sql: "nth_value(s, 2) OVER (%W ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW)",
          oid: Oid.text,
          call: {
            kind: "nth_value",
            args: [col(4), constant(2)],
            frame: frame("rows", pre(1), fol(1), "current_row"),
          },
        },
        { sql: "ntile(3) OVER (%W)", oid: Oid.int4, call: { kind: "ntile", args: [constant(3)] } },
        { sql: "ntile(50) OVER (%W)", oid: Oid.int4, call: { kind: "ntile", args: [constant(50)] } },
        {
          sql: "string_agg(s, ',') OVER (%W ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
          oid: Oid.text,
          call: {
            kind: "aggregate",
            def: stringAgg,
            args: [col(4), constant(",")],
            frame: frame("rows", pre(2), CUR),
          },
        },
        {
          sql: "string_agg(s, '.') OVER (%W ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW)",
          oid: Oid.text,
          call: {
            kind: "aggregate",
            def: stringAgg,
            args: [col(4), constant(".")],
            frame: frame("rows", CUR, UF, "current_row"),
          },
        },
        {
          sql: "string_agg(s, '+') OVER (%W ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING)",
          oid: Oid.text,
          call: {
            kind: "aggregate",
            def: stringAgg,
            args: [col(4), constant("+")],
            frame: frame("rows", UP, fol(1)),
          },
        },
        {
          sql: "sum(k) OVER (%W ROWS BETWEEN 3 FOLLOWING AND 5 FOLLOWING)",
          oid: Oid.int8,
          call: sumK(frame("rows", fol(3), fol(5))),
        },
      ],
      "g, k, id",
    );
  });

  test("no PARTITION BY and no ORDER BY: one partition of peers", async () => {
    await check(
      "",
      [],
      [],
      [
        { sql: "count(*) OVER (%W)", oid: Oid.int8, call: countAll() },
        { sql: "sum(k) OVER (%W)", oid: Oid.int8, call: sumK() },
        { sql: "rank() OVER (%W)", oid: Oid.int8, call: { kind: "rank", args: [] } },
        { sql: "cume_dist() OVER (%W)", oid: Oid.float8, call: { kind: "cume_dist", args: [] } },
      ],
      null,
    );
  });

  test("PARTITION BY two keys", async () => {
    await check(
      "PARTITION BY g, k ORDER BY s",
      [2, 1],
      [{ eval: col(4), oid: Oid.text, descending: false, nullsFirst: false }],
      [
        { sql: "dense_rank() OVER (%W)", oid: Oid.int8, call: { kind: "dense_rank", args: [] } },
        { sql: "count(*) OVER (%W)", oid: Oid.int8, call: countAll() },
      ],
      null,
    );
  });

  test("errors as PostgreSQL raises them", async () => {
    const run = (call: WindowFunctionCall) =>
      collect(window(values(A), { partitionBy: [], orderBy: [], functions: [call] }, env()));
    await assert.rejects(
      run({ kind: "ntile", args: [constant(0)] }),
      (e: unknown) => e instanceof PgError && e.code === "22014",
    );
    await assert.rejects(
      run({ kind: "nth_value", args: [col(4), constant(0)] }),
      (e: unknown) => e instanceof PgError && e.code === "22016",
    );
    await assert.rejects(
      run(sumK(frame("rows", pre(-1), CUR))),
      (e: unknown) => e instanceof PgError && e.code === "22013",
    );
    await assert.rejects(
      collect(window(values(A), { partitionBy: [], orderBy: [], functions: [sumK()] }, env(4096))),
      /out of memory: window needs more than the query's memory limit \(4 kB\)/,
    );
  });
});
