import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// Subqueries under OR, NOT, CASE, in the select list and HAVING, correlated or not, across a
// PostgreSQL service "pgs" (emp) and a MariaDB service "my" (contact). The oracle is one
// PostgreSQL database holding the same rows in schemas pgs and my.
//
// The rows are chosen for the three-valued cases: employee 2 has two contacts (a scalar
// subquery over it is 21000), employees 4 and 6 have none, contact 4 has a NULL emp_id,
// contact 3 a NULL dept, contact 5 a NULL email, employee 4 a NULL dept, 1 and 5 a NULL boss.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let oracle: TestDatabase;
let weft: TestWeft;
let tiny: TestWeft;
let client: pg.Client;
let oracleClient: pg.Client;

const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

const emps = [
  "(1, 10, NULL, 'ann', true)",
  "(2, 10, 1, 'bob', false)",
  "(3, 20, 1, 'cy', NULL)",
  "(4, NULL, 2, 'di', true)",
  "(5, 30, NULL, 'ed', false)",
  "(6, 20, 3, NULL, false)",
];
const contacts = [
  "(1, 1, 'ann@x', 10, 5)",
  "(2, 2, 'bob@x', 10, NULL)",
  "(3, 2, 'bob2@x', NULL, 7)",
  "(4, NULL, 'nobody@x', 20, 3)",
  "(5, 3, NULL, 20, 1)",
  "(6, 5, 'ed@x', 99, 2)",
];

