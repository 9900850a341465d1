import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { Node, SelectStmt } from "@pgsql/types";
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
import { inlineCtes } from "../../../src/planner/subquery-cte.ts";
import { freeRefs } from "../../../src/planner/subquery-scope.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

// Two services: a.t(x int4, y text) and b.u(x int4, z int4). The fake services accept bare scans
// only, so every filter, join and subquery runs in Weft's own operators.
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

describe("IN / NOT IN / EXISTS become semi and anti joins", () => {
  test("IN matches equal non-NULL values only", async () => {
    assert.deepEqual(await rows("select t.y from a.t where t.x in (select u.x from b.u) order by 1"), [
      ["four"],
      ["one"],
    ]);
    assert.ok(
      kinds(plan("select t.y from a.t where t.x in (select u.x from b.u)")).includes("hash-join:semi"),
    );
  });

  test("NOT IN: a NULL in the subquery keeps nothing; a NULL outer value is never kept; empty keeps all", async () => {
    assert.deepEqual(await rows("select t.y from a.t where t.x not in (select u.x from b.u)"), []);
    assert.deepEqual(
      await rows(
        "select t.y from a.t where t.x not in (select u.x from b.u where u.x is not null) order by 1",
      ),
      [["two"]],
    );
    assert.deepEqual(
      await rows("select t.y from a.t where t.x not in (select u.x from b.u where u.z > 100) order by 1"),
      [["four"], ["none"], ["one"], ["two"]],
    );
    // a comparison that is not a plain equality goes through the nested loop's IS NOT FALSE
    assert.deepEqual(
      await rows(
        "select t.y from a.t where t.x::int8 not in (select u.z from b.u where u.z is not null) order by 1",
      ),
      [["four"], ["one"], ["two"]],
    );
  });

  test("correlated EXISTS and NOT EXISTS; a NULL correlation key finds no row", async () => {
    assert.deepEqual(
      await rows(
        "select t.y from a.t where exists (select 1 from b.u where u.x = t.x and u.z > 10) order by 1",
      ),
      [["one"]],
    );
    assert.deepEqual(
      await rows("select t.y from a.t where not exists (select 1 from b.u where u.x = t.x) order by 1"),
      [["none"], ["two"]],
    );
    assert.deepEqual(
      await rows("select t.y from a.t where exists (select 1 from b.u where u.z > t.x * 4) order by 1"),
      [["one"], ["two"]],
    );
  });

  test("uncorrelated EXISTS keeps all rows or none", async () => {
    assert.equal(
      (await rows("select t.y from a.t where exists (select 1 from b.u where u.z = 5)")).length,
      4,
    );
    assert.equal(
      (await rows("select t.y from a.t where exists (select 1 from b.u where u.z = 6)")).length,
      0,
    );
  });

  test("IN under OR compares with the subquery's values computed once", async () => {
    assert.deepEqual(
      await rows("select t.y from a.t where t.x in (select u.x from b.u) or t.y = 'two' order by 1"),
      [["four"], ["one"], ["two"]],
    );
  });

  test("correlated NOT IN is an anti join over `(x = y) IS NOT FALSE`; a correlated LIMIT is decorrelated", async () => {
    // t.x NULL: its subquery is empty (a NULL key selects no row), so NOT IN is true
    const equality = "select t.y from a.t where t.x not in (select u.x from b.u where u.z = t.x) order by 1";
    assert.deepEqual(await rows(equality), [["four"], ["none"], ["one"], ["two"]]);
    assert.ok(kinds(plan(equality)).includes("hash-join:anti"), kinds(plan(equality)).join());
    // t.x = 1 finds u.x = 1 among the rows with z > 10
    const range =
      "select t.y from a.t where t.x not in (select u.x from b.u where u.z > t.x * 10) order by 1";
    assert.deepEqual(await rows(range), [["four"], ["none"], ["two"]]);
    assert.ok(kinds(plan(range)).includes("nested-loop:anti"), kinds(plan(range)).join());
    const limited = "select t.y from a.t where exists (select 1 from b.u where u.x = t.x limit 1) order by 1";
    assert.deepEqual(await rows(limited), [["four"], ["one"]]);
    assert.ok(kinds(plan(limited)).includes("hash-join:left"), kinds(plan(limited)).join());
  });
});

