import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { assertSameAsOracle, explainText } from "../../support/oracle.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// [NOT] EXISTS / [NOT] IN across services as bind joins. PostgreSQL service "pgs" (emp, contact,
// events), MariaDB service "my" (salary, staff); the oracle holds the same rows in one PostgreSQL
// database. Statistics are gathered before Weft starts; "events" then grows from 20 to 1520 rows,
// so its estimate stays small while it is larger than a bind join's switch point.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let oracle: TestDatabase;
let weft: TestWeft;
let client: pg.Client;
let oracleClient: pg.Client;

const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sqlValue = (v: number | string | null) => (v === null ? "null" : typeof v === "number" ? v : `'${v}'`);
const rowsSql = (rows: (number | string | null)[][]) =>
  rows.map((r) => `(${r.map(sqlValue).join(", ")})`).join(", ");

// 200 employees in 10 departments; every 7th has no manager
const emp = range(200).map((i) => [i, `d${i % 10}`, i % 7 === 0 ? null : (i * 17) % 260]);
// 12000 salaries: duplicates per employee, none for employees whose id is a multiple of 13,
// orphans (emp_id above 200) and NULL emp_ids
const salaryEmp = (i: number) => {
  const e = 1 + ((i * 7) % 260);
  return e % 13 === 0 ? e + 1000 : e;
};
const salary = range(12000).map((i) => [i, i % 101 === 0 ? null : salaryEmp(i), (i * 37) % 1000]);
// 3000 contacts: duplicates per employee, NULL emp_ids, employees that do not exist
const contact = range(3000).map((i) => [i, i % 50 === 0 ? null : (i * 11) % 400, `note ${i}`]);
// 300 staff rows: a NOT NULL key, and a mentor column with duplicates and NULLs
const staff = range(300).map((i) => [i, `d${i % 10}`, i % 9 === 0 ? null : 1 + (i % 25)]);
const events = (from: number, to: number) => range(to - from + 1).map((i) => [from + i - 1, 1 + (i % 40)]);

const ddl = {
  emp: "(id int primary key, dept varchar(5) not null, manager_id int)",
  contact: "(id int primary key, emp_id int, note varchar(20) not null)",
  events: "(id int primary key, emp_id int not null)",
  salary: "(id int primary key, emp_id int, amount int not null)",
  staff: "(emp_id int primary key, dept varchar(5) not null, mentor_id int)",
};

async function load(
  db: TestDatabase,
  prefix: string,
  table: keyof typeof ddl,
  rows: (number | string | null)[][],
) {
  await db.exec(`create table ${prefix}${table} ${ddl[table]}`);
  for (let i = 0; i < rows.length; i += 2000)
    await db.exec(`insert into ${prefix}${table} values ${rowsSql(rows.slice(i, i + 2000))}`);
}

before(async () => {
  pgdb = await createPgDatabase("weft_bsemi_pg");
  mydb = await createMysqlDatabase("weft_bsemi_my");
  oracle = await createPgDatabase("weft_bsemi_oracle");
  await oracle.exec("create schema pgs; create schema my");
  for (const [db, prefix] of [
    [pgdb, ""],
    [oracle, "pgs."],
  ] as const) {
    await load(db, prefix, "emp", emp);
    await load(db, prefix, "contact", contact);
    await load(db, prefix, "events", events(1, 20));
  }
  for (const [db, prefix] of [
    [mydb, ""],
    [oracle, "my."],
  ] as const) {
    await load(db, prefix, "salary", salary);
    await load(db, prefix, "staff", staff);
  }
  await pgdb.exec("analyze");
  await mydb.exec("analyze table salary, staff");
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pgs", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
    ],
  });
  // after introspection: the planner still expects 20 events
  await pgdb.exec(`insert into events values ${rowsSql(events(21, 1520))}`);
  await oracle.exec(`insert into pgs.events values ${rowsSql(events(21, 1520))}`);
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

/** Weft returns what the oracle returns, row for row (every query here has an ORDER BY). */
const same = (sql: string) => assertSameAsOracle(client, oracleClient, sql);

