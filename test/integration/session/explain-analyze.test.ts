import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// A PostgreSQL service "pgs" (orders, plus 3000 "events") and a MariaDB service "my" (customer).
let pgdb: TestDatabase;
let mydb: TestDatabase;
let weft: TestWeft;
let tiny: TestWeft;
let client: pg.Client;
let tinyClient: pg.Client;

before(async () => {
  pgdb = await createPgDatabase("weft_explain_pg");
  mydb = await createMysqlDatabase("weft_explain_my");
  await pgdb.exec(
    "create table orders (id int primary key, customer_id int, item text not null, qty int not null)",
  );
  await pgdb.exec(
    "insert into orders values (1, 1, 'apple', 3), (2, 1, 'pear', 1), (3, 2, 'fig', 7), (4, 4, 'kiwi', 2), (5, null, 'plum', 1)",
  );
  await pgdb.exec(
    "create table events (id int primary key, customer_id int not null, payload text not null)",
  );
  await pgdb.exec(
    "insert into events select g, 1 + g % 4, repeat(md5(g::text), 4) from generate_series(1, 3000) g",
  );
  await mydb.exec("create table customer (id int primary key, name varchar(20) not null, country char(2))");
  await mydb.exec(
    "insert into customer values (1, 'alice', 'FR'), (2, 'bob', 'DE'), (3, 'carol', NULL), (4, 'dave', 'DE')",
  );
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
  client = new pg.Client({ connectionString: weft.url });
  await client.connect();
  tinyClient = new pg.Client({ connectionString: tiny.url });
  await tinyClient.connect();
});

after(async () => {
  await client?.end().catch(() => {});
  await tinyClient?.end().catch(() => {});
  await weft?.stop();
  await tiny?.stop();
  for (const db of [pgdb, mydb]) await db?.drop();
});

async function planText(sql: string, values: unknown[] = []): Promise<string> {
  const r = await client.query({ text: sql, values });
  assert.deepEqual(
    r.fields.map((f) => [f.name, f.dataTypeID]),
    [["QUERY PLAN", 25]],
  );
  return r.rows.map((row) => row["QUERY PLAN"]).join("\n");
}

