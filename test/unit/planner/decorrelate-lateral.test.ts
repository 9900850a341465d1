import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { SelectStmt } from "@pgsql/types";
import { PgError } from "../../../src/common/pg-error.ts";
import type { SourceTable } from "../../../src/connectors/spi.ts";
import { decorrelateLateral } from "../../../src/planner/decorrelate-lateral.ts";
import { rewriteLateralSubquery } from "../../../src/planner/lateral-subquery.ts";
import { CannotDecorrelate } from "../../../src/planner/subquery-correlation.ts";
import { fromScope, type ScopeCatalog } from "../../../src/planner/subquery-scope.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

// Two services: a.dept(id, region, name) and b.emp(id, dept_id, region, salary). The rewrite
// is checked against the parse of the SQL it must be equivalent to, so every expectation
// reads as the query the planner will plan instead.
const columns: Record<string, string[]> = {
  dept: ["id", "region", "name"],
  emp: ["id", "dept_id", "region", "salary"],
};
const catalog: ScopeCatalog = {
  isService: (s) => s === "a" || s === "b",
  serviceForUnqualified: () => null,
  table: (_service, name) =>
    columns[name]
      ? ({ name, columns: columns[name].map((c) => ({ name: c })) } as unknown as SourceTable)
      : undefined,
};

before(async () => {
  await initParser();
});

function select(sql: string): SelectStmt {
  return (parseSql(sql)[0].ast as { SelectStmt: SelectStmt }).SelectStmt;
}

/** The tree without parse positions or absent fields, comparable with deepEqual. */
function shape(stmt: SelectStmt): unknown {
  return JSON.parse(
    JSON.stringify(stmt, (key, value) =>
      key === "location" ? undefined : typeof value === "bigint" ? String(value) : value,
    ),
  );
}

function rewritesTo(sql: string, expected: string): void {
  test(sql, () => {
    assert.deepEqual(shape(decorrelateLateral(select(sql), catalog)), shape(select(expected)));
  });
}

/**
 * The statement comes back as written, its LATERAL subquery untouched; `message` (when the
 * subquery itself is what the rewrite refuses) is the reason rewriteLateralSubquery gives.
 */
function staysLateral(sql: string, message: RegExp | null): void {
  test(`stays LATERAL: ${sql}`, () => {
    assert.deepEqual(shape(decorrelateLateral(select(sql), catalog)), shape(select(sql)));
    if (!message) return;
    const body = lateralItem(select(sql).fromClause as unknown[]);
    const left = fromScope(select(sql).fromClause as never, catalog).filter(
      (s) => s.alias !== body.alias.aliasname,
    );
    assert.throws(
      () => rewriteLateralSubquery(body, left, catalog),
      (e: unknown) => e instanceof CannotDecorrelate && e.code === "0A000" && message.test(e.message),
    );
  });
}

function lateralItem(items: unknown[]): any {
  for (const item of items as any[]) {
    if (item.RangeSubselect?.lateral) return item.RangeSubselect;
    if (item.JoinExpr) {
      const found = lateralItem([item.JoinExpr.larg, item.JoinExpr.rarg]);
      if (found) return found;
    }
  }
  return null;
}

function refuses(sql: string, message: RegExp): void {
  test(`refuses: ${sql}`, () => {
    assert.throws(
      () => decorrelateLateral(select(sql), catalog),
      (e: unknown) => e instanceof PgError && e.code === "0A000" && message.test(e.message),
    );
  });
}

