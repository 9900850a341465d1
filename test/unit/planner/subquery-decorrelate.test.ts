import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { SelectStmt } from "@pgsql/types";
import { PgError } from "../../../src/common/pg-error.ts";
import { Oid } from "../../../src/common/pg-types.ts";
import type { Row } from "../../../src/common/row.ts";
import { defaultEncodeContext } from "../../../src/common/values.ts";
import type { SourceTable } from "../../../src/connectors/spi.ts";
import { buildPlan } from "../../../src/exec/build-plan.ts";
import { createMemoryBudget } from "../../../src/exec/memory-budget.ts";
import { values } from "../../../src/exec/operators/values.ts";
import {
  commonType,
  resolveAggregate,
  resolveCast,
  resolveFunction,
  resolveOperator,
} from "../../../src/exec/scalar/index.ts";
import { type PlanInput, type PlannerCatalog, planSelect } from "../../../src/planner/plan-select.ts";
import type { QueryPlan, RemoteScanPlan } from "../../../src/planner/query-plan.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

// Correlated subqueries anywhere, decorrelated into LEFT JOINs (subquery-decorrelate.ts), over two
// services a.t(x int4, y text) and b.u(x int4, z int4) that accept bare scans only, so the grouping
// of the lookups, array_agg and the joins all run in Weft's own operators.
const data: Record<string, { columns: [string, number][]; rows: Row[] }> = {
  t: {
    columns: [
      ["x", Oid.int4],
      ["y", Oid.text],
    ],
    rows: [
      [1, "one"],
      [2, "two"],
      [null, "none"],
      [4, "four"],
    ],
  },
  u: {
    columns: [
      ["x", Oid.int4],
      ["z", Oid.int4],
    ],
    rows: [
      [1, 10],
      [1, 11],
      [4, null],
      [null, 5],
    ],
  },
};

function table(name: string): SourceTable {
  return {
    name,
    kind: "table",
    columns: data[name].columns.map(([c, oid], i) => ({
      name: c,
      ordinal: i + 1,
      type: { oid, typmod: -1 } as SourceTable["columns"][number]["type"],
      nativeType: "",
      nullable: true,
      defaultExpr: null,
      comment: null,
    })),
    primaryKey: null,
    uniqueKeys: [],
    foreignKeys: [],
    indexes: [],
    comment: null,
    rowEstimate: -1,
  };
}

const catalog: PlannerCatalog = {
  isService: (s) => s === "a" || s === "b",
  serviceForUnqualified: () => null,
  table: (service, name) =>
    (service === "a" && name === "t") || (service === "b" && name === "u") ? table(name) : undefined,
  capabilities: () => {
    throw new Error("not used");
  },
  compileFragment: (_service, fragment) => {
    const s = (fragment as any).SelectStmt;
    const grouped = s.groupClause || s.sortClause || s.limitCount;
    const computed = (s.targetList as any[]).some((r) => !r.ResTarget.val.ColumnRef);
    if (s.whereClause || s.fromClause[0].RangeSubselect || grouped || computed)
      throw new PgError("0A000", "the fake service runs bare scans only");
    return { text: "native", params: [], returnsRows: true };
  },
};

const scalars = {
  resolveOperator,
  resolveFunction,
  resolveAggregate,
  canCast: (from: number, to: number, typmod: number, context: "explicit" | "assignment" | "implicit") =>
    resolveCast(from, to, typmod, context) !== null,
  commonType,
};

function open(scan: RemoteScanPlan) {
  const s = (scan.fragment as any).SelectStmt;
  const t = data[s.fromClause[0].RangeVar.relname];
  const names = t.columns.map(([c]) => c);
  const cols = (s.targetList as any[]).map((r) =>
    names.indexOf(r.ResTarget.val.ColumnRef.fields[1].String.sval),
  );
  return Promise.resolve(values(t.rows.map((row) => cols.map((i) => row[i]))));
}

function plan(sql: string, params: unknown[] = [], paramTypes: number[] = []): QueryPlan {
  const stmt = (parseSql(sql)[0].ast as { SelectStmt: SelectStmt }).SelectStmt;
  const input: PlanInput = { catalog, scalars, params: params as never[], paramTypes };
  return planSelect(stmt, input);
}

async function rows(sql: string, params: unknown[] = [], paramTypes: number[] = []): Promise<Row[]> {
  const source = buildPlan(plan(sql, params, paramTypes), {
    ctx: { settings: defaultEncodeContext, transactionTimestamp: "", statementTimestamp: "" },
    budget: createMemoryBudget(64 * 1024 * 1024),
    params: params as never[],
    scans: { open },
  });
  const out: Row[] = [];
  for (let b = await source.next(); b; b = await source.next()) out.push(...b);
  await source.close();
  return out;
}

function kinds(p: QueryPlan, into: string[] = []): string[] {
  into.push(p.kind === "hash-join" || p.kind === "nested-loop" ? `${p.kind}:${p.joinType}` : p.kind);
  for (const v of Object.values(p)) {
    if (v && typeof v === "object" && "kind" in v && "columns" in v) kinds(v as QueryPlan, into);
  }
  return into;
}

before(initParser);

const refused = (message: RegExp) => (e: unknown) =>
  e instanceof PgError && e.code === "0A000" && message.test(e.message);

