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

  test("a selective join sends the small side's keys to the other service (bind join) with the same result", async () => {
    const sql =
      "select o.id, o.item, c.name, c.country from pgs.orders o left join my.customer c on c.id = o.customer_id where o.id = $1";
    const plan = await client.query({ text: `explain ${sql}`, values: [2] });
    const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
    assert.match(text, /Bind Left Join/);
    assert.match(text, /`id` IN \(\?\)|= ANY/);
    for (const id of [1, 2, 4, 5]) await same(sql, [id]);
    await same(
      "select c.name, o.item from my.customer c join pgs.orders o on o.customer_id = c.id where c.id = 2 order by o.item",
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

describe("cross-service subqueries, CTEs and derived tables", () => {
  test("IN and NOT IN with NULLs on either side, a parameter inside the subquery", async () => {
    for (const country of ["DE", "XX"]) {
      await same(
        "select o.id from pgs.orders o where o.customer_id in (select c.id from my.customer c where c.country = $1) order by 1",
        [country],
      );
      await same(
        "select o.id from pgs.orders o where o.customer_id not in (select c.id from my.customer c where c.country = $1) order by 1",
        [country],
      );
    }
    // the subquery holds a NULL: NOT IN keeps nothing
    await same("select c.id from my.customer c where c.id not in (select o.customer_id from pgs.orders o)");
    await same(
      "select c.id from my.customer c where c.id not in (select o.customer_id from pgs.orders o where o.customer_id is not null) order by 1",
    );
    await same(
      "select o.id from pgs.orders o where (o.customer_id, o.qty > 2) in (select c.id, c.active from my.customer c) order by 1",
    );
  });

  test("correlated EXISTS and NOT EXISTS, with inner filters and a non-equality correlation", async () => {
    await same(
      "select c.id from my.customer c where exists (select 1 from pgs.orders o where o.customer_id = c.id and o.qty > 2) order by 1",
    );
    await same(
      "select c.id from my.customer c where not exists (select 1 from pgs.orders o where o.customer_id = c.id) order by 1",
    );
    await same(
      "select c.id from my.customer c where exists (select 1 from pgs.orders o where o.customer_id = c.id and o.qty > c.id * 2) order by 1",
    );
  });

  test("scalar subqueries: uncorrelated ones run first (with the client's parameters), correlated aggregates", async () => {
    await same(
      "select o.id, (select count(*) from my.customer where country = $1) as n from pgs.orders o where o.qty > (select min(id) from my.customer where active) order by 1",
      ["DE"],
    );
    await same(
      "select c.id, (select count(*) from pgs.orders o where o.customer_id = c.id) as n, (select sum(o.price) from pgs.orders o where o.customer_id = c.id) as total from my.customer c order by 1",
    );
    await same("select o.id, (select name from my.customer where id = 99) from pgs.orders o order by 1");
    await assert.rejects(
      client.query("select o.id, (select name from my.customer) from pgs.orders o"),
      (err: { code?: string; message?: string }) =>
        err.code === "21000" &&
        err.message === "more than one row returned by a subquery used as an expression",
    );
  });

  test("derived tables, CTEs (also used twice) and JOIN … USING", async () => {
    await same(
      "select x.customer_id, x.n, c.name from (select customer_id, count(*) as n from pgs.orders group by customer_id) x left join my.customer c on c.id = x.customer_id order by 1 nulls first",
    );
    await same(
      "with act as (select id, name from my.customer where active) select o.id, a.name, b.name from pgs.orders o join act a on a.id = o.customer_id left join act b on b.id = o.qty order by 1",
    );
    await same(
      "select o.item, c.name, customer_id from pgs.orders o join (select id as customer_id, name from my.customer) c using (customer_id) order by 1",
    );
    await same(
      "select t.country, t.total from (select c.country, sum(o.qty) as total from pgs.orders o join my.customer c on c.id = o.customer_id group by c.country) t(country, total) where t.total > 1 order by 1 nulls first",
    );
  });

  test("what cannot be planned exactly is refused with 0A000", async () => {
    for (const sql of [
      "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select r.n, o.id from r, pgs.orders o join my.customer c on c.id = o.customer_id",
    ]) {
      await assert.rejects(client.query(sql), (err: { code?: string }) => err.code === "0A000", sql);
    }
  });

  test("a correlated NOT IN is an anti join with NOT IN's NULL semantics", async () => {
    await same(
      "select c.id from my.customer c where c.id not in (select o.customer_id from pgs.orders o where o.qty = c.id) order by 1",
    );
  });

  test("IN (subquery) under OR: the subquery's values as one array parameter", async () => {
    await same(
      "select c.id from my.customer c where c.id in (select o.customer_id from pgs.orders o) or c.active order by 1",
    );
  });

  test("EXPLAIN shows semi joins, init plans and a subquery pushed into its own service's scan", async () => {
    const r = await client.query(
      "explain select o.id from pgs.orders o where o.customer_id in (select c.id from my.customer c) and o.id in (select id from pgs.orders where qty > 1) and o.qty > (select min(id) from my.customer)",
    );
    const text = r.rows.map((row) => row["QUERY PLAN"]).join("\n");
    // one order expected (unanalyzed table, filtered) against 4 customers: its keys go to "my"
    assert.match(text, /Bind Semi Join {2}\(keys from the left side to service "my"/);
    assert.match(text, /InitPlan \$1 \(scalar subquery/);
    assert.match(text, /IN \(SELECT/);
  });
});

describe("cross-service window functions, DISTINCT ON, set operations and VALUES", () => {
  test("window functions over a cross-service join: ranking, lag/lead, frames, a named window", async () => {
    await same(
      "select o.id, c.country, o.price, row_number() over (partition by c.country order by o.id), rank() over (order by o.price desc nulls last), lag(o.item, 1, '-') over w, sum(o.price) over (w rows between 1 preceding and current row), count(*) over (partition by c.country) from pgs.orders o join my.customer c on c.id = o.customer_id window w as (order by o.id) order by o.id",
    );
  });

  test("RANGE frames with numeric and interval offsets, NULL order keys", async () => {
    await same(
      "select o.id, sum(o.qty) over (order by o.price range between 1 preceding and 0.5 following), count(*) over (order by o.ordered_at range between interval '1 month' preceding and current row) from pgs.orders o left join my.customer c on c.id = o.customer_id order by o.id",
    );
  });

  test("window functions over grouped rows and in ORDER BY", async () => {
    await same(
      "select c.country, count(*), sum(count(*)) over (order by c.country nulls first) from pgs.orders o join my.customer c on c.id = o.customer_id group by c.country order by rank() over (order by count(*) desc, c.country nulls first)",
    );
  });

  test("DISTINCT ON keeps the first row per key in ORDER BY order", async () => {
    await same(
      "select distinct on (c.country) c.country, o.id, o.item from pgs.orders o join my.customer c on c.id = o.customer_id order by c.country nulls first, o.price desc nulls last, o.id",
    );
  });

  test("UNION, UNION ALL, INTERSECT [ALL] and EXCEPT [ALL] with duplicates and NULLs", async () => {
    for (const op of ["union", "union all", "intersect", "intersect all", "except", "except all"]) {
      await same(
        `select customer_id from pgs.orders ${op} select id from my.customer order by 1 nulls first`,
      );
      await same(
        `select id from my.customer ${op} select customer_id from pgs.orders order by 1 nulls first`,
      );
    }
  });

  test("set operation column types follow PostgreSQL; ORDER BY a column name, LIMIT", async () => {
    await same(
      "select name as label, id from my.customer union all select item, qty from pgs.orders union select 'x', 1.5 order by label desc, id limit 6",
    );
  });

  test("a set operation with every branch in one service goes to it whole", async () => {
    const sql =
      "(select customer_id from pgs.orders intersect select customer_id from pgs.orders where qty > 1) except select id from my.customer where country = 'FR' order by 1 nulls first";
    const plan = await client.query(`explain ${sql}`);
    const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
    assert.match(text, /Except \(in memory\)/);
    assert.match(text, /Native SQL: .*INTERSECT/i);
    await same(sql);
  });

  test("VALUES and a SELECT without FROM as branches of a set operation", async () => {
    await same(
      "select id, name from my.customer union all values (10, 'ten'), (11, null) union all select 12, 'twelve' order by 1",
    );
  });

  test("aggregates with ORDER BY inside: string_agg, array_agg, json_agg", async () => {
    await same(
      "select c.country, string_agg(o.item, ',' order by o.item desc), array_agg(o.qty order by o.price nulls first, o.id), json_agg(o.id order by o.id desc) from pgs.orders o join my.customer c on c.id = o.customer_id group by c.country order by 1 nulls first",
    );
  });

  test("EXPLAIN names the window, distinct-on and set operation nodes", async () => {
    const r = await client.query(
      "explain select distinct on (c.country) c.country, rank() over (order by o.id) from pgs.orders o join my.customer c on c.id = o.customer_id order by c.country, o.id",
    );
    const text = r.rows.map((row) => row["QUERY PLAN"]).join("\n");
    assert.match(text, /Distinct On/);
    assert.match(text, /WindowAgg {2}\(rank/);
  });
});

describe("grouping, ORDER BY and LIMIT pushed into the only scan", () => {
  const overCustomers = "(select min(id) from my.customer)";
  test("GROUP BY + aggregates + HAVING over one scan run at the source, NULL groups and NULL inputs", async () => {
    await same(
      `select customer_id, count(*), count(price), sum(price), min(item), max(ordered_at), avg(qty) from pgs.orders where qty >= ${overCustomers} group by customer_id order by customer_id nulls first`,
    );
    await same(
      `select customer_id % 2 as parity, sum(qty) from pgs.orders where id > ${overCustomers} group by 1 having sum(qty) > 3 order by 1`,
    );
    await same(`select count(*), sum(price), avg(price) from pgs.orders where qty > ${overCustomers} + 100`);
    await same(
      `select count(distinct customer_id), string_agg(item, ',' order by item) from pgs.orders where id >= ${overCustomers}`,
    );
  });

  test("ORDER BY … LIMIT and LIMIT/OFFSET over one scan, NULL ordering, ties", async () => {
    await same(
      `select id, price from pgs.orders where id >= ${overCustomers} order by price desc, id limit 3`,
    );
    await same(
      `select id, price from pgs.orders where id >= ${overCustomers} order by price nulls first, id limit 2 offset 1`,
    );
    await same(
      `select customer_id, sum(qty) as total from pgs.orders where id >= ${overCustomers} group by customer_id order by total desc, customer_id nulls last limit 2`,
    );
    const r = await client.query(
      `select count(*) from (select id from pgs.orders where id >= ${overCustomers} limit 4) t`,
    );
    assert.equal(r.rows[0].count, "4");
  });

  test("EXPLAIN shows the pushed GROUP BY and LIMIT in the native SQL", async () => {
    const plan = async (sql: string) =>
      (await client.query(`explain ${sql}`)).rows.map((row) => row["QUERY PLAN"]).join("\n");
    const grouped = await plan(
      `select customer_id, sum(qty) from pgs.orders where id > ${overCustomers} group by customer_id having count(*) > 1`,
    );
    assert.match(grouped, /GROUP BY/);
    assert.match(grouped, /HAVING/);
    assert.doesNotMatch(grouped, /Aggregate/);
    const top = await plan(
      `select id, item from pgs.orders where id > ${overCustomers} order by qty desc, id limit 2 offset 1`,
    );
    assert.match(top, /ORDER BY .*DESC.*LIMIT \$2/s);
  });
});