describe("LATERAL subqueries become derived tables joined on their correlation", () => {
  rewritesTo(
    "select d.id, x.id from a.dept d cross join lateral (select e.id from b.emp e where e.dept_id = d.id order by e.salary desc, 1 limit 2) x",
    "select d.id, x.id from a.dept d join (select e.id, e.dept_id as weft_lat_k0, row_number() over (partition by e.dept_id order by e.salary desc, e.id) as weft_lat_rn from b.emp e) x on x.weft_lat_k0 = d.id and x.weft_lat_rn <= 2",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d, lateral (select e.id from b.emp e where e.salary > 10 and d.id = e.dept_id) x",
    "select d.id, x.id from a.dept d join (select e.id, e.dept_id as weft_lat_k0 from b.emp e where e.salary > 10) x on x.weft_lat_k0 = d.id",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d, a.dept d2, lateral (select e.id from b.emp e where e.dept_id = d2.id) x",
    "select d.id, x.id from a.dept d cross join a.dept d2 join (select e.id, e.dept_id as weft_lat_k0 from b.emp e) x on x.weft_lat_k0 = d2.id",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d left join lateral (select e.id from b.emp e where e.dept_id = d.id and e.salary > d.id * 10) x on true",
    "select d.id, x.id from a.dept d left join (select e.id, e.dept_id as weft_lat_k0, e.salary as weft_lat_c0 from b.emp e) x on x.weft_lat_k0 = d.id and x.weft_lat_c0 > d.id * 10",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d left join lateral (select e.id from b.emp e where e.dept_id = d.id) x on x.id > 3",
    "select d.id, x.id from a.dept d left join (select e.id, e.dept_id as weft_lat_k0 from b.emp e) x on x.weft_lat_k0 = d.id and x.id > 3",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d join lateral (select e.id from b.emp e where e.dept_id = d.id and e.region = d.region and d.name <> 'x' order by e.id limit 2 offset 1) x on true",
    "select d.id, x.id from a.dept d join (select e.id, e.dept_id as weft_lat_k0, e.region as weft_lat_k1, row_number() over (partition by e.dept_id, e.region order by e.id) as weft_lat_rn from b.emp e) x on x.weft_lat_k0 = d.id and x.weft_lat_k1 = d.region and d.name <> 'x' and x.weft_lat_rn > 1 and x.weft_lat_rn <= 3",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d cross join lateral (select e.id from b.emp e where e.dept_id = d.id order by e.salary offset 1) x",
    "select d.id, x.id from a.dept d join (select e.id, e.dept_id as weft_lat_k0, row_number() over (partition by e.dept_id order by e.salary) as weft_lat_rn from b.emp e) x on x.weft_lat_k0 = d.id and x.weft_lat_rn > 1",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d cross join lateral (select e.id from b.emp e where e.dept_id = d.id order by e.salary limit $1 offset $2) x",
    "select d.id, x.id from a.dept d join (select e.id, e.dept_id as weft_lat_k0, row_number() over (partition by e.dept_id order by e.salary) as weft_lat_rn from b.emp e) x on x.weft_lat_k0 = d.id and x.weft_lat_rn > coalesce($2::bigint, 0) and ($1 is null or x.weft_lat_rn <= coalesce($2::bigint, 0) + $1::bigint)",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d cross join lateral (select e.id from b.emp e where e.dept_id = d.id order by e.salary fetch first 1 row with ties) x",
    "select d.id, x.id from a.dept d join (select e.id, e.dept_id as weft_lat_k0, rank() over (partition by e.dept_id order by e.salary) as weft_lat_rn from b.emp e) x on x.weft_lat_k0 = d.id and x.weft_lat_rn <= 1",
  );

  rewritesTo(
    "select d.id, x.r from a.dept d cross join lateral (select rank() over (order by e.salary) as r from b.emp e where e.dept_id = d.id) x",
    "select d.id, x.r from a.dept d join (select rank() over (partition by e.dept_id order by e.salary) as r, e.dept_id as weft_lat_k0 from b.emp e) x on x.weft_lat_k0 = d.id",
  );

  rewritesTo(
    "select d.id, x.region, x.n from a.dept d cross join lateral (select e.region, count(*) as n from b.emp e where e.dept_id = d.id group by e.region) x",
    "select d.id, x.region, x.n from a.dept d join (select e.region, count(*) as n, e.dept_id as weft_lat_k0 from b.emp e group by e.region, e.dept_id) x on x.weft_lat_k0 = d.id",
  );

  rewritesTo(
    "select d.id, x.region from a.dept d cross join lateral (select distinct on (e.region) e.region from b.emp e where e.dept_id = d.id order by e.region, e.salary) x",
    "select d.id, x.region from a.dept d join (select distinct on (e.dept_id, e.region) e.region, e.dept_id as weft_lat_k0 from b.emp e order by e.dept_id, e.region, e.salary) x on x.weft_lat_k0 = d.id",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d cross join lateral (select e.id from b.emp e where e.dept_id = d.id order by e.id limit d.id) x",
    "select d.id, x.id from a.dept d join (select e.id, e.dept_id as weft_lat_k0, row_number() over (partition by e.dept_id order by e.id) as weft_lat_rn from b.emp e) x on x.weft_lat_k0 = d.id and (d.id is null or x.weft_lat_rn <= d.id::bigint)",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d, a.dept d2 left join lateral (select e.id from b.emp e where e.dept_id = d.id) x on true",
    "select d.id, x.id from a.dept d cross join a.dept d2 left join (select e.id, e.dept_id as weft_lat_k0 from b.emp e) x on x.weft_lat_k0 = d.id",
  );

  rewritesTo(
    "select d.id, x.id from a.dept d cross join lateral (select e.id from b.emp e where e.id > 1 limit 1) x",
    "select d.id, x.id from a.dept d cross join (select e.id from b.emp e where e.id > 1 limit 1) x",
  );
});

