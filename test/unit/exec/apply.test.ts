import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { SelectStmt } from "@pgsql/types";
import { PgError } from "../../../src/common/pg-error.ts";
import { Oid } from "../../../src/common/pg-types.ts";
import type { Row } from "../../../src/common/row.ts";
import { defaultEncodeContext } from "../../../src/common/values.ts";
import type { SourceTable } from "../../../src/connectors/spi.ts";
import { exactKey } from "../../../src/exec/apply-cache.ts";
import { type BuildEnv, buildPlan } from "../../../src/exec/build-plan.ts";
import { createMemoryBudget } from "../../../src/exec/memory-budget.ts";
import { values } from "../../../src/exec/operators/values.ts";
import {
  commonType,
  resolveAggregate,
  resolveCast,
  resolveFunction,
  resolveOperator,
} from "../../../src/exec/scalar/index.ts";
import type { ApplyStats } from "../../../src/planner/explain.ts";
import { type PlanInput, type PlannerCatalog, planSelect } from "../../../src/planner/plan-select.ts";
import type { QueryPlan, RemoteScanPlan } from "../../../src/planner/query-plan.ts";
import { volatileReason } from "../../../src/planner/volatile-params.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

// The apply (a correlated subquery evaluated per distinct outer value) over two fake services,
// a.t(x int4, y text) and b.u(x int4, z int4), that run bare scans only: every filter, join and
// the apply itself run in Weft's operators. t repeats x = 1 and 2 so that memoization shows.
// Expected rows are PostgreSQL's answers over the same rows.
const data: Record<string, { columns: [string, number][]; rows: Row[] }> = {
  t: {
    columns: [
      ["x", Oid.int4],
      ["y", Oid.text],
    ],
    rows: [
      [1, "a"],
      [1, "b"],
      [2, "c"],
      [null, "d"],
      [2, "e"],
      [3, "f"],
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
      [2, null],
      [null, 5],
      [3, 30],
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

/** `pushes`: whether the fake services accept WHERE conditions (only planned then, never run). */
function catalogOf(pushes: boolean): PlannerCatalog {
  return {
    isService: (s) => s === "a" || s === "b",
    serviceForUnqualified: () => null,
    table: (service, name) =>
      (service === "a" && name === "t") || (service === "b" && name === "u") ? table(name) : undefined,
    capabilities: () => {
      throw new Error("not used");
    },
    compileFragment: (_service, fragment) => {
      const s = (fragment as any).SelectStmt;
      const shaped = s.groupClause || s.sortClause || s.limitCount || s.fromClause[0].RangeSubselect;
      const computed = (s.targetList as any[]).some((r) => !r.ResTarget.val.ColumnRef);
      if ((s.whereClause && !pushes) || shaped || computed)
        throw new PgError("0A000", "the fake service runs bare scans only");
      return { text: "native", params: [], returnsRows: true };
    },
  };
}

const scalars = {
  resolveOperator,
  resolveFunction,
  resolveAggregate,
  canCast: (from: number, to: number, typmod: number, context: "explicit" | "assignment" | "implicit") =>
    resolveCast(from, to, typmod, context) !== null,
  commonType,
};

function plan(sql: string, pushes = false): QueryPlan {
  const stmt = (parseSql(sql)[0].ast as { SelectStmt: SelectStmt }).SelectStmt;
  const input: PlanInput = { catalog: catalogOf(pushes), scalars, params: [], paramTypes: [] };
  return planSelect(stmt, input);
}

interface Run {
  rows: Row[];
  /** remote scans opened (queries a service would get) */
  opens: number;
  stats: ApplyStats;
}

async function run(sql: string, env: Partial<BuildEnv> = {}): Promise<Run> {
  let opens = 0;
  const stats: ApplyStats = { evaluations: 0, hits: 0 };
  const open = (scan: RemoteScanPlan) => {
    opens++;
    const s = (scan.fragment as any).SelectStmt;
    const t = data[s.fromClause[0].RangeVar.relname];
    const names = t.columns.map(([c]) => c);
    const cols = (s.targetList as any[]).map((r) =>
      names.indexOf(r.ResTarget.val.ColumnRef.fields[1].String.sval),
    );
    return Promise.resolve(values(t.rows.map((row) => cols.map((i) => row[i]))));
  };
  const source = buildPlan(plan(sql), {
    ctx: { settings: defaultEncodeContext, transactionTimestamp: "", statementTimestamp: "" },
    budget: createMemoryBudget(64 * 1024 * 1024),
    params: [],
    scans: { open },
    applyStats: () => stats,
    ...env,
  });
  const rows: Row[] = [];
  try {
    for (let b = await source.next(); b; b = await source.next()) rows.push(...b);
  } finally {
    await source.close();
  }
  return { rows, opens, stats };
}

function nodes(p: QueryPlan, into: QueryPlan[] = []): QueryPlan[] {
  into.push(p);
  for (const v of Object.values(p)) {
    if (v && typeof v === "object" && "kind" in v && "columns" in v) nodes(v as QueryPlan, into);
  }
  return into;
}

before(initParser);

describe("the apply's results", () => {
  test("scalar: an equality beside a non-equality; NULL for no row", async () => {
    const { rows } = await run(
      "select t.y, (select max(u.z) from b.u where u.x = t.x and u.z > t.x * 5) from a.t order by 1",
    );
    assert.deepEqual(rows, [
      ["a", 11],
      ["b", 11],
      ["c", null],
      ["d", null],
      ["e", null],
      ["f", 30],
    ]);
  });

  test("EXISTS and ARRAY (an empty subquery is false and {})", async () => {
    const { rows } = await run(
      "select t.y, exists (select 1 from b.u where u.z > t.x * 10), array(select u.z from b.u where u.x >= t.x order by u.z nulls first) from a.t order by 1",
    );
    assert.deepEqual(rows, [
      ["a", true, [null, 10, 11, 30]],
      ["b", true, [null, 10, 11, 30]],
      ["c", true, [null, 30]],
      ["d", false, []],
      ["e", true, [null, 30]],
      ["f", false, [30]],
    ]);
  });

  test("IN, NOT IN and op ALL, three-valued", async () => {
    const { rows } = await run(
      "select t.y, t.x * 10 in (select u.z from b.u where u.x <= t.x), t.x * 10 not in (select u.z from b.u where u.x <= t.x), t.x * 10 < all (select u.z from b.u where u.x > t.x) from a.t order by 1",
    );
    assert.deepEqual(rows, [
      ["a", true, false, null],
      ["b", true, false, null],
      ["c", null, null, true],
      ["d", false, true, true],
      ["e", null, null, true],
      ["f", true, false, true],
    ]);
  });

  test("21000 is raised only for a row that reads a subquery giving several rows", async () => {
    const sql = "select u.z from b.u where u.x = t.x and u.z is distinct from t.x";
    const { rows } = await run(`select t.y, case when t.x = 1 then -1 else (${sql}) end from a.t order by 1`);
    assert.deepEqual(rows, [
      ["a", -1],
      ["b", -1],
      ["c", null],
      ["d", null],
      ["e", null],
      ["f", 30],
    ]);
    await assert.rejects(
      run(`select t.y, (${sql}) from a.t`),
      (e: unknown) => e instanceof PgError && e.code === "21000",
    );
  });
});

describe("memoization and the scan cache", () => {
  test("six rows with four distinct values: four evaluations, each scan opened once", async () => {
    const { opens, stats } = await run(
      "select t.y, (select count(*) from b.u where u.z > t.x * 10) from a.t",
    );
    assert.deepEqual(stats, { evaluations: 4, hits: 2 });
    assert.equal(opens, 2);
  });

  test("keys are exact: equal values that print differently are not one key", () => {
    assert.notEqual(exactKey(["1.0"]), exactKey(["1.00"]));
    assert.notEqual(exactKey([0]), exactKey([-0]));
    assert.notEqual(exactKey([null]), exactKey(["n"]));
    assert.notEqual(exactKey(["a", "b"]), exactKey(["a;s1:b"]));
    assert.equal(exactKey([1, "x", null]), exactKey([1, "x", null]));
  });

  test("the cached rows count against the memory budget (53200)", async () => {
    await assert.rejects(
      run("select t.y, (select count(*) from b.u where u.z > t.x) from a.t", {
        budget: createMemoryBudget(200),
      }),
      (e: unknown) =>
        e instanceof PgError && e.code === "53200" && /correlated subquery \(apply\)/.test(e.message),
    );
  });

  test("an aborted query stops before the next evaluation (57014)", async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      run("select t.y, (select count(*) from b.u where u.z > t.x) from a.t", { signal: controller.signal }),
      (e: unknown) => e instanceof PgError && e.code === "57014",
    );
  });
});

describe("planning the subquery", () => {
  test("nothing that reads the outer row is offered to a service, even one that accepts it", () => {
    const p = plan(
      "select t.y, (select max(u.z) from b.u where u.x = t.x and u.z > 3 and u.z > t.x * 5) from a.t",
      true,
    );
    const apply = nodes(p).find((n) => n.kind === "apply");
    assert.ok(apply && apply.kind === "apply");
    const slots = new Set(apply.params.map((x) => x.index + 1));
    const scans = nodes(apply.subplan).filter((n): n is RemoteScanPlan => n.kind === "remote-scan");
    assert.equal(scans.length, 1);
    const fragment = JSON.stringify(scans[0].fragment);
    for (const slot of slots) assert.doesNotMatch(fragment, new RegExp(`"ParamRef":\\{"number":${slot}\\}`));
    // the condition without outer columns is pushed; the two reading t.x stay in memory
    assert.deepEqual(scans[0].pushed, ["filter"]);
    assert.deepEqual(scans[0].kept, [volatileReason, volatileReason]);
    assert.deepEqual(
      scans[0].lookup?.map((l) => l.param + 1),
      [...slots],
    );
  });

  test("the rewrites keep priority: an equality-correlated subquery is a join, not an apply", () => {
    const kinds = nodes(plan("select t.y, (select max(u.z) from b.u where u.x = t.x) from a.t")).map(
      (n) => n.kind,
    );
    assert.ok(!kinds.includes("apply"), kinds.join());
    assert.ok(kinds.includes("hash-join"), kinds.join());
  });
});
