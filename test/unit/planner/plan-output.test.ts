import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { Node, SelectStmt } from "@pgsql/types";
import { PgError } from "../../../src/common/pg-error.ts";
import { Oid } from "../../../src/common/pg-types.ts";
import type { Row } from "../../../src/common/row.ts";
import { defaultEncodeContext } from "../../../src/common/values.ts";
import { buildPlan } from "../../../src/exec/build-plan.ts";
import { createMemoryBudget } from "../../../src/exec/memory-budget.ts";
import type { RowSource } from "../../../src/exec/row-source.ts";
import {
  commonType,
  resolveAggregate,
  resolveCast,
  resolveFunction,
  resolveOperator,
} from "../../../src/exec/scalar/index.ts";
import type { BindContext } from "../../../src/planner/bind-expr.ts";
import { bindExpr } from "../../../src/planner/bind-expr.ts";
import type { PlanInput, PlannerCatalog } from "../../../src/planner/plan-select.ts";
import { planSelect } from "../../../src/planner/plan-select.ts";
import { planSetOperationOrValues } from "../../../src/planner/plan-setop.ts";
import { inlineNamedWindows, planWindows } from "../../../src/planner/plan-window.ts";
import type { QueryPlan } from "../../../src/planner/query-plan.ts";
import type { ScalarCatalog } from "../../../src/planner/scalar-catalog.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

const scalars: ScalarCatalog = {
  resolveOperator,
  resolveFunction,
  resolveAggregate,
  canCast: (from, to, typmod, context) => resolveCast(from, to, typmod, context) !== null,
  commonType,
};

const compiled: { service: string; fragment: Node }[] = [];
let refuse = false;

const catalog: PlannerCatalog = {
  isService: (s) => s === "a" || s === "b",
  serviceForUnqualified: (t) => (t === "bare" ? "a" : null),
  table: () => undefined,
  capabilities: () => {
    throw new Error("not used");
  },
  compileFragment: (service, fragment) => {
    if (refuse) throw new PgError("0A000", "INTERSECT cannot be pushed down");
    compiled.push({ service, fragment });
    return { text: "native", params: [], returnsRows: true };
  },
};

const input: PlanInput = { catalog, scalars, params: [], paramTypes: [] };

const env = {
  ctx: { settings: defaultEncodeContext, transactionTimestamp: "", statementTimestamp: "" },
  budget: createMemoryBudget(64 * 1024 * 1024),
  params: [],
  scans: {
    open: (): Promise<RowSource> => {
      throw new Error("no remote scans here");
    },
  },
};

function select(sql: string): SelectStmt {
  return (parseSql(sql)[0].ast as { SelectStmt: SelectStmt }).SelectStmt;
}

async function run(plan: QueryPlan): Promise<Row[]> {
  const source = buildPlan(plan, env);
  const rows: Row[] = [];
  for (let b = await source.next(); b; b = await source.next()) rows.push(...b);
  await source.close();
  return rows;
}

const sortRows = (rows: Row[]) => [...rows].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));

before(initParser);

describe("named windows", () => {
  test("OVER w takes the window whole; OVER (w …) adds a frame; WINDOW w2 AS (w) chains", () => {
    const stmt = inlineNamedWindows(
      select(
        "select sum(x) over w, sum(x) over (w rows 2 preceding), rank() over w2 from t window w as (partition by a order by b), w2 as (w)",
      ),
    );
    assert.equal(stmt.windowClause, undefined);
    const overs = (stmt.targetList as any[]).map((t) => t.ResTarget.val.FuncCall.over);
    for (const over of overs) {
      assert.equal(over.partitionClause[0].ColumnRef.fields[0].String.sval, "a");
      assert.equal(over.orderClause[0].SortBy.node.ColumnRef.fields[0].String.sval, "b");
      assert.equal(over.name, undefined);
      assert.equal(over.refname, undefined);
    }
    assert.equal(overs[0].frameOptions, 0x422);
    assert.equal(overs[1].frameOptions & 0x4, 0x4, "ROWS");
    assert.equal(overs[1].startOffset.A_Const.ival.ival, 2);
  });
});