const explain = (sql: string, analyze = false) => explainText(client, sql, [], analyze ? "analyze" : "");

/** The `Source:` line of the scan whose title matches `scan` (the line after its details). */
function sourceLine(text: string, scan: RegExp): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => scan.test(l));
  assert.ok(at >= 0, `no scan ${scan} in:\n${text}`);
  const source = lines.slice(at + 1).find((l) => l.includes("Source: "));
  assert.ok(source, `no Source line after ${scan} in:\n${text}`);
  return source;
}

const myKeyed = /Remote Scan on service "my" \(mysql\) per batch of keys/;
const pgsKeyed = /Remote Scan on service "pgs" \(postgres\) per batch of keys/;

describe("the query's keys go to the subquery's service", () => {
  const exists =
    "select e.id, e.dept from pgs.emp e where e.dept = 'd3' and exists (select 1 from my.salary s where s.emp_id = e.id) order by 1";

  test("EXISTS: a Bind Semi Join with its batch settings and the key predicate in the native SQL", async () => {
    const text = await explain(exists);
    assert.match(
      text,
      /Bind Semi Join {2}\(keys from the left side to service "my" \(mysql\) in batches of 1000, 4 in flight; hash join past \d+ outer rows\)/,
    );
    assert.match(
      text,
      /Native SQL: SELECT `s`\.`emp_id` AS `emp_id` FROM `salary` AS `s` WHERE \(`s`\.`emp_id` IN \(\?\)\)/,
    );
    assert.doesNotMatch(text, /Hash (Semi|Anti) Join/);
    const json = JSON.parse((await client.query(`explain (format json) ${exists}`)).rows[0]["QUERY PLAN"]);
    const find = (n: any): any =>
      n["Node Type"] === "Bind Join" ? n : (n.Plans ?? []).map(find).find(Boolean);
    const join = find(json[0].Plan);
    assert.equal(join["Join Type"], "Semi");
    assert.equal(join["Join Strategy"], "bind");
    assert.equal(join["Outer Side"], "left");
    assert.equal(join["Batch Size"], 1000);
    assert.equal(join["Batches In Flight"], 4);
    assert.ok(join["Hash Join Past Rows"] >= 1000);
  });

  test("EXISTS and NOT EXISTS return what PostgreSQL returns, with one query for all 20 keys", async () => {
    assert.ok((await same(exists)) > 0);
    assert.ok(
      (await same(
        "select e.id from pgs.emp e where e.dept = 'd3' and not exists (select 1 from my.salary s where s.emp_id = e.id) order by 1",
      )) > 0,
    );
    const text = await explain(exists, true);
    assert.match(text, /Bind Semi Join .*\(actual rows=\d+ /);
    // 20 employees, one batch: never a query per row, never the whole table
    assert.match(sourceLine(text, myKeyed), /Source: queries=1 rows=\d+ /);
    const rows = Number(/rows=(\d+)/.exec(sourceLine(text, myKeyed))![1]);
    assert.ok(rows < 12000 / 4, `the keyed scan read ${rows} salary rows`);
  });

  test("many keys go in batches of 1000", async () => {
    const sql =
      "select c.id from pgs.contact c where c.id < 2500 and exists (select 1 from my.salary s where s.id = c.id) order by 1";
    assert.equal(await same(sql), 2499);
    const text = await explain(sql, true);
    assert.match(text, /Bind Semi Join/);
    assert.match(sourceLine(text, myKeyed), /Source: queries=3 rows=2499 /);
  });

  test("IN, a residual correlation and a second key kept as a residual", async () => {
    for (const sql of [
      "select e.id from pgs.emp e where e.dept = 'd5' and e.id in (select s.emp_id from my.salary s where s.amount > 900) order by 1",
      "select e.id from pgs.emp e where e.dept = 'd5' and exists (select 1 from my.salary s where s.emp_id = e.id and s.amount > e.id * 4) order by 1",
      "select e.id from pgs.emp e where e.dept = 'd5' and not exists (select 1 from my.salary s where s.emp_id = e.id and s.amount > e.id * 4) order by 1",
      "select e.id from pgs.emp e where e.dept = 'd5' and exists (select 1 from my.staff st where st.emp_id = e.id and st.dept = e.dept) order by 1",
      "select e.id from pgs.emp e where e.id > 190 and exists (select 1 from my.staff st where st.emp_id = e.manager_id and st.dept <> e.dept) order by 1",
    ]) {
      assert.match(await explain(sql), /Bind (Semi|Anti) Join {2}\(keys from the left side/, sql);
      await same(sql);
    }
  });

  test("an empty subquery: EXISTS keeps nothing, NOT EXISTS and NOT IN keep every row (NULL keys too)", async () => {
    assert.equal(
      await same(
        "select e.id from pgs.emp e where e.dept = 'd7' and exists (select 1 from my.salary s where s.emp_id = e.id and s.amount < 0) order by 1",
      ),
      0,
    );
    assert.equal(
      await same(
        "select e.id from pgs.emp e where e.dept = 'd7' and not exists (select 1 from my.salary s where s.emp_id = e.id and s.amount < 0) order by 1",
      ),
      20,
    );
    const notIn =
      "select e.id, e.manager_id from pgs.emp e where e.dept = 'd7' and e.manager_id not in (select s.emp_id from my.salary s where s.amount < 0) order by 1";
    assert.match(await explain(notIn), /Bind Anti Join/);
    assert.equal(await same(notIn), 20);
  });
});

describe("NOT IN as a bind join keeps PostgreSQL's NULL semantics", () => {
  test("a NULL in the subquery: no row, after one probe and no key batch", async () => {
    const sql =
      "select e.id from pgs.emp e where e.dept = 'd2' and e.id not in (select s.emp_id from my.salary s) order by 1";
    const text = await explain(sql);
    assert.match(text, /Bind Anti Join/);
    assert.match(text, /Null key probe: SELECT .* IS NULL\) LIMIT \?/);
    assert.equal(await same(sql), 0);
    assert.match(sourceLine(await explain(sql, true), myKeyed), /Source: queries=1 rows=1 /);
  });

  test("no NULL in the subquery: NULL outer keys are dropped, unmatched keys kept", async () => {
    const sql =
      "select e.id, e.manager_id from pgs.emp e where e.dept = 'd3' and e.manager_id not in (select s.emp_id from my.salary s where s.emp_id is not null and s.amount < 100) order by 1";
    assert.match(await explain(sql), /Bind Anti Join/);
    const n = await same(sql);
    assert.ok(n > 0 && n < 20, `${n} rows`);
  });

  test("a NOT NULL key column is not probed for NULLs", async () => {
    const sql =
      "select e.id, e.manager_id from pgs.emp e where e.dept = 'd4' and e.manager_id not in (select st.emp_id from my.staff st) order by 1";
    const text = await explain(sql);
    assert.match(text, /Bind Anti Join/);
    assert.doesNotMatch(text, /Null key probe/);
    assert.match(text, /Empty probe: /);
    await same(sql);
    await same(
      "select e.id from pgs.emp e where e.dept = 'd4' and e.manager_id not in (select st.mentor_id from my.staff st where st.mentor_id is not null) order by 1",
    );
  });
});

describe("the subquery's keys go to the query's service", () => {
  const semiIn =
    "select c.id, c.note from pgs.contact c where c.emp_id in (select st.emp_id from my.staff st where st.dept = 'd2') order by 1";

  test("IN with a small subquery: a Bind Semi Join sending the right side's keys, one query", async () => {
    const text = await explain(semiIn);
    assert.match(
      text,
      /Bind Semi Join {2}\(keys from the right side to service "pgs" \(postgres\) in batches of 1000/,
    );
    assert.match(
      text,
      /Native SQL: SELECT .* FROM "public"\."contact" AS "c" WHERE \("c"\."emp_id" = ANY \(\$1::int4\[\]\)\)/,
    );
    assert.ok((await same(semiIn)) > 0);
    const analyzed = await explain(semiIn, true);
    assert.match(sourceLine(analyzed, pgsKeyed), /Source: queries=1 rows=\d+ /);
    const rows = Number(/rows=(\d+)/.exec(sourceLine(analyzed, pgsKeyed))![1]);
    assert.ok(rows < 3000 / 4, `the keyed scan read ${rows} contacts`);
  });

  test("duplicates and NULLs in the subquery: each contact once", async () => {
    const sql =
      "select c.id, c.emp_id from pgs.contact c where c.emp_id in (select st.mentor_id from my.staff st where st.dept = 'd4') order by 1";
    assert.match(await explain(sql), /Bind Semi Join {2}\(keys from the right side/);
    assert.ok((await same(sql)) > 0);
  });

  test("EXISTS with a residual correlation; a filter the source cannot run stays above the join", async () => {
    for (const sql of [
      "select c.id from pgs.contact c where exists (select 1 from my.staff st where st.emp_id = c.emp_id and st.dept = 'd2' and c.id % 3 = st.emp_id % 3) order by 1",
      "select c.id from pgs.contact c where c.note like '%7' and exists (select 1 from my.staff st where st.emp_id = c.emp_id and st.dept = 'd6') order by 1",
    ]) {
      assert.match(await explain(sql), /Bind Semi Join {2}\(keys from the right side/, sql);
      await same(sql);
    }
  });

  test("NOT EXISTS never sends the subquery's keys: the rows it keeps are the ones no key fetches", async () => {
    const sql =
      "select c.id from pgs.contact c where not exists (select 1 from my.staff st where st.emp_id = c.emp_id and st.dept = 'd2') order by 1";
    const text = await explain(sql);
    assert.doesNotMatch(text, /keys from the right side/);
    assert.match(text, /Hash Anti Join/);
    assert.ok((await same(sql)) > 2000);
  });
});

describe("past the switch point a bind semi/anti join scans the other side once and hash joins", () => {
  // Weft may refine an estimate from the rows a fragment returned when it last ran, so each
  // statement below filters "events" its own way: every one is planned with the stale estimate.
  const switched = async (plan: string, analyzed: string, checked: string, scan: RegExp) => {
    assert.match(await explain(plan), scan);
    const text = await explain(analyzed, true);
    assert.match(text, scan);
    return { text, rows: await same(checked) };
  };

  test("the query's side larger than expected: EXISTS", async () => {
    const sql = (filter: string) =>
      `select ev.id from pgs.events ev where ${filter} and exists (select 1 from my.staff st where st.emp_id = ev.emp_id) order by 1`;
    const { text, rows } = await switched(
      sql("ev.id > 0"),
      sql("ev.id <> 0"),
      sql("ev.emp_id > 0"),
      /Bind Semi Join {2}\(keys from the left side/,
    );
    assert.equal(rows, 1520);
    // 1520 query rows: the whole staff table in one query, not key batches
    assert.match(sourceLine(text, myKeyed), /Source: queries=1 rows=300 /);
  });

  test("the query's side larger than expected: NOT IN", async () => {
    const sql = (filter: string) =>
      `select ev.id from pgs.events ev where ${filter} and ev.emp_id not in (select st.emp_id from my.staff st where st.emp_id > 20) order by 1`;
    const { text, rows } = await switched(
      sql("ev.id >= 0"),
      sql("ev.emp_id <> 0"),
      sql("ev.emp_id >= 0"),
      /Bind Anti Join/,
    );
    assert.ok(rows > 0 && rows < 1520, `${rows} rows`);
    // no probes either: a null-aware hash join over one scan of the subquery
    assert.match(sourceLine(text, myKeyed), /Source: queries=1 rows=280 /);
  });

  test("the subquery larger than expected: IN", async () => {
    const sql = (filter: string) =>
      `select st.emp_id, st.dept from my.staff st where st.emp_id in (select ev.emp_id from pgs.events ev where ${filter}) order by 1`;
    const { text, rows } = await switched(
      sql("ev.id < 100000"),
      sql("ev.id <= 100000"),
      sql("ev.emp_id < 100000"),
      /Bind Semi Join {2}\(keys from the right side to service "my"/,
    );
    assert.equal(rows, 40);
    assert.match(sourceLine(text, myKeyed), /Source: queries=1 rows=300 /);
  });
});
