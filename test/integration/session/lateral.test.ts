import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { assertSameAsOracle, explainText } from "../../support/oracle.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// LATERAL subqueries across a PostgreSQL service "pgs" (dept) and a MariaDB service "my" (emp),
// checked row for row against one PostgreSQL database holding the same rows in schemas pgs and my.
// The rows cover departments without employees, NULL keys on both sides, salary ties and NULLs.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let oracle: TestDatabase;
let weft: TestWeft;
let client: pg.Client;
let oracleClient: pg.Client;

const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

const deptDdl = "(id int, region varchar(10), name varchar(20) not null)";
const depts = [
  "(1, 'north', 'Sales')",
  "(2, 'south', 'R&D')",
  "(3, 'north', 'Empty')",
  "(NULL, 'west', 'Nowhere')",
  "(4, NULL, 'No region')",
];
const empDdl = "(id int primary key, dept_id int, region varchar(10), salary int)";
const emps = [
  "(1, 1, 'north', 100)",
  "(2, 1, 'north', 300)",
  "(3, 1, 'south', 200)",
  "(4, 2, 'south', 300)",
  "(5, 2, 'south', 300)",
  "(6, 2, 'north', 50)",
  "(7, NULL, 'west', 70)",
  "(8, 4, NULL, 10)",
  "(9, 1, 'north', NULL)",
];

before(async () => {
  pgdb = await createPgDatabase("weft_lat_pg");
  mydb = await createMysqlDatabase("weft_lat_my");
  oracle = await createPgDatabase("weft_lat_oracle");
  await pgdb.exec(`create table dept ${deptDdl}`);
  await pgdb.exec(`insert into dept values ${depts.join(", ")}`);
  await mydb.exec(`create table emp ${empDdl}`);
  await mydb.exec(`insert into emp values ${emps.join(", ")}`);
  await oracle.exec("create schema pgs; create schema my");
  await oracle.exec(`create table pgs.dept ${deptDdl}`);
  await oracle.exec(`insert into pgs.dept values ${depts.join(", ")}`);
  await oracle.exec(`create table my.emp ${empDdl}`);
  await oracle.exec(`insert into my.emp values ${emps.join(", ")}`);
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pgs", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
    ],
  });
  client = new pg.Client({ connectionString: weft.url, types: raw });
  await client.connect();
  oracleClient = new pg.Client({ connectionString: oracle.url, types: raw });
  await oracleClient.connect();
});

after(async () => {
  await client?.end().catch(() => {});
  await oracleClient?.end().catch(() => {});
  await weft?.stop();
  for (const db of [pgdb, mydb, oracle]) await db?.drop();
});

const same = (sql: string, params: unknown[] = []) => assertSameAsOracle(client, oracleClient, sql, params);

const explain = (sql: string) => explainText(client, sql);

const topTwo =
  "select d.id, t.id as emp, t.salary from pgs.dept d cross join lateral (select e.id, e.salary from my.emp e where e.dept_id = d.id order by e.salary desc nulls last, e.id limit 2) t order by d.id, t.salary desc, t.id";