describe("VALUES and set operations", () => {
  test("VALUES columns take the common type of their rows; unknown literals alone become text", async () => {
    const plan = planSelect(select("values (1, 'a'), (2.5, null) order by 1 desc"), input);
    assert.deepEqual(
      plan.columns.map((c) => [c.name, c.oid]),
      [
        ["column1", Oid.numeric],
        ["column2", Oid.text],
      ],
    );
    assert.deepEqual(await run(plan), [
      ["2.5", null],
      ["1", "a"],
    ]);
  });

  test("INTERSECT ALL, EXCEPT ALL and UNION count duplicates and NULLs like PostgreSQL", async () => {
    const left = "values (1), (1), (null), (2), (null)";
    const right = "values (1), (null), (3)";
    const cases: [string, Row[]][] = [
      ["intersect all", [[1], [null]]],
      ["intersect", [[1], [null]]],
      ["except all", [[1], [2], [null]]],
      ["except", [[2]]],
      ["union", [[1], [2], [3], [null]]],
      ["union all", [[1], [1], [1], [2], [3], [null], [null], [null]]],
    ];
    for (const [op, expected] of cases) {
      const plan = planSelect(select(`${left} ${op} ${right}`), input);
      assert.equal(plan.kind, "set-operation", op);
      assert.deepEqual(sortRows(await run(plan)), sortRows(expected), op);
    }
  });

  test("column types are resolved per pair and branches are cast; ORDER BY names a result column", async () => {
    const plan = planSelect(
      select("select 1 as n, 'x' as s union all select 2.5, 'y' order by n desc limit 1"),
      input,
    );
    assert.deepEqual(
      plan.columns.map((c) => [c.name, c.oid]),
      [
        ["n", Oid.numeric],
        ["s", Oid.text],
      ],
    );
    assert.deepEqual(await run(plan), [["2.5", "y"]]);
  });

  test("ORDER BY an expression over a set operation is refused with 0A000", () => {
    assert.throws(
      () => planSelect(select("select 1 as n union select 2 order by n + 1"), input),
      (err: unknown) => err instanceof PgError && err.code === "0A000",
    );
  });

  test("a set operation over one service is offered whole, with its tables qualified", () => {
    compiled.length = 0;
    refuse = false;
    const branch = (): QueryPlan => ({
      kind: "values",
      rows: [[{ kind: "const", value: 1, type: Oid.int4, typmod: -1 }]],
      columns: [{ name: "x", oid: Oid.int4, typmod: -1 }],
      estimate: 1,
    });
    const whole = planSetOperationOrValues(
      select("select x from a.t intersect select x from bare"),
      input,
      branch,
    );
    assert.equal(whole?.kind, "remote-scan");
    assert.equal(compiled.length, 1);
    assert.equal(compiled[0].service, "a");
    const json = JSON.stringify(compiled[0].fragment);
    assert.equal(json.match(/"schemaname":"a"/g)?.length, 2, "both tables qualified by the service");

    refuse = true;
    const refused = planSetOperationOrValues(
      select("select x from a.t intersect select x from bare"),
      input,
      branch,
    );
    assert.equal(refused?.kind, "set-operation");

    refuse = false;
    compiled.length = 0;
    const mixed = planSetOperationOrValues(
      select("select x from a.t union select x from b.u"),
      input,
      branch,
    );
    assert.equal(mixed?.kind, "set-operation");
    assert.equal(compiled.length, 0, "two services: nothing offered");
  });
});

describe("window frames planned over in-memory rows", () => {
  // (d date, v int); expected values are PostgreSQL 15's for the same VALUES
  const rowsPlan = (): QueryPlan =>
    planSelect(
      select("values (date '2024-01-01', 1), ('2024-01-15', 2), ('2024-02-20', 4), (null, 8)"),
      input,
    );
  const ctxOver = (plan: QueryPlan): BindContext => ({
    scalars,
    paramTypes: [],
    columns: (fields) => {
      const i = fields[0] === "d" ? 0 : 1;
      return { kind: "column", index: i, type: plan.columns[i].oid, typmod: -1 };
    },
  });
  const windowCall = (sql: string): Node =>
    (select(`select ${sql} from t`).targetList as any[])[0].ResTarget.val;

  test("RANGE with an interval offset over a date key, lag with a numeric default, GROUPS with EXCLUDE", async () => {
    const input0 = rowsPlan();
    const calls = [
      windowCall("sum(v) over (order by d range between interval '1 month' preceding and current row)"),
      windowCall("lag(v, 1, 0.5) over (order by d)"),
      windowCall("sum(v) over (order by v groups between 1 preceding and 1 following exclude current row)"),
    ];
    const ctx = ctxOver(input0);
    const { plan, hook } = planWindows(input0, calls, ctx);
    const lag = hook(calls[1]);
    assert.equal(lag?.type, Oid.numeric, "lag(int, int, numeric) is numeric");
    const sum = hook(calls[0]);
    assert.equal(sum?.type, Oid.int8);
    const out = await run({
      kind: "project",
      input: plan,
      exprs: [
        bindExpr({ ColumnRef: { fields: [{ String: { sval: "v" } }] } } as unknown as Node, ctx),
        ...calls.map((c) => hook(c)!),
      ],
      columns: [],
      estimate: 1,
    });
    assert.deepEqual(
      out.sort((x, y) => Number(x[0]) - Number(y[0])),
      [
        [1, 1n, "0.5", 2n],
        [2, 3n, "1", 5n],
        [4, 4n, "2", 10n],
        [8, 8n, "4", 4n],
      ],
    );
  });

  test("RANGE offsets need exactly one ORDER BY key", () => {
    const input0 = rowsPlan();
    assert.throws(
      () =>
        planWindows(
          input0,
          [windowCall("count(*) over (order by d, v range between 1 preceding and current row)")],
          ctxOver(input0),
        ),
      (err: unknown) => err instanceof PgError && err.code === "42P20",
    );
  });
});