async function sqlState(c: pg.Client, sql: string): Promise<{ code: string; message: string }> {
  try {
    await c.query(sql);
  } catch (err) {
    const e = err as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  assert.fail(`expected an error from: ${sql}`);
}

// a FULL join is never a bind join: both sides are scanned whole and hash joined
const hashJoin = "select o.id, c.name from pgs.orders o full join my.customer c on c.id = o.customer_id";

describe("EXPLAIN ANALYZE of a cross-service query", () => {
  test("runs it and reports rows, batches and time per node and per source", async () => {
    const text = await planText(`explain analyze ${hashJoin}`);
    // 5 orders, 4 customers: 4 matches, order 5 and customer 3 unmatched
    assert.match(text, /^Project \(actual rows=6 batches=\d+ time=\d+\.\d{3} ms\)/m);
    assert.match(text, /Hash Full Join {2}\(build \w+, 1 key\) \(actual rows=6 batches=\d+ time=/);
    assert.match(text, /Remote Scan on service "pgs" \(postgres\) {2}\(rows≈\d+\) \(actual rows=5 /);
    assert.match(text, /Remote Scan on service "my" \(mysql\) {2}\(rows≈\d+\) \(actual rows=4 /);
    assert.match(text, /Source: queries=1 rows=5 batches=1 bytes=\d+ time=\d+\.\d{3} ms/);
    assert.match(text, /Source: queries=1 rows=4 batches=1 bytes=\d+ time=/);
    assert.match(text, /^Peak Memory: \d+ bytes$/m);
    assert.match(text, /^Planning Time: \d+\.\d{3} ms$/m);
    assert.match(text, /^Execution Time: \d+\.\d{3} ms$/m);
  });

  test("a bind join reports how many queries it sent to the inner source", async () => {
    const text = await planText(
      "explain analyze select o.id, c.name from pgs.orders o left join my.customer c on c.id = o.customer_id where o.id = $1",
      [3],
    );
    assert.match(text, /Bind Left Join .*\(actual rows=1 /);
    assert.match(text, /Remote Scan on service "my" \(mysql\) per batch of keys/);
    assert.match(text, /Source: queries=1 rows=1 batches=1 bytes=\d+/);
  });

  test("rows are discarded, the connection answers the next query", async () => {
    await planText(`explain analyze ${hashJoin}`);
    const r = await client.query(`${hashJoin} order by o.id nulls first`);
    assert.deepEqual(
      r.rows.map((row) => [row.id, row.name]),
      [
        [null, "carol"],
        [1, "alice"],
        [2, "alice"],
        [3, "bob"],
        [4, "dave"],
        [5, null],
      ],
    );
  });

  test("EXPLAIN (ANALYZE false) does not run it", async () => {
    const text = await planText(`explain (analyze false) ${hashJoin}`);
    assert.doesNotMatch(text, /actual|Execution Time/);
    assert.match(text, /Native SQL: /);
  });
});

describe("EXPLAIN (FORMAT JSON)", () => {
  test("one json value shaped like PostgreSQL's, with Weft's fields", async () => {
    const r = await client.query(`explain (format json) ${hashJoin}`);
    assert.deepEqual(
      r.fields.map((f) => [f.name, f.dataTypeID]),
      [["QUERY PLAN", 114]],
    );
    assert.equal(r.rows.length, 1);
    const doc = r.rows[0]["QUERY PLAN"];
    assert.ok(Array.isArray(doc) && doc.length === 1);
    const plan = doc[0].Plan;
    assert.equal(plan["Node Type"], "Result");
    const join = plan.Plans[0];
    assert.equal(join["Node Type"], "Hash Join");
    assert.equal(join["Join Strategy"], "hash");
    assert.equal(join["Join Type"], "Full");
    const scans = join.Plans;
    assert.deepEqual(
      scans.map((s: any) => [s["Node Type"], s["Parent Relationship"], s.Service, s["Service Kind"]]).sort(),
      [
        ["Remote Scan", "Inner", "my", "mysql"],
        ["Remote Scan", "Outer", "pgs", "postgres"],
      ].sort(),
    );
    const pgs = scans.find((s: any) => s.Service === "pgs");
    assert.match(pgs["Native SQL"], /FROM "public"."orders"/);
    assert.deepEqual(pgs["Pushed Down"], []);
    assert.deepEqual(pgs["Kept In Memory"], []);
    assert.equal(pgs["Actual Rows"], undefined, "no actuals without ANALYZE");
  });

  test("with ANALYZE: actual rows per node, remote counters, execution time", async () => {
    const r = await client.query(`explain (analyze, format json) ${hashJoin}`);
    const [doc] = r.rows[0]["QUERY PLAN"];
    assert.equal(typeof doc["Execution Time"], "number");
    assert.equal(typeof doc["Planning Time"], "number");
    const join = doc.Plan.Plans[0];
    assert.equal(join["Actual Rows"], 6);
    const my = join.Plans.find((s: any) => s.Service === "my");
    assert.equal(my["Actual Rows"], 4);
    assert.equal(my["Remote Queries"], 1);
    assert.equal(my["Remote Rows"], 4);
    assert.ok(my["Remote Bytes"] > 0);
  });

  test("a bind join's strategy and batch size", async () => {
    const r = await client.query({
      text: "explain (format json) select o.id, c.name from pgs.orders o left join my.customer c on c.id = o.customer_id where o.id = $1",
      values: [2],
    });
    const join = r.rows[0]["QUERY PLAN"][0].Plan.Plans[0];
    assert.equal(join["Join Strategy"], "bind");
    assert.ok(join["Batch Size"] > 0);
  });

  test("other formats are refused with 0A000", async () => {
    const e = await sqlState(client, `explain (format yaml) ${hashJoin}`);
    assert.equal(e.code, "0A000");
    assert.match(e.message, /YAML/);
  });
});

describe("EXPLAIN ANALYZE of a statement pushed whole to one service", () => {
  test("a SELECT: rows and bytes received", async () => {
    const text = await planText("explain analyze select id, name from my.customer where country = 'DE'");
    assert.match(text, /^Remote Statement on service "my" \(mysql\)$/m);
    assert.match(text, /Source: queries=1 rows=2 batches=1 bytes=\d+ time=/);
    assert.match(text, /^Execution Time: /m);
  });

  test("a write really happens (as in PostgreSQL); a rollback undoes it", async () => {
    await client.query("begin");
    const text = await planText("explain analyze delete from my.customer where country = 'DE'");
    assert.match(text, /Affected rows: 2/);
    const inTx = await client.query("select count(*)::int as n from my.customer");
    assert.equal(inTx.rows[0].n, 2);
    await client.query("rollback");
    const after = await client.query("select count(*)::int as n from my.customer");
    assert.equal(after.rows[0].n, 4);
  });

  test("FORMAT JSON", async () => {
    const r = await client.query("explain (analyze, format json) select id from pgs.orders where qty > 1");
    const [doc] = r.rows[0]["QUERY PLAN"];
    assert.equal(doc.Plan["Node Type"], "Remote Statement");
    assert.equal(doc.Plan.Service, "pgs");
    assert.equal(doc.Plan["Remote Rows"], 3);
  });
});

describe("limits.queryMemory", () => {
  test("a query sorting more than the limit fails with 53200 naming the operator; the connection stays usable", async () => {
    const e = await sqlState(
      tinyClient,
      "select e.id, e.payload, c.name from pgs.events e join my.customer c on c.id = e.customer_id order by e.payload",
    );
    assert.equal(e.code, "53200");
    assert.match(
      e.message,
      /out of memory: (hash join|bind join|sort) needs more than the query's memory limit \(64 kB\)/,
    );
    const r = await tinyClient.query(`${hashJoin} order by o.id`);
    assert.equal(r.rows.length, 6);
  });

  test("the same query runs under the default limit", async () => {
    const r = await client.query(
      "select count(*)::int as n from (select e.id, c.name from pgs.events e join my.customer c on c.id = e.customer_id order by e.payload) s",
    );
    assert.equal(r.rows[0].n, 3000);
  });
});
