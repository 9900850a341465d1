import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { assertSameAsOracle, explainText } from "../../support/oracle.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// Same-service subtrees inside cross-service queries: a PostgreSQL service "pgs" (orders, lines) and a
// MariaDB service "my" (customer, country); the oracle holds the same rows in schemas pgs and my.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let oracle: TestDatabase;
let weft: TestWeft;
let client: pg.Client;
let oracleClient: pg.Client;

const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

const orders = ["(1, 1, 'a')", "(2, 1, 'b')", "(3, 2, 'c')", "(4, 4, 'd')", "(5, NULL, 'e')", "(6, 3, 'f')"];
const lines = ["(1, 1, 3)", "(2, 1, 1)", "(3, 3, 7)", "(4, 9, 2)", "(5, NULL, 1)"];
const customers = ["(1, 'alice', 'FR')", "(2, 'Bob', 'DE')", "(3, 'carol', NULL)", "(4, 'dan', 'XX')"];
const countries = ["('FR', 'France')", "('DE', 'Germany')", "('IT', 'Italy')"];

before(async () => {
  pgdb = await createPgDatabase("weft_subtree_pg");
  mydb = await createMysqlDatabase("weft_subtree_my");
  oracle = await createPgDatabase("weft_subtree_oracle");
  const pgDdl = [
    `create table orders (id int primary key, customer_id int, item text not null)`,
    `create table lines (id int primary key, order_id int, qty int not null)`,
  ];
  const pgData = [
    `insert into orders values ${orders.join(", ")}`,
    `insert into lines values ${lines.join(", ")}`,
  ];
  for (const sql of [...pgDdl, ...pgData]) await pgdb.exec(sql);
  await mydb.exec("create table customer (id int primary key, name varchar(20) not null, country char(2))");
  await mydb.exec("create table country (code char(2) primary key, name varchar(20) not null)");
  await mydb.exec(`insert into customer values ${customers.join(", ")}`);
  await mydb.exec(`insert into country values ${countries.join(", ")}`);
  await oracle.exec("create schema pgs; create schema my; set search_path = pgs");
  for (const sql of [...pgDdl, ...pgData]) await oracle.exec(`set search_path = pgs; ${sql}`);
  await oracle.exec(
    "create table my.customer (id int primary key, name varchar(20) not null, country char(2))",
  );
  await oracle.exec("create table my.country (code char(2) primary key, name varchar(20) not null)");
  await oracle.exec(`insert into my.customer values ${customers.join(", ")}`);
  await oracle.exec(`insert into my.country values ${countries.join(", ")}`);
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

async function same(sql: string, params: unknown[] = []): Promise<void> {
  const rows = await assertSameAsOracle(client, oracleClient, sql, params);
  assert.ok(rows > 0, `the oracle returns rows for: ${sql}`);
}

const explain = (sql: string) => explainText(client, sql);

const remoteScans = (plan: string) => (plan.match(/Remote Scan on service/g) ?? []).length;

describe("a join of one service's tables runs in that service", () => {
  test("an inner join of two MariaDB tables inside a cross-service query is one remote scan", async () => {
    const sql =
      "select o.id, c.name, k.name as country from pgs.orders o join my.customer c on c.id = o.customer_id join my.country k on k.code = c.country where k.code <> 'IT' order by o.id";
    const plan = await explain(sql);
    assert.equal(remoteScans(plan), 2, plan);
    assert.match(plan, /Remote Scan on service "my" \(mysql\)/);
    assert.match(plan, /`customer` AS `c` JOIN `country` AS `k` ON/, plan);
    await same(sql);
  });

  test("a LEFT JOIN of one service keeps its NULL-extended rows and its ON filter on the nullable side", async () => {
    const sql =
      "select o.id, c.name, k.name from pgs.orders o left join (my.customer c left join my.country k on k.code = c.country and k.name <> 'Germany') on c.id = o.customer_id order by o.id";
    const plan = await explain(sql);
    assert.match(plan, /LEFT JOIN `country` AS `k`/, plan);
    await same(sql);
  });

  test("a FULL JOIN MariaDB cannot run falls back to two scans; PostgreSQL runs its own", async () => {
    const my =
      "select c.id, k.code, o.id from my.customer c full join my.country k on k.code = c.country left join pgs.orders o on o.customer_id = c.id order by 1 nulls first, 2 nulls first, 3";
    const myPlan = await explain(my);
    assert.equal(remoteScans(myPlan), 3, myPlan);
    await same(my);
    const pgSql =
      "select o.id, l.id, c.name from pgs.orders o full join pgs.lines l on l.order_id = o.id left join my.customer c on c.id = o.customer_id order by 1 nulls first, 2 nulls first";
    const pgPlan = await explain(pgSql);
    assert.equal(remoteScans(pgPlan), 2, pgPlan);
    assert.match(pgPlan, /FULL JOIN/, pgPlan);
    await same(pgSql);
  });

  test("comma joins written service by service apart are regrouped; SELECT * keeps the written column order", async () => {
    const sql =
      "select * from my.customer c, pgs.orders o, my.country k where o.customer_id = c.id and k.code = c.country order by o.id";
    const plan = await explain(sql);
    assert.equal(remoteScans(plan), 2, plan);
    assert.match(plan, /JOIN `country` AS `k`/, plan);
    await same(sql);
  });

  test("a parameter and a WHERE conjunct over both tables of the merged join", async () => {
    const sql =
      "select o.id, l.qty from pgs.orders o join pgs.lines l on l.order_id = o.id join my.customer c on c.id = o.customer_id where l.qty > $1 and o.id + l.qty > 2 order by 1, 2";
    const plan = await explain(sql.replace("$1", "0"));
    assert.equal(remoteScans(plan), 2, plan);
    for (const qty of [0, 2]) await same(sql, [qty]);
  });

  test("an inner chain of three services in any written order returns the same rows", async () => {
    await same(
      "select l.qty, c.name, o.item from pgs.lines l join pgs.orders o on o.id = l.order_id join my.customer c on c.id = o.customer_id join my.country k on k.code = c.country order by 1, 2, 3",
    );
    await same(
      "select k.name, l.id from my.country k, pgs.lines l, my.customer c, pgs.orders o where o.id = l.order_id and c.id = o.customer_id and k.code = c.country order by 1, 2",
    );
  });
});