describe("scalar subqueries", () => {
  test("uncorrelated ones run once first: NULL over no rows, 21000 over several", async () => {
    assert.deepEqual(
      await rows(
        "select t.y, (select max(u.z) from b.u) as m, (select u.z from b.u where u.z > 100) from a.t where t.x = 1",
      ),
      [["one", 11, null]],
    );
    assert.deepEqual(
      await rows("select t.y from a.t where t.x > (select min(u.z) from b.u) - 4 order by 1"),
      [["four"], ["two"]],
    );
    await assert.rejects(
      rows("select t.y, (select u.x from b.u) from a.t"),
      (e: unknown) => e instanceof PgError && e.code === "21000",
    );
  });

  test("client parameters and computed ones do not collide", async () => {
    assert.deepEqual(
      await rows(
        "select t.y, (select count(*) from b.u where u.x = $1) from a.t where t.x = (select min(u.x) from b.u where u.z > $2)",
        [1, 10],
        [Oid.int4, Oid.int4],
      ),
      [["one", 2n]],
    );
  });

  test("a correlated aggregate becomes a grouped LEFT JOIN; count is 0 where nothing matches", async () => {
    assert.deepEqual(
      await rows(
        "select t.y, (select count(*) from b.u where u.x = t.x) as n, (select sum(u.z) from b.u where u.x = t.x) from a.t order by 1",
      ),
      [
        ["four", 1n, null],
        ["none", 0n, null],
        ["one", 2n, 21n],
        ["two", 0n, null],
      ],
    );
  });
});

describe("derived tables and CTEs", () => {
  test("a FROM subquery with column aliases, filtered outside", async () => {
    assert.deepEqual(
      await rows(
        "select d.k, d.n, t.y from (select u.x, count(*) from b.u group by u.x) d(k, n) join a.t on t.x = d.k where d.n > 1",
      ),
      [[1, 2n, "one"]],
    );
  });

  test("CTEs are inlined where they are referenced, earlier ones visible to later ones", async () => {
    assert.deepEqual(
      await rows(
        "with v as (select u.x from b.u where u.z >= 10), w as (select v.x from v) select t.y, (select count(*) from w) from a.t join w on w.x = t.x",
      ),
      [
        ["one", 2n],
        ["one", 2n],
      ],
    );
  });

  test("inlining leaves the parsed statement alone and respects shadowing; WITH RECURSIVE is 0A000", () => {
    const stmt = (
      parseSql(
        "with c as (select 1 from a.t) select * from c, (with c as (select 2 from b.u) select * from c) s",
      )[0].ast as { SelectStmt: SelectStmt }
    ).SelectStmt;
    const before = JSON.stringify(stmt);
    const out = inlineCtes(stmt) as any;
    assert.equal(JSON.stringify(stmt), before);
    assert.equal(out.withClause, undefined);
    const outer = out.fromClause[0].RangeSubselect.subquery.SelectStmt;
    assert.equal(outer.fromClause[0].RangeVar.relname, "t");
    const inner = out.fromClause[1].RangeSubselect.subquery.SelectStmt.fromClause[0].RangeSubselect;
    assert.equal(inner.subquery.SelectStmt.fromClause[0].RangeVar.relname, "u");
    const recursive = (
      parseSql("with recursive r as (select 1 union all select 1 from r) select * from r")[0].ast as {
        SelectStmt: SelectStmt;
      }
    ).SelectStmt;
    assert.throws(
      () => inlineCtes(recursive),
      (e: unknown) => e instanceof PgError && e.code === "0A000",
    );
  });

  test("free references are the ones no scope of the subquery answers", () => {
    const sub = (q: string) => {
      const s = (parseSql(q)[0].ast as { SelectStmt: SelectStmt }).SelectStmt as any;
      return s.whereClause.SubLink.subselect.SelectStmt as SelectStmt;
    };
    const names = (refs: Node[]) =>
      refs.map((r: any) => r.ColumnRef.fields.map((f: any) => f.String.sval).join("."));
    assert.deepEqual(
      names(
        freeRefs(
          sub("select 1 from a.t where exists (select 1 from b.u where u.x = t.x and z > y)"),
          catalog,
        ),
      ),
      ["t.x", "y"],
    );
    assert.deepEqual(
      names(freeRefs(sub("select 1 from a.t where exists (select u.x as k from b.u order by k)"), catalog)),
      [],
    );
  });
});