before(async () => {
  pgdb = await createPgDatabase("weft_sqany_pg");
  mydb = await createMysqlDatabase("weft_sqany_my");
  oracle = await createPgDatabase("weft_sqany_oracle");
  const empDdl = "(id int primary key, dept int, boss int, name text, active boolean)";
  const contactDdl = "(cid int primary key, emp_id int, email varchar(40), dept int, score int)";
  await pgdb.exec(`create table emp ${empDdl}`);
  await pgdb.exec(`insert into emp values ${emps.join(", ")}`);
  await mydb.exec(`create table contact ${contactDdl}`);
  await mydb.exec(`insert into contact values ${contacts.join(", ")}`);
  await oracle.exec("create schema pgs; create schema my");
  await oracle.exec(`create table pgs.emp ${empDdl}`);
  await oracle.exec(`insert into pgs.emp values ${emps.join(", ")}`);
  await oracle.exec(`create table my.contact ${contactDdl}`);
  await oracle.exec(`insert into my.contact values ${contacts.join(", ")}`);
  // 100 values and a NULL: an IN list long enough to be probed through a hash set
  for (const db of [pgdb, oracle]) {
    const table = db === oracle ? "pgs.nums" : "nums";
    await db.exec(`create table ${table} (n int)`);
    await db.exec(`insert into ${table} select g * 2 from generate_series(0, 99) g union all select null`);
  }
  // 2000 longer texts: an array too big for a 64 kB query memory limit
  for (const [db, table] of [
    [pgdb, "words"],
    [oracle, "pgs.words"],
  ] as const) {
    await db.exec(`create table ${table} (w text)`);
    await db.exec(`insert into ${table} select repeat(md5(g::text), 2) from generate_series(1, 2000) g`);
  }
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pgs", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
    ],
  });
  tiny = await startTestWeft({
    demo: false,
    services: [
      { name: "pgs", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
    ],
    configure: (config) => {
      config.limits = { queryMemory: 64 * 1024 };
    },
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
  await tiny?.stop();
  for (const db of [pgdb, mydb, oracle]) await db?.drop();
});

async function same(sql: string, params: unknown[] = []): Promise<void> {
  const expected = await oracleClient.query({ text: sql, values: params, rowMode: "array" });
  const actual = await client.query({ text: sql, values: params, rowMode: "array" });
  assert.deepEqual(
    actual.fields.map((f) => [f.name, f.dataTypeID]),
    expected.fields.map((f) => [f.name, f.dataTypeID]),
    `columns of: ${sql}`,
  );
  assert.deepEqual(actual.rows, expected.rows, sql);
}

async function failure(c: pg.Client, sql: string): Promise<{ code: string; message: string }> {
  try {
    await c.query(sql);
  } catch (err) {
    const e = err as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  assert.fail(`expected an error from: ${sql}`);
}

/** Every node of an EXPLAIN (ANALYZE, FORMAT JSON) plan, init plans included. */
function nodesOf(plan: any): any[] {
  return [plan, ...((plan.Plans ?? []) as any[]).flatMap(nodesOf)];
}

async function remoteQueries(sql: string): Promise<{ scans: number; queries: number }> {
  const r = await client.query(`explain (analyze, format json) ${sql}`);
  const nodes = nodesOf(JSON.parse(r.rows[0]["QUERY PLAN"])[0].Plan);
  const scans = nodes.filter((n) => n["Node Type"] === "Remote Scan");
  return { scans: scans.length, queries: scans.reduce((n, s) => n + (s["Remote Queries"] ?? 0), 0) };
}

describe("uncorrelated IN / ANY / ALL anywhere: one init plan computing an array", () => {
  test("in the select list, with NULLs on both sides and an empty subquery", async () => {
    await same(
      "select e.id, e.dept in (select c.dept from my.contact c), e.dept not in (select c.dept from my.contact c where c.dept is not null), e.boss in (select c.emp_id from my.contact c where c.score > 100), e.boss not in (select c.emp_id from my.contact c where c.score > 100) from pgs.emp e order by 1",
    );
  });

  test("under OR, NOT and CASE in WHERE; in HAVING", async () => {
    await same(
      "select e.id from pgs.emp e where e.active or e.dept in (select c.dept from my.contact c where c.score > 4) order by 1",
    );
    await same(
      "select e.id from pgs.emp e where not (e.boss in (select c.emp_id from my.contact c)) or e.id = 6 order by 1",
    );
    await same(
      "select e.id, case when e.boss in (select c.emp_id from my.contact c where c.dept = 10) then 'boss' else 'other' end from pgs.emp e order by 1",
    );
    await same(
      "select e.dept, count(*) from pgs.emp e group by e.dept having e.dept in (select c.dept from my.contact c) or count(*) > 1 order by 1 nulls first",
    );
  });

  test("op ANY and op ALL with other operators, ALL over an empty subquery is true", async () => {
    await same(
      "select e.id, e.id < any (select c.score from my.contact c), e.id >= all (select c.score from my.contact c where c.dept = 10), e.id > all (select c.score from my.contact c where c.score > 100), e.dept <> all (select c.dept from my.contact c where c.dept <> 10) from pgs.emp e order by 1",
    );
  });

  test("a parameter inside the subquery; ARRAY(subquery)", async () => {
    for (const min of [0, 4, 100]) {
      await same(
        "select e.id, e.id in (select c.emp_id from my.contact c where c.score >= $1) from pgs.emp e where e.active or e.id in (select c.emp_id from my.contact c where c.score >= $1) order by 1",
        [min],
      );
    }
    await same(
      "select e.id, array(select c.cid from my.contact c where c.score > 2 order by c.cid) from pgs.emp e order by 1",
    );
  });

  test("a long list of values, with and without a NULL", async () => {
    await same(
      "select c.cid, c.score in (select n from pgs.nums), c.score not in (select n from pgs.nums where n is not null and n > 3), c.score = any (select n from pgs.nums where n is not null) from my.contact c order by 1",
    );
  });

  test("the array counts against the query's memory limit", async () => {
    const sql = "select c.cid from my.contact c where c.score > 100 or c.email in (select w from pgs.words)";
    const small = new pg.Client({ connectionString: tiny.url });
    await small.connect();
    try {
      const e = await failure(small, sql);
      assert.equal(e.code, "53200");
      assert.match(e.message, /init plan/);
    } finally {
      await small.end();
    }
    await same(`${sql} order by 1`);
  });

  test("the subquery runs once, whatever the number of rows", async () => {
    const { scans, queries } = await remoteQueries(
      "select e.id, e.dept in (select c.dept from my.contact c) from pgs.emp e",
    );
    assert.equal(scans, 2);
    assert.equal(queries, 2);
  });
});

describe("correlated EXISTS / NOT EXISTS anywhere: a LEFT JOIN with the grouped subquery", () => {
  test("under OR, in the select list, under NOT, in CASE", async () => {
    await same(
      "select e.id from pgs.emp e where e.active or exists (select 1 from my.contact c where c.emp_id = e.id and c.score > 2) order by 1",
    );
    await same(
      "select e.id, exists (select 1 from my.contact c where c.emp_id = e.id) as has, not exists (select 1 from my.contact c where c.dept = e.dept and c.score is null) as no_null from pgs.emp e order by 1",
    );
    await same(
      "select e.id, case when exists (select 1 from my.contact c where c.emp_id = e.boss) then 'boss listed' else 'no' end from pgs.emp e order by 1",
    );
    await same(
      "select e.id from pgs.emp e where not (exists (select 1 from my.contact c where c.dept = e.dept) and e.active) order by 1",
    );
  });

  test("a condition over the outer row alone, several keys, a LIMIT and duplicates in the subquery", async () => {
    await same(
      "select e.id, exists (select 1 from my.contact c where c.emp_id = e.id and e.active) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, exists (select c.cid from my.contact c where c.dept = e.dept and c.emp_id = e.boss limit 1) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, exists (select 1 from my.contact c where c.dept = e.dept) from pgs.emp e where e.id < 6 or exists (select 1 from my.contact c where c.dept = e.dept) order by 1",
    );
  });

  test("SELECT * shows no helper column; a comma join keeps its join key", async () => {
    await same(
      "select * from pgs.emp e where e.active or exists (select 1 from my.contact c where c.emp_id = e.id) order by e.id",
    );
    await same(
      "select e.*, c2.cid from pgs.emp e, my.contact c2 where c2.emp_id = e.id and (c2.score > 4 or exists (select 1 from my.contact c where c.dept = e.dept and c.emp_id = c2.emp_id)) order by e.id, c2.cid",
    );
  });

  test("in a grouped query: select list and HAVING", async () => {
    await same(
      "select e.dept, count(*), exists (select 1 from my.contact c where c.dept = e.dept) from pgs.emp e group by e.dept order by 1 nulls first",
    );
    await same(
      "select e.dept, count(*) from pgs.emp e group by e.dept having exists (select 1 from my.contact c where c.dept = e.dept and c.score > 2) or count(*) = 1 order by 1 nulls first",
    );
  });

  test("no query per outer row: each subquery is read once", async () => {
    const { scans, queries } = await remoteQueries(
      "select e.id, exists (select 1 from my.contact c where c.emp_id = e.id) from pgs.emp e where e.active or exists (select 1 from my.contact c where c.dept = e.dept)",
    );
    assert.equal(scans, 3);
    assert.equal(queries, 3);
  });
});

describe("correlated IN / NOT IN / op ANY / op ALL anywhere, three-valued", () => {
  test("every case: match, NULL left operand, NULL in the group, empty group", async () => {
    // e.boss IN (contacts of e's dept): e1 NULL/{1,2} → NULL, e2 1/{1,2} → true,
    // e3 1/{NULL,3} → NULL, e4 dept NULL → empty → false, e5 NULL/empty → false, e6 3/{NULL,3} → true
    await same(
      "select e.id, e.boss in (select c.emp_id from my.contact c where c.dept = e.dept) as in_, e.boss not in (select c.emp_id from my.contact c where c.dept = e.dept) as not_in, e.boss <> all (select c.emp_id from my.contact c where c.dept = e.dept) as ne_all from pgs.emp e order by 1",
    );
    await same(
      "select e.id, e.dept in (select c.dept from my.contact c where c.emp_id = e.id), e.dept not in (select c.dept from my.contact c where c.emp_id = e.id) from pgs.emp e order by 1",
    );
  });

  test("under OR and NOT in WHERE, in CASE", async () => {
    await same(
      "select e.id from pgs.emp e where e.active or e.boss in (select c.emp_id from my.contact c where c.dept = e.dept) order by 1",
    );
    await same(
      "select e.id from pgs.emp e where not (e.boss in (select c.emp_id from my.contact c where c.dept = e.dept)) or e.id = 1 order by 1",
    );
    await same(
      "select e.id, case when e.boss not in (select c.emp_id from my.contact c where c.dept = e.dept) then 'out' when e.boss is null then 'none' else 'in or unknown' end from pgs.emp e order by 1",
    );
  });

  test("other operators compare with the group's values", async () => {
    await same(
      "select e.id, e.id < any (select c.score from my.contact c where c.dept = e.dept), e.id >= all (select c.score from my.contact c where c.dept = e.dept), e.id = all (select c.emp_id from my.contact c where c.dept = e.dept) from pgs.emp e order by 1",
    );
  });

  test("as a GROUP BY key: rows with one answer form one group, however it was reached", async () => {
    // false for employees 1 and 2 (group without NULL) and for 4 and 5 (empty group)
    await same(
      "select e.id + 10 in (select c.emp_id from my.contact c where c.dept = e.dept) as b, count(*) from pgs.emp e group by 1 order by 1 nulls first",
    );
    await same(
      "select exists (select 1 from my.contact c where c.dept = e.dept and c.score > 2) as x, count(*) from pgs.emp e group by exists (select 1 from my.contact c where c.dept = e.dept and c.score > 2) order by 1",
    );
  });

  test("in a grouped query's HAVING", async () => {
    await same(
      "select e.dept, count(*) from pgs.emp e group by e.dept having count(*) in (select c.score from my.contact c where c.dept = e.dept) or e.dept is null order by 1 nulls first",
    );
  });
});

describe("correlated scalar subqueries anywhere", () => {
  test("without an aggregate: the one value, NULL for no row", async () => {
    await same(
      "select e.id, (select c.email from my.contact c where c.emp_id = e.id) as email from pgs.emp e where e.id <> 2 order by 1",
    );
    await same(
      "select e.id from pgs.emp e where e.id <> 2 and (e.active or (select c.score from my.contact c where c.emp_id = e.id) > 1) order by 1",
    );
  });

  test("several rows for a probed outer row is 21000; for a row never probed it is not", async () => {
    const e = await failure(
      client,
      "select e.id, (select c.email from my.contact c where c.emp_id = e.id) from pgs.emp e",
    );
    assert.equal(e.code, "21000");
    assert.equal(e.message, "more than one row returned by a subquery used as an expression");
    const o = await failure(
      oracleClient,
      "select e.id, (select c.email from my.contact c where c.emp_id = e.id) from pgs.emp e",
    );
    assert.equal(o.code, "21000");
    // employee 2 is filtered out, or its CASE branch never reads the subquery
    await same(
      "select e.id, case when e.id = 2 then 'two' else (select c.email from my.contact c where c.emp_id = e.id) end from pgs.emp e order by 1",
    );
    await same(
      "select e.id from pgs.emp e where e.id > 2 and ((select c.score from my.contact c where c.emp_id = e.id) is null or e.active) order by 1",
    );
  });

  test("ORDER BY … LIMIT 1 takes the first; DISTINCT collapses equal rows", async () => {
    await same(
      "select e.id, (select c.email from my.contact c where c.emp_id = e.id order by c.cid desc limit 1) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, (select distinct c.dept from my.contact c where c.dept = e.dept) from pgs.emp e order by 1",
    );
  });

  test("with aggregates, in a grouped query, in HAVING, and an expression over aggregates", async () => {
    await same(
      "select e.dept, count(*), (select count(*) from my.contact c where c.dept = e.dept) as n from pgs.emp e group by e.dept order by 1 nulls first",
    );
    await same(
      "select e.dept, count(*) from pgs.emp e group by e.dept having count(*) >= (select count(*) from my.contact c where c.dept = e.dept) order by 1 nulls first",
    );
    await same(
      "select e.id, (select coalesce(sum(c.score), -1) from my.contact c where c.emp_id = e.id), (select max(c.score) + 1 from my.contact c where c.emp_id = e.id) from pgs.emp e order by 1",
    );
    await same(
      "select * from pgs.emp e where (select count(*) from my.contact c where c.emp_id = e.id) = 0 order by 1",
    );
  });

  test("no query per outer row", async () => {
    const { scans, queries } = await remoteQueries(
      "select e.id, (select c.email from my.contact c where c.emp_id = e.id order by c.cid limit 1), (select count(*) from my.contact c where c.dept = e.dept) from pgs.emp e",
    );
    assert.equal(scans, 3);
    assert.equal(queries, 3);
  });
});

describe("the other way round: a MariaDB query, subqueries over PostgreSQL (grouped there)", () => {
  test("scalar values (a NULL among them), op ANY over the group's array, IN, EXISTS", async () => {
    await same(
      "select c.cid, (select e.name from pgs.emp e where e.id = c.emp_id) as name, c.score < any (select e.id from pgs.emp e where e.dept = c.dept) as lt_any, c.emp_id in (select e.boss from pgs.emp e where e.dept = c.dept) as is_boss, exists (select 1 from pgs.emp e where e.boss = c.emp_id) as has_reports from my.contact c order by 1",
    );
    await same(
      "select c.cid from my.contact c where c.score is null or c.emp_id not in (select e.id from pgs.emp e where e.dept = c.dept and e.active is not null) order by 1",
    );
  });
});

describe("what is not decorrelated runs as an apply (apply.test.ts) with PostgreSQL's results", () => {
  test("non-equality correlation, correlated ARRAY, row comparisons, LIMIT 2", async () => {
    await same(
      "select e.id from pgs.emp e where e.active or exists (select 1 from my.contact c where c.score > e.id) order by 1",
    );
    await same(
      "select e.id, array(select c.cid from my.contact c where c.emp_id = e.id order by c.cid) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, (e.id, e.dept) in (select c.emp_id, c.dept from my.contact c) from pgs.emp e order by 1",
    );
    // employee 2 has two contacts: 21000 from both, and no error where no row reads two
    const sql =
      "select e.id, (select c.email from my.contact c where c.emp_id = e.id limit 2) from pgs.emp e";
    const expected = await failure(oracleClient, sql);
    assert.equal(expected.code, "21000");
    assert.deepEqual(await failure(client, sql), expected);
    await same(`${sql} where e.id <> 2 order by 1`);
  });
});
