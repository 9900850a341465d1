import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import postgres from "postgres";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { assertSameAsOracle, explainText } from "../../support/oracle.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// Correlated subqueries that no rewrite turns into a join, evaluated as a memoized apply, across a
// PostgreSQL service "pgs" and a MariaDB service "my". The oracle is one PostgreSQL database holding
// the same rows in schemas pgs and my.
//
// emp and contact are the rows of subquery-anywhere.test.ts, chosen for the three-valued cases:
// employee 2 has two contacts, 4 and 6 none; contact 4 has a NULL emp_id, 3 a NULL dept, 5 a NULL
// email; employee 4 has a NULL dept, 1 and 5 a NULL boss. grid has 3000 rows whose k takes 6
// values and NULL; big has 20000 rows; words 2000 long texts; amounts equal numerics of other scales.
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
  pgdb = await createPgDatabase("weft_apply_pg");
  mydb = await createMysqlDatabase("weft_apply_my");
  oracle = await createPgDatabase("weft_apply_oracle");
  const empDdl = "(id int primary key, dept int, boss int, name text, active boolean)";
  const contactDdl = "(cid int primary key, emp_id int, email varchar(40), dept int, score int)";
  await oracle.exec("create schema pgs; create schema my");
  for (const [db, schema] of [
    [pgdb, ""],
    [oracle, "pgs."],
  ] as const) {
    await db.exec(`create table ${schema}emp ${empDdl}`);
    await db.exec(`insert into ${schema}emp values ${emps.join(", ")}`);
    await db.exec(`create table ${schema}grid (id int primary key, k int)`);
    await db.exec(`insert into ${schema}grid select g, nullif(g % 7, 0) from generate_series(1, 3000) g`);
    await db.exec(`create table ${schema}words (w text)`);
    await db.exec(
      `insert into ${schema}words select repeat(md5(g::text), 2) from generate_series(1, 2000) g`,
    );
    await db.exec(`create table ${schema}amounts (id int primary key, v numeric)`);
    await db.exec(`insert into ${schema}amounts values (1, 1.0), (2, 1.00), (3, 1), (4, NULL)`);
  }
  await mydb.exec(`create table contact ${contactDdl}`);
  await mydb.exec(`insert into contact values ${contacts.join(", ")}`);
  await mydb.exec("create table big (id int primary key, v int)");
  await mydb.exec("insert into big select seq, seq % 4000 from seq_1_to_20000");
  await oracle.exec(`create table my.contact ${contactDdl}`);
  await oracle.exec(`insert into my.contact values ${contacts.join(", ")}`);
  await oracle.exec("create table my.big (id int primary key, v int)");
  await oracle.exec("insert into my.big select g, g % 4000 from generate_series(1, 20000) g");
  const services = [
    { name: "pgs", kind: "postgres" as const, url: pgdb.url },
    { name: "my", kind: "mysql" as const, url: mydb.url },
  ];
  weft = await startTestWeft({ demo: false, services });
  tiny = await startTestWeft({
    demo: false,
    services,
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

const same = (sql: string, params: unknown[] = []) => assertSameAsOracle(client, oracleClient, sql, params);

async function failure(c: pg.Client, sql: string): Promise<{ code: string; message: string }> {
  try {
    await c.query(sql);
  } catch (err) {
    const e = err as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  assert.fail(`expected an error from: ${sql}`);
}

/** The same error on Weft and on the oracle. */
async function sameError(sql: string): Promise<string> {
  const expected = await failure(oracleClient, sql);
  const actual = await failure(client, sql);
  assert.deepEqual(actual, expected, sql);
  return actual.code;
}

/** Every node of an EXPLAIN (FORMAT JSON) plan, subplans included. */
function nodesOf(plan: any): any[] {
  return [plan, ...((plan.Plans ?? []) as any[]).flatMap(nodesOf)];
}

async function analyzed(sql: string): Promise<any[]> {
  const r = await client.query(`explain (analyze, format json) ${sql}`);
  return nodesOf(JSON.parse(r.rows[0]["QUERY PLAN"])[0].Plan);
}

describe("scalar subqueries the rewrites cannot join", () => {
  test("a non-equality correlation beside an equality; one only in the select list", async () => {
    await same(
      "select e.id, (select max(c.score) from my.contact c where c.emp_id = e.id and c.score <= e.id + 4) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, (select c.score - e.id from my.contact c where c.emp_id = e.id order by c.cid limit 1) as d from pgs.emp e order by 1",
    );
    await same(
      "select e.id, (select count(*) from my.contact c where c.score > e.id) as n from pgs.emp e where (select min(c.cid) from my.contact c where c.score >= e.id) > 1 order by 1",
    );
  });

  test("GROUP BY, HAVING, a window function, a set operation, OFFSET in the subquery", async () => {
    await same(
      "select e.id, (select max(c.score) from my.contact c where c.dept = e.dept group by c.emp_id having count(*) > 1) from pgs.emp e where e.id <> 1 and e.id <> 2 order by 1",
    );
    await same(
      "select e.id, (select r.rank from (select c.cid, rank() over (order by c.score desc nulls last) as rank from my.contact c where c.dept = e.dept) r where r.cid = e.id) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, (select count(*) from (select c.emp_id from my.contact c where c.score > e.id union select e.boss) u) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, (select c.email from my.contact c where c.emp_id = e.id order by c.cid offset 1) from pgs.emp e order by 1",
    );
  });

  test("NULL for no row; 21000 only for a row that reads several, as in PostgreSQL", async () => {
    const sql =
      "select e.id, (select c.email from my.contact c where c.emp_id = e.id order by c.cid limit 2) from pgs.emp e";
    assert.equal(await sameError(sql), "21000");
    await same(
      "select e.id, case when e.id = 2 then 'two' else (select c.email from my.contact c where c.emp_id = e.id order by c.cid limit 2) end from pgs.emp e order by 1",
    );
    await same(
      "select e.id from pgs.emp e where e.id <> 2 and (select c.email from my.contact c where c.emp_id = e.id limit 2) is not null order by 1",
    );
  });

  test("a division by zero in the subquery is raised only for the rows that evaluate it", async () => {
    await same(
      "select e.id, case when e.dept is null then -1 else (select max(c.score / (e.dept - 20)) from my.contact c where c.score > e.id) end from pgs.emp e where e.dept <> 20 or e.dept is null order by 1",
    );
    assert.equal(
      await sameError(
        "select e.id, (select max(c.score / (e.dept - 20)) from my.contact c where c.score > e.id) from pgs.emp e",
      ),
      "22012",
    );
  });

  test("a client parameter inside the subquery", async () => {
    for (const min of [0, 4]) {
      await same(
        "select e.id, (select count(*) from my.contact c where c.score > e.id and c.score >= $1) from pgs.emp e order by 1",
        [min],
      );
    }
  });

  test("outer values equal but printed differently (numeric scale) are evaluated apart", async () => {
    await same(
      "select a.id, (select c.email || ':' || a.v::text from my.contact c where c.cid = 1 and c.score > a.v) from pgs.amounts a order by 1",
    );
  });
});

describe("EXISTS, IN and their negations the joins cannot take", () => {
  test("EXISTS / NOT EXISTS correlated by a non-equality only, under OR and in the select list", async () => {
    await same(
      "select e.id from pgs.emp e where e.active or exists (select 1 from my.contact c where c.score > e.id * 2) order by 1",
    );
    await same(
      "select e.id, exists (select 1 from my.contact c where c.score > e.id), not exists (select 1 from my.contact c where c.dept > e.dept) from pgs.emp e order by 1",
    );
  });

  test("top-level conditions: EXISTS with GROUP BY, NOT EXISTS with a window function, IN with LIMIT", async () => {
    await same(
      "select e.id from pgs.emp e where exists (select c.dept from my.contact c where c.score >= e.id group by c.dept having count(*) > 1) order by 1",
    );
    await same(
      "select e.id from pgs.emp e where not exists (select 1 from (select c.cid, row_number() over (order by c.cid) as n from my.contact c where c.emp_id = e.id) x where x.n > 1) order by 1",
    );
    await same(
      "select e.id from pgs.emp e where e.boss in (select c.emp_id from my.contact c where c.dept = e.dept order by c.cid limit 1) order by 1",
    );
  });

  test("correlated NOT IN as a WHERE condition: NULLs on both sides, empty subqueries", async () => {
    // e.boss NOT IN (contacts' emp_id of e's dept): NULL in the group (dept 20), no group (dept NULL, 30)
    await same(
      "select e.id from pgs.emp e where e.boss not in (select c.emp_id from my.contact c where c.dept = e.dept) order by 1",
    );
    await same(
      "select e.id from pgs.emp e where e.boss not in (select c.emp_id from my.contact c where c.score > e.id) order by 1",
    );
    await same(
      "select e.id from pgs.emp e where e.boss not in (select c.emp_id from my.contact c where c.dept = e.dept order by c.cid limit 1) order by 1",
    );
  });

  test("op ANY / op ALL and a row IN with non-equality correlation", async () => {
    await same(
      "select e.id, e.id < any (select c.score from my.contact c where c.cid > e.id), e.dept >= all (select c.dept from my.contact c where c.score > e.id), e.boss = all (select c.emp_id from my.contact c where c.cid > e.id + 3) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, (e.id, e.dept) in (select c.emp_id, c.dept from my.contact c where c.score > e.id - 5), (e.boss, e.dept) not in (select c.emp_id, c.dept from my.contact c where c.cid >= e.id) from pgs.emp e order by 1",
    );
  });
});

describe("correlated subqueries anywhere", () => {
  test("in JOIN … ON of an inner join; refused in an outer join's ON", async () => {
    await same(
      "select e.id, c.cid from pgs.emp e join my.contact c on c.emp_id = e.id and exists (select 1 from my.contact c2 where c2.score > e.id + c.cid) order by 1, 2",
    );
    const e = await failure(
      client,
      "select e.id, c.cid from pgs.emp e left join my.contact c on c.emp_id = e.id and exists (select 1 from my.contact c2 where c2.score > e.id + c.cid)",
    );
    assert.equal(e.code, "0A000");
    assert.match(e.message, /in the ON condition of an outer join/);
  });

  test("ARRAY (subquery), and nested correlated subqueries", async () => {
    await same(
      "select e.id, array(select c.cid from my.contact c where c.emp_id = e.id order by c.cid), array(select c.score from my.contact c where c.score > e.id order by 1 desc) from pgs.emp e order by 1",
    );
    await same(
      "select e.id, (select count(*) from my.contact c where c.dept = e.dept and c.score > (select min(c2.score) from my.contact c2 where c2.cid > e.id)) from pgs.emp e order by 1",
    );
    await same(
      "select e.id from pgs.emp e where exists (select 1 from my.contact c where c.emp_id = e.id and exists (select 1 from pgs.emp e2 where e2.boss = c.emp_id and e2.id > e.id)) order by 1",
    );
  });

  test("over the groups of a grouped query: select list, HAVING and ORDER BY", async () => {
    await same(
      "select e.dept, count(*), (select count(*) from my.contact c where c.score > e.dept / 10) from pgs.emp e group by e.dept order by 1 nulls first",
    );
    await same(
      "select e.dept, count(*) from pgs.emp e group by e.dept having count(*) < (select count(*) from my.contact c where c.dept >= e.dept) order by 1",
    );
    await same(
      "select e.dept from pgs.emp e group by e.dept order by (select count(*) from my.contact c where c.dept <= e.dept), 1 nulls first",
    );
    await same(
      "select e.dept, count(*) from pgs.emp e group by e.dept having count(*) in (select c.score - 1 from my.contact c where c.dept > e.dept) order by 1",
    );
  });

  test("LATERAL the rewrite cannot decorrelate: a per-row LIMIT over a non-equality, LEFT JOIN ON a condition", async () => {
    await same(
      "select e.id, t.cid from pgs.emp e cross join lateral (select c.cid from my.contact c where c.score > e.id order by c.score, c.cid limit 2) t order by 1, 2",
    );
    await same(
      "select e.id, t.n from pgs.emp e left join lateral (select count(*) as n from my.contact c where c.emp_id = e.id) t on t.n > 1 order by 1",
    );
    await same(
      "select e.id, t.* from pgs.emp e, lateral (select c.cid, e.name || c.email as label from my.contact c where c.dept = e.dept) t order by 1, 2",
    );
  });
});

describe("memoized: one evaluation per distinct outer value, each remote scan read once", () => {
  test("3000 outer rows with 7 distinct values: 7 evaluations, one query per scan", async () => {
    const sql = "select g.id, (select count(*) from my.contact c where c.score > g.k) from pgs.grid g";
    await same(`${sql} order by 1`);
    const nodes = await analyzed(sql);
    const apply = nodes.find((n) => n["Node Type"] === "SubPlan Apply");
    assert.equal(apply.Evaluations, 7);
    assert.equal(apply["Cache Hits"], 3000 - 7);
    const scans = nodes.filter((n) => n["Node Type"] === "Remote Scan");
    assert.equal(scans.length, 2);
    for (const scan of scans) assert.equal(scan["Remote Queries"], 1, scan["Native SQL"]);
  });

  test("an equality with the outer value reads the cached rows through a lookup", async () => {
    const sql =
      "select g.id, (select max(b.id) from my.big b where b.v = g.id and b.id > g.k) from pgs.grid g where g.id <= 500";
    await same(`${sql} order by 1`);
    const nodes = await analyzed(sql);
    const big = nodes.find((n) => n["Node Type"] === "Remote Scan" && /`big`/.test(n["Native SQL"]));
    assert.equal(big["Remote Queries"], 1);
    assert.deepEqual(big["Cached Lookup"], ["v = $1"]);
    // each evaluation reads the 5 rows holding its value, not the 20000
    assert.equal(big["Actual Rows"], 500 * 5);
  });

  test("EXPLAIN: the apply, its subplan, and scans whose SQL does not read the outer row", async () => {
    const text = await explainText(
      client,
      "select e.id, (select max(c.score) from my.contact c where c.emp_id = e.id and c.score <= e.id + 4) from pgs.emp e",
    );
    assert.match(text, /SubPlan Apply \(correlated subquery, memoized by 1 param\)/);
    assert.match(text, /SubPlan \(scalar subquery, run once per distinct \$\d+; remote scans read once\)/);
    const native = text.match(/Native SQL: (SELECT .* FROM `contact` .*)/);
    assert.ok(native, text);
    assert.doesNotMatch(native[1], /WHERE/);
    assert.match(text, /Kept in memory: reads a column of the outer query/);
  });
});

describe("limits", () => {
  test("the cached rows count against the query's memory limit (53200)", async () => {
    const sql =
      "select c.cid, (select count(*) from pgs.words w where length(w.w) > c.score) from my.contact c";
    const small = new pg.Client({ connectionString: tiny.url });
    await small.connect();
    try {
      const e = await failure(small, sql);
      assert.equal(e.code, "53200");
      assert.match(e.message, /correlated subquery \(apply\)/);
    } finally {
      await small.end();
    }
    await same(`${sql} order by 1`);
  });

  test("a CancelRequest stops a long apply with 57014", async () => {
    const sql = postgres(weft.url, { max: 1, onnotice: () => {} });
    try {
      const running = sql.unsafe(
        "select g.id, (select count(*) from my.big b where b.v > g.id) from pgs.grid g",
      );
      const started = Date.now();
      setTimeout(() => running.cancel(), 300);
      await assert.rejects(running, (err: { code: string }) => err.code === "57014");
      assert.ok(Date.now() - started < 5_000, "cancel took effect promptly");
      const [row] = await sql`select count(*)::int as n from pgs.emp`;
      assert.equal(row.n, 6, "the connection works after the cancel");
    } finally {
      await sql.end();
    }
  });
});