describe("aggregates without GROUP BY: one row per outer row", () => {
  rewritesTo(
    "select d.id, x.n, x.total, x.n2 from a.dept d left join lateral (select count(*) as n, sum(e.salary) as total, count(e.id) * 2 + 1 as n2 from b.emp e where e.dept_id = d.id) x on true",
    "select d.id, coalesce(x.weft_lat_a0, 0) as n, x.total, coalesce(x.weft_lat_a1, 0) * 2 + 1 as n2 from a.dept d left join (select e.dept_id as weft_lat_k0, count(*) as weft_lat_a0, sum(e.salary) as total, count(e.id) as weft_lat_a1 from b.emp e group by e.dept_id) x on x.weft_lat_k0 = d.id",
  );

  rewritesTo(
    "select d.id, x.* from a.dept d cross join lateral (select count(*) from b.emp e where e.dept_id = d.id) x where count > 1 order by count",
    "select d.id, coalesce(x.weft_lat_a0, 0) as count from a.dept d left join (select e.dept_id as weft_lat_k0, count(*) as weft_lat_a0 from b.emp e group by e.dept_id) x on x.weft_lat_k0 = d.id where coalesce(x.weft_lat_a0, 0) > 1 order by coalesce(x.weft_lat_a0, 0)",
  );

  rewritesTo(
    "select d.id, x.m from a.dept d join lateral (select max(e.salary) as m from b.emp e where e.dept_id = d.id) x on x.m > 5",
    "select d.id, x.m from a.dept d left join (select e.dept_id as weft_lat_k0, max(e.salary) as m from b.emp e group by e.dept_id) x on x.weft_lat_k0 = d.id where x.m > 5",
  );

  rewritesTo(
    "select d.id, y.id from a.dept d, lateral (select count(*) as n from b.emp e where e.dept_id = d.id) x, lateral (select e.id from b.emp e where e.salary = x.n) y",
    "select d.id, y.id from a.dept d left join (select e.dept_id as weft_lat_k0, count(*) as weft_lat_a0 from b.emp e group by e.dept_id) x on x.weft_lat_k0 = d.id join (select e.id, e.salary as weft_lat_k0 from b.emp e) y on y.weft_lat_k0 = coalesce(x.weft_lat_a0, 0)",
  );
});

describe("a LATERAL subquery without FROM is one row of expressions", () => {
  rewritesTo(
    "select d.id, t.twice, t.* from a.dept d cross join lateral (select d.id * 2 as twice, upper(d.name)) t where t.twice > 2",
    "select d.id, d.id * 2 as twice, d.id * 2 as twice, upper(d.name) as upper from a.dept d where d.id * 2 > 2",
  );
});

describe("* does not show the hidden columns", () => {
  rewritesTo(
    "select * from a.dept d cross join lateral (select e.id, e.salary from b.emp e where e.dept_id = d.id limit 1) x",
    "select d.id, d.region, d.name, x.id, x.salary from a.dept d join (select e.id, e.salary, e.dept_id as weft_lat_k0, row_number() over (partition by e.dept_id) as weft_lat_rn from b.emp e) x on x.weft_lat_k0 = d.id and x.weft_lat_rn <= 1",
  );

  rewritesTo(
    "select x.*, d.id from a.dept d, lateral (select * from b.emp e where e.dept_id = d.id) as x(a, b)",
    "select x.a, x.b, x.region, x.salary, d.id from a.dept d join (select *, e.dept_id as weft_lat_k0 from b.emp e) as x(a, b) on x.weft_lat_k0 = d.id",
  );
});

describe("what the rewrite cannot decorrelate stays LATERAL (the planner runs it as an apply)", () => {
  staysLateral(
    "select * from a.dept d cross join lateral (select e.id, d.name from b.emp e where e.dept_id = d.id) x",
    /correlated reference in its select list \(d\.name\)/,
  );
  staysLateral(
    "select * from a.dept d cross join lateral (select e.id from b.emp e where exists (select 1 from a.dept d2 where d2.id = d.id)) x",
    /correlated inside a nested subquery \(d\.id\)/,
  );
  staysLateral(
    "select * from a.dept d cross join lateral (select e.id from b.emp e where e.salary > d.id order by e.id limit 1) x",
    /condition other than an equality/,
  );
  staysLateral(
    "select * from a.dept d cross join lateral (select e.id from b.emp e join a.dept d3 on d3.id = d.id) x",
    /correlated inside its FROM clause/,
  );
  staysLateral(
    "select * from a.dept d cross join lateral (select count(*) from b.emp e where e.salary > d.id) x",
    /aggregate subquery correlated by a condition other than an equality/,
  );
  // the subquery itself could be rewritten, but not where it stands
  staysLateral(
    "select * from a.dept d left join lateral (select count(*) as n from b.emp e where e.dept_id = d.id) x on x.n > 1",
    null,
  );
  staysLateral(
    "select * from a.dept d0 left join (a.dept d cross join lateral (select count(*) as n from b.emp e where e.dept_id = d.id) x) on true",
    null,
  );
  staysLateral(
    "select * from a.dept d cross join lateral (select e.id from b.emp e where e.dept_id = d.id order by rank() over (order by e.salary) limit 1) x",
    /LIMIT ordered by a window function/,
  );
  staysLateral(
    "select * from a.dept d cross join lateral (select d.id as i where d.id > 1) x",
    /without FROM with WHERE/,
  );
});

describe("what cannot run at all is refused with 0A000 naming it", () => {
  refuses(
    "select * from a.dept d cross join lateral generate_series(1, d.id) g",
    /LATERAL generate_series\(…\) as a FROM item/,
  );
  refuses("select * from a.dept d, unnest(array[1, 2]) u", /unnest\(…\) as a FROM item/);
  refuses(
    "select * from a.dept d right join lateral (select e.id from b.emp e where e.salary > d.id) x on true",
    /correlated LATERAL subquery in a RIGHT or FULL join/,
  );
});
