import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// A PostgreSQL service "pgs" and a MariaDB service "my"; the oracle is one PostgreSQL database holding the
// same rows in schemas pgs and my. Every query must return exactly what the oracle returns.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let oracle: TestDatabase;
let weft: TestWeft;
let client: pg.Client;
let oracleClient: pg.Client;

const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

const orders = [
  "(1, 1, 'Äpfel', 3, 1.50, '2024-01-02 10:00:00')",
  "(2, 1, 'O''Brien', 1, 10.00, '2024-01-03 11:30:00.123456')",
  "(3, 2, 'widget', 7, 2.25, '2024-02-01 00:00:00')",
  "(4, 4, 'gadget', 2, NULL, NULL)",
  "(5, NULL, 'orphan', 1, 5.00, '2024-03-01 09:00:00')",
  "(6, 2, 'Zoë', 5, 0.10, '2024-02-02 12:00:00')",
];
const customers = [
  "(1, 'alice', 'FR', 1)",
  "(2, 'Bob', 'DE', 0)",
  "(3, 'carol', NULL, 1)",
  "(4, 'bob', 'DE', 1)",
];

before(async () => {
  pgdb = await createPgDatabase("weft_fed_pg");
  mydb = await createMysqlDatabase("weft_fed_my");
  oracle = await createPgDatabase("weft_fed_oracle");
  const orderDdl =
    "(id int primary key, customer_id int, item text not null, qty int not null, price numeric(10,2), ordered_at timestamp)";
  await pgdb.exec(`create table orders ${orderDdl}`);
  await pgdb.exec(`insert into orders values ${orders.join(", ")}`);
  await mydb.exec(
    "create table customer (id int primary key, name varchar(20) not null, country char(2), active tinyint(1) not null)",
  );
  await mydb.exec(`insert into customer values ${customers.join(", ")}`);
  await oracle.exec("create schema pgs; create schema my");
  await oracle.exec(`create table pgs.orders ${orderDdl}`);
  await oracle.exec(`insert into pgs.orders values ${orders.join(", ")}`);
  await oracle.exec(
    "create table my.customer (id int primary key, name varchar(20) not null, country char(2), active boolean not null)",
  );
  await oracle.exec(
    `insert into my.customer values ${customers.map((c) => c.replace(/, (\d)\)$/, ", $1::int::boolean)")).join(", ")}`,
  );
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
  const expected = await oracleClient.query({ text: sql, values: params, rowMode: "array" });
  const actual = await client.query({ text: sql, values: params, rowMode: "array" });
  assert.deepEqual(
    actual.fields.map((f) => [f.name, f.dataTypeID]),
    expected.fields.map((f) => [f.name, f.dataTypeID]),
    `columns of: ${sql}`,
  );
  assert.deepEqual(actual.rows, expected.rows, sql);
}

describe("cross-service SELECT returns what one PostgreSQL would", () => {
  test("inner join with filters on both sides", async () => {
    await same(
      "select o.id, o.item, c.name from pgs.orders o join my.customer c on c.id = o.customer_id where o.qty > 1 and c.active order by o.id",
    );
  });

  test("left join keeps unmatched rows; a condition in ON on the nullable side is pushed to it", async () => {
    await same(
      "select o.id, c.name from pgs.orders o left join my.customer c on c.id = o.customer_id and c.country = 'DE' order by o.id",
    );
  });

  test("right and full joins", async () => {
    await same(
      "select o.id, c.id from pgs.orders o right join my.customer c on c.id = o.customer_id order by c.id, o.id",
    );
    await same(
      "select o.id, c.id from pgs.orders o full join my.customer c on c.id = o.customer_id order by o.id nulls first, c.id",
    );
  });

  test("grouping and aggregates across services, HAVING, ORDER BY an aggregate", async () => {
    await same(
      "select c.country, count(*), sum(o.qty), sum(o.price), avg(o.qty), min(o.ordered_at), max(c.name) from pgs.orders o join my.customer c on c.id = o.customer_id group by c.country having count(*) > 0 order by 2 desc, 1",
    );
  });

  test("expressions evaluated in memory: arithmetic, CASE, COALESCE, string functions", async () => {
    await same(
      "select o.id, o.qty * o.price as total, case when c.active then upper(c.name) else lower(c.name) end, coalesce(c.country, '??') || '-' || o.item from pgs.orders o join my.customer c on c.id = o.customer_id order by o.id",
    );
  });

  test("a predicate over both services stays in memory; parameters; LIMIT/OFFSET", async () => {
    await same(
      "select o.id, c.name from pgs.orders o, my.customer c where o.customer_id = c.id and (o.qty > $1 or c.name = $2) order by o.id limit 2 offset 1",
      [4, "alice"],
    );
  });

  test("DISTINCT and text ordering are byte-wise, like the C collation", async () => {
    await same(
      "select distinct c.name from pgs.orders o join my.customer c on c.id = o.customer_id order by 1",
    );
  });

  test("EXPLAIN shows each source's native query and what runs in memory", async () => {
    const r = await client.query(
      "explain select o.id, c.name from pgs.orders o join my.customer c on c.id = o.customer_id where c.country = 'DE' and o.qty > 1",
    );
    const text = r.rows.map((row) => row["QUERY PLAN"]).join("\n");
    assert.match(text, /Hash Inner Join/);
    assert.match(text, /Remote Scan on service "pgs" \(postgres\)/);
    assert.match(text, /Remote Scan on service "my" \(mysql\)/);
    assert.match(text, /WHERE .*`country`/);
  });
});