describe("LATERAL across services returns what one PostgreSQL would", () => {
  test("CROSS JOIN LATERAL with a per-row top-N drops outer rows without matches", async () => {
    const rows = await same(topTwo);
    assert.ok(rows > 0);
  });

  test("LEFT JOIN LATERAL … ON true keeps outer rows without matches (and NULL keys) with NULLs", async () => {
    await same(
      "select d.id, d.name, t.id from pgs.dept d left join lateral (select e.id from my.emp e where e.dept_id = d.id and e.salary > 250) t on true order by d.name, t.id",
    );
    await same(
      "select d.name, t.id from pgs.dept d left join lateral (select e.id from my.emp e where e.dept_id = d.id order by e.id limit 1) t on t.id > 1 order by d.name",
    );
  });

  test("the comma form, two correlation keys, NULL keys never match", async () => {
    await same(
      "select d.name, t.id from pgs.dept d, lateral (select e.id from my.emp e where e.dept_id = d.id and e.region = d.region) t order by 1, 2",
    );
  });

  test("OFFSET, LIMIT with OFFSET, and both as parameters", async () => {
    await same(
      "select d.id, t.id from pgs.dept d cross join lateral (select e.id from my.emp e where e.dept_id = d.id order by e.salary desc nulls last, e.id offset 1) t order by 1, 2",
    );
    await same(
      "select d.id, t.id from pgs.dept d cross join lateral (select e.id from my.emp e where e.dept_id = d.id order by e.salary desc nulls last, e.id limit 2 offset 1) t order by 1, 2",
    );
    for (const [limit, offset] of [
      [1, 0],
      [2, 1],
      [null, 1],
      [1, null],
    ]) {
      await same(
        "select d.id, t.id from pgs.dept d cross join lateral (select e.id from my.emp e where e.dept_id = d.id order by e.id limit $1 offset $2) t order by 1, 2",
        [limit, offset],
      );
    }
  });

  test("LIMIT and OFFSET read the outer row", async () => {
    await same(
      "select d.id, t.id from pgs.dept d cross join lateral (select e.id from my.emp e where e.dept_id = d.id order by e.id limit d.id offset d.id - 1) t order by 1, 2",
    );
  });

  test("a LATERAL subquery without FROM: expressions over the outer row", async () => {
    await same(
      "select e.id, t.* from my.emp e join pgs.dept d on d.id = e.dept_id cross join lateral (select d.name || '/' || e.region as label, e.salary * 2 as twice) t where t.twice > 100 order by e.id",
    );
  });

  test("aggregates without GROUP BY: one row per outer row, count over no rows is 0", async () => {
    await same(
      "select d.name, a.n, a.total, a.top, a.plus from pgs.dept d left join lateral (select count(*) as n, sum(e.salary) as total, max(e.salary) as top, count(e.salary) + 1 as plus from my.emp e where e.dept_id = d.id) a on true order by d.name",
    );
    await same(
      "select d.name, x.* from pgs.dept d cross join lateral (select count(e.salary), avg(e.salary) from my.emp e where e.dept_id = d.id) x where x.count < 3 order by x.count, d.name",
    );
    await same(
      "select d.name, c.n from pgs.dept d join lateral (select count(*) as n from my.emp e where e.dept_id = d.id and e.region = d.region) c on c.n = 0 order by 1",
    );
  });

  test("* and alias.* show the subquery's own columns only", async () => {
    await same(
      "select * from pgs.dept d cross join lateral (select e.id, e.salary from my.emp e where e.dept_id = d.id order by e.id limit 1) t order by d.id",
    );
    await same(
      "select t.*, d.name from pgs.dept d, lateral (select * from my.emp e where e.dept_id = d.id) as t(emp_id) order by t.emp_id",
    );
  });

  test("a correlated condition other than an equality moves to the join", async () => {
    await same(
      "select d.id, t.id from pgs.dept d left join lateral (select e.id from my.emp e where e.dept_id = d.id and e.salary > d.id * 100) t on true order by d.name, t.id",
    );
  });

  test("GROUP BY, window functions and DISTINCT inside the LATERAL subquery", async () => {
    await same(
      "select d.id, g.region, g.n from pgs.dept d cross join lateral (select e.region, count(*) as n from my.emp e where e.dept_id = d.id group by e.region) g order by 1, 2 nulls first",
    );
    await same(
      "select d.id, w.id, w.r from pgs.dept d cross join lateral (select e.id, rank() over (order by e.salary desc nulls last) as r from my.emp e where e.dept_id = d.id) w order by 1, 2",
    );
    await same(
      "select d.id, s.salary from pgs.dept d cross join lateral (select distinct e.salary from my.emp e where e.dept_id = d.id) s order by 1, 2 nulls first",
    );
  });

  test("WITH TIES, ORDER BY an output name or position, expressions as keys", async () => {
    await same(
      "select d.id, t.id from pgs.dept d cross join lateral (select e.id from my.emp e where e.dept_id = d.id order by e.salary desc nulls last fetch first 1 row with ties) t order by 1, 2",
    );
    await same(
      "select d.id, t.id, t.s from pgs.dept d cross join lateral (select e.id, e.salary as s from my.emp e where e.dept_id + 1 = d.id + 1 order by s desc nulls last, 1 limit 2) t where t.s is not null order by 1, 2",
    );
  });

  test("a second LATERAL reading the first one's count; grouping by a LATERAL aggregate", async () => {
    await same(
      "select d.name, c.n, t.id from pgs.dept d cross join lateral (select count(*) as n from my.emp e where e.dept_id = d.id) c left join lateral (select e.id from my.emp e where e.id = c.n) t on true order by d.name",
    );
    await same(
      "select a.n, count(*) from pgs.dept d cross join lateral (select count(*) as n from my.emp e where e.dept_id = d.id) a group by a.n order by 1",
    );
  });

  test("the other direction: MariaDB rows outside, PostgreSQL inside", async () => {
    await same(
      "select e.id, x.name from my.emp e left join lateral (select d.name from pgs.dept d where d.id = e.dept_id and d.region is not null) x on true order by e.id",
    );
  });

  test("a LATERAL subquery that itself joins both services", async () => {
    await same(
      "select d.id, t.id, t.name from pgs.dept d cross join lateral (select e.id, d2.name from my.emp e join pgs.dept d2 on d2.region = e.region where e.dept_id = d.id order by e.salary desc nulls last, e.id, d2.name limit 3) t order by 1, 2, 3",
    );
  });

  test("EXPLAIN shows the rewritten plan: a join on the hidden key, the row numbers pushed to the source", async () => {
    const text = await explain(topTwo);
    assert.match(text, /Hash Inner Join|Bind Inner Join/);
    assert.match(text, /ROW_NUMBER\(\) OVER \(PARTITION BY `e`.`dept_id` ORDER BY `e`.`salary` DESC/);
    assert.match(text, /`weft_lat_rn` <= \?/);
    assert.doesNotMatch(text, /LATERAL/);
  });

  test("EXPLAIN of a cross-service LATERAL subquery: the window runs in memory over the inner join", async () => {
    const text = await explain(
      "select d.id, t.id from pgs.dept d cross join lateral (select e.id from my.emp e join pgs.dept d2 on d2.region = e.region where e.dept_id = d.id order by e.id limit 1) t",
    );
    const join = text.indexOf("Join");
    const window = text.indexOf("WindowAgg");
    assert.ok(join >= 0 && window > join, text);
    assert.match(text, /(Hash|Bind) Inner Join[\s\S]*WindowAgg[\s\S]*(Hash|Bind) Inner Join/);
  });
});

describe("LATERAL within one service", () => {
  test("on PostgreSQL the statement is pushed down whole, LATERAL included", async () => {
    const sql =
      "select d.id, t.n from pgs.dept d cross join lateral (select count(*) as n from pgs.dept d2 where d2.region = d.region) t order by 1";
    const text = await explain(sql);
    assert.match(text, /Remote Statement on service "pgs"/);
    assert.match(text, /LATERAL/);
    await same(sql);
  });

  test("on MariaDB (which has no LATERAL) the service refuses it whole, and the rewritten query matches PostgreSQL", async () => {
    await same(
      "select e.id, t.id as peer from my.emp e cross join lateral (select e2.id from my.emp e2 where e2.dept_id = e.dept_id and e2.region = e.region order by e2.salary desc, e2.id desc limit 1) t order by 1",
    );
    await same(
      "select e.id, t.n from my.emp e left join lateral (select count(*) as n from my.emp e2 where e2.region = e.region and e2.salary > 100) t on true order by 1",
    );
  });
});

describe("what the rewrite cannot decorrelate runs as an apply with PostgreSQL's results", () => {
  test("a correlated select list, a per-row LIMIT over a non-equality", async () => {
    await same(
      "select d.id, t.x from pgs.dept d cross join lateral (select d.name as x from my.emp e where e.dept_id = d.id) t order by 1, 2",
    );
    await same(
      "select d.id, t.id from pgs.dept d cross join lateral (select e.id from my.emp e where e.salary > d.id order by e.id limit 1) t order by 1, 2",
    );
    assert.match(
      await explain(
        "select d.id, t.id from pgs.dept d cross join lateral (select e.id from my.emp e where e.salary > d.id order by e.id limit 1) t",
      ),
      /Lateral Apply Inner Join \(memoized by 1 param\)/,
    );
  });
});

describe("what cannot run is refused with 0A000 naming it", () => {
  const refused: [string, RegExp][] = [
    ["select e.id, g from my.emp e cross join lateral generate_series(1, e.id) g", /generate_series/],
  ];
  for (const [sql, message] of refused) {
    test(sql, async () => {
      await assert.rejects(
        client.query(sql),
        (err: { code?: string; message?: string }) => err.code === "0A000" && message.test(err.message ?? ""),
      );
    });
  }
});