describe("correlated subqueries outside the top-level WHERE conjuncts", () => {
  test("EXISTS in the select list and under OR: a LEFT JOIN, no nested loop", async () => {
    const sql =
      "select t.y, exists (select 1 from b.u where u.x = t.x) from a.t where t.y = 'two' or exists (select 1 from b.u where u.x = t.x and u.z > 10) order by 1";
    assert.deepEqual(await rows(sql), [
      ["one", true],
      ["two", false],
    ]);
    const k = kinds(plan(sql));
    assert.ok(k.includes("hash-join:left"), k.join());
    assert.ok(!k.some((x) => x.startsWith("nested-loop")), k.join());
  });

  test("IN / NOT IN: a match, a group holding NULL, an empty group", async () => {
    // groups by t.x: 1 → {10, 11}, 4 → {NULL}; 2 and NULL have none
    assert.deepEqual(
      await rows(
        "select t.y, 10 in (select u.z from b.u where u.x = t.x), 12 in (select u.z from b.u where u.x = t.x), 12 not in (select u.z from b.u where u.x = t.x), t.x in (select u.x from b.u where u.z = t.x * 10) from a.t order by 1",
      ),
      [
        ["four", null, null, null, false],
        ["none", false, false, true, false],
        ["one", true, false, true, true],
        ["two", false, false, true, false],
      ],
    );
  });

  test("a scalar subquery without an aggregate: 21000 only for a row that reads several", async () => {
    assert.deepEqual(
      await rows("select t.y, (select u.z from b.u where u.x = t.x) from a.t where t.x <> 1 order by 1"),
      [
        ["four", null],
        ["two", null],
      ],
    );
    await assert.rejects(
      rows("select t.y, (select u.z from b.u where u.x = t.x) from a.t"),
      (e: unknown) => e instanceof PgError && e.code === "21000",
    );
    assert.deepEqual(
      await rows(
        "select t.y, (select u.z from b.u where u.x = t.x order by u.z desc limit 1) from a.t order by 1",
      ),
      [
        ["four", null],
        ["none", null],
        ["one", 11],
        ["two", null],
      ],
    );
  });

  test("SELECT * lists the FROM columns only", async () => {
    const sql =
      "select * from a.t where t.y = 'one' or exists (select 1 from b.u where u.x = t.x and u.z is null) order by 1";
    assert.deepEqual(
      plan(sql).columns.map((c) => c.name),
      ["x", "y"],
    );
    assert.deepEqual(await rows(sql), [
      [1, "one"],
      [4, "four"],
    ]);
  });

  test("unqualified columns named like short helper names stay unambiguous", async () => {
    assert.deepEqual(
      await rows(
        "select m, v, a from (select t.x as m, t.y as v, t.x as a from a.t) s where v = 'two' or exists (select 1 from b.u where u.x = m) or m in (select u.x from b.u where u.z = m * 10) order by 1",
      ),
      [
        [1, "one", 1],
        [2, "two", 2],
        [4, "four", 4],
      ],
    );
  });

  test("grouped: select list and HAVING read the lookups after grouping", async () => {
    assert.deepEqual(
      await rows(
        "select t.x, count(*), (select count(*) from b.u where u.x = t.x), exists (select 1 from b.u where u.x = t.x and u.z > 10) from a.t group by t.x order by 1",
      ),
      [
        [1, 1n, 2n, true],
        [2, 1n, 0n, false],
        [4, 1n, 1n, false],
        [null, 1n, 0n, false],
      ],
    );
    assert.deepEqual(
      await rows(
        "select t.x from a.t group by t.x having exists (select 1 from b.u where u.x = t.x) order by 1",
      ),
      [[1], [4]],
    );
  });

  test("a lookup joins the FROM item its keys read, inside an explicit join", async () => {
    assert.deepEqual(
      await rows(
        "select t.y, v.z from a.t join b.u v on v.x = t.x where exists (select 1 from b.u where u.z = v.z + 1) or t.y = 'four' order by 1, 2",
      ),
      [
        ["four", null],
        ["one", 10],
      ],
    );
  });

  test("a condition over the outer row alone is a guard", async () => {
    assert.deepEqual(
      await rows(
        "select t.y, exists (select 1 from b.u where u.x = t.x and t.y <> 'one'), exists (select 1 from b.u where t.x > 1) from a.t order by 1",
      ),
      [
        ["four", true, true],
        ["none", false, false],
        ["one", false, false],
        ["two", false, true],
      ],
    );
  });

  test("what cannot be decorrelated runs as an apply, with PostgreSQL's results", async () => {
    const nonEquality =
      "select t.y from a.t where t.y = 'x' or exists (select 1 from b.u where u.z > t.x) order by 1";
    assert.deepEqual(await rows(nonEquality), [["four"], ["one"], ["two"]]);
    assert.ok(kinds(plan(nonEquality)).includes("apply"));
    const selectList = "select t.y, (select u.z + t.x from b.u where u.x = t.x) from a.t";
    assert.deepEqual(await rows(`${selectList} where t.x <> 1 order by 1`), [
      ["four", null],
      ["two", null],
    ]);
    await assert.rejects(rows(selectList), (e: unknown) => e instanceof PgError && e.code === "21000");
    assert.deepEqual(
      await rows(
        "select t.y, (select u.z from b.u where u.x = t.x order by u.z offset 1) from a.t order by 1",
      ),
      [
        ["four", null],
        ["none", null],
        ["one", 11],
        ["two", null],
      ],
    );
    // in an inner join's ON it is a WHERE condition (here an equality: a semi join)
    assert.deepEqual(
      await rows(
        "select t.y, u.z from a.t join b.u on u.x = t.x and exists (select 1 from b.u w where w.z = t.x + 9) order by 1, 2",
      ),
      [
        ["one", 10],
        ["one", 11],
      ],
    );
    assert.throws(
      () =>
        plan(
          "select t.y from a.t left join b.u on u.x = t.x and exists (select 1 from b.u w where w.z > t.x)",
        ),
      refused(/correlated subquery that cannot be decorrelated in the ON condition of an outer join/),
    );
  });
});
