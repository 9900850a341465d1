import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { Node } from "@pgsql/types";
import { PgError } from "../../../src/common/pg-error.ts";
import { Oid } from "../../../src/common/pg-types.ts";
import type { BoundAggregate, BoundExpr } from "../../../src/planner/bound-expr.ts";
import { pushAggregate, pushOrderLimit } from "../../../src/planner/plan-aggpush.ts";
import type { PlanInput } from "../../../src/planner/plan-select.ts";
import type { RemoteScanPlan } from "../../../src/planner/query-plan.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

/** A compiler that refuses every fragment whose JSON contains one of `refused`. */
function inputRefusing(...refused: string[]): PlanInput {
  return {
    catalog: {
      isService: () => true,
      serviceForUnqualified: () => null,
      table: () => undefined,
      capabilities: () => {
        throw new Error("not used");
      },
      compileFragment: (_service, fragment) => {
        const json = JSON.stringify(fragment);
        const hit = refused.find((r) => json.includes(r));
        if (hit) throw new PgError("0A000", `${hit} cannot be pushed down`);
        return { text: "native", params: [], returnsRows: true };
      },
    },
    scalars: {} as PlanInput["scalars"],
    params: [],
    paramTypes: [],
  };
}

function select(sql: string): any {
  return (parseSql(sql)[0].ast as any).SelectStmt;
}

function scanOf(sql: string): RemoteScanPlan {
  return {
    kind: "remote-scan",
    service: "s",
    fragment: { SelectStmt: select(sql) } as Node,
    columns: [{ name: "a", oid: Oid.int4, typmod: -1 }],
    estimate: 1000,
    pushed: [],
    kept: [],
  };
}

const key: BoundExpr = { kind: "column", index: 0, type: Oid.int4, typmod: -1 };
const agg = (name: string): BoundAggregate =>
  ({
    fn: { name },
    args: [],
    argTypes: [],
    distinct: false,
    filter: null,
    type: Oid.int8,
  }) as unknown as BoundAggregate;

before(async () => {
  await initParser();
});

describe("pushAggregate", () => {
  test("puts GROUP BY (by position), the aggregates and HAVING into the fragment", () => {
    const client = select("select a % 2, count(*), sum(b) from t group by a % 2 having sum(b) > 1");
    const pushed = pushAggregate(
      scanOf("select t.a, t.b from s.t t where t.a > 0"),
      {
        groupNodes: [client.groupClause[0]],
        aggNodes: [client.targetList[1].ResTarget.val, client.targetList[2].ResTarget.val],
        having: client.havingClause,
        groupKeys: [key],
        aggregates: [agg("count"), agg("sum")],
      },
      inputRefusing(),
    );
    assert.ok(pushed);
    const s = (pushed.fragment as any).SelectStmt;
    assert.equal(s.targetList.length, 3);
    assert.deepEqual(s.groupClause, [{ A_Const: { ival: { ival: 1 } } }]);
    assert.ok(s.havingClause);
    assert.ok(s.whereClause, "the pushed WHERE stays");
    assert.deepEqual(pushed.pushed, ["aggregate", "having"]);
    assert.deepEqual(
      pushed.columns.map((c) => c.oid),
      [Oid.int4, Oid.int8, Oid.int8],
    );
  });

  test("a refused HAVING stays in memory, a HAVING over a group key is not offered, a refused aggregate pushes nothing", () => {
    const client = select("select a, avg(b) from t group by a having avg(b) > 1 and a > 2");
    const pieces = {
      groupNodes: [client.groupClause[0]],
      aggNodes: [client.targetList[1].ResTarget.val],
      having: client.havingClause,
      groupKeys: [key],
      aggregates: [agg("avg")],
    };
    const noHaving = pushAggregate(scanOf("select t.a, t.b from s.t t"), pieces, inputRefusing());
    assert.ok(noHaving);
    assert.equal((noHaving.fragment as any).SelectStmt.havingClause, undefined);
    assert.deepEqual(noHaving.pushed, ["aggregate"]);
    const refused = pushAggregate(scanOf("select t.a, t.b from s.t t"), pieces, inputRefusing('"avg"'));
    assert.equal(refused, null);
  });

  test("only a plain scan of one table is offered", () => {
    const pieces = { groupNodes: [], aggNodes: [], having: null, groupKeys: [], aggregates: [] };
    assert.equal(pushAggregate(scanOf("select a from t limit 3"), pieces, inputRefusing()), null);
    assert.equal(
      pushAggregate(scanOf("select a from t union select a from u"), pieces, inputRefusing()),
      null,
    );
  });
});

describe("pushOrderLimit", () => {
  const by = (sql: string) =>
    (select(sql).sortClause as any[]).map((s) => ({
      node: s.SortBy.node as Node,
      descending: s.SortBy.sortby_dir === "SORTBY_DESC",
      nullsFirst: s.SortBy.sortby_dir === "SORTBY_DESC",
    }));
  const lim = (n: number) => ({ A_Const: { ival: { ival: n } } }) as unknown as Node;

  test("ORDER BY with explicit NULL ordering and LIMIT count+offset", () => {
    const pushed = pushOrderLimit(
      scanOf("select t.a from s.t t"),
      by("select 1 from t order by a desc"),
      lim(5),
      lim(2),
      inputRefusing(),
    );
    const s = (pushed.fragment as any).SelectStmt;
    assert.equal(s.sortClause[0].SortBy.sortby_nulls, "SORTBY_NULLS_FIRST");
    assert.deepEqual(s.limitCount, { A_Const: { ival: { ival: 7 } } });
    assert.deepEqual(pushed.pushed, ["order by", "limit"]);
    assert.equal(pushed.estimate, 7);
  });

  test("nothing without a constant limit; a refusal is recorded and keeps the scan", () => {
    const scan = scanOf("select t.a from s.t t");
    assert.equal(pushOrderLimit(scan, by("select 1 from t order by a"), null, null, inputRefusing()), scan);
    const param = { ParamRef: { number: 1 } } as unknown as Node;
    assert.equal(pushOrderLimit(scan, by("select 1 from t order by a"), param, null, inputRefusing()), scan);
    const refused = pushOrderLimit(
      scan,
      by("select 1 from t order by a"),
      lim(3),
      null,
      inputRefusing("sortClause"),
    );
    assert.equal(refused.fragment, scan.fragment);
    assert.equal(refused.kept.length, 1);
  });

  test("over pushed groups, sort keys become positions; an expression not in the select list is not pushed", () => {
    const grouped = scanOf("select a, count(*) from s.t t group by 1");
    const pushed = pushOrderLimit(
      grouped,
      by("select 1 from t order by count(*) desc, a"),
      lim(3),
      null,
      inputRefusing(),
    );
    const s = (pushed.fragment as any).SelectStmt;
    assert.deepEqual(
      s.sortClause.map((x: any) => x.SortBy.node),
      [{ A_Const: { ival: { ival: 2 } } }, { A_Const: { ival: { ival: 1 } } }],
    );
    assert.equal(
      pushOrderLimit(grouped, by("select 1 from t order by a + 1"), lim(3), null, inputRefusing()),
      grouped,
    );
  });
});
