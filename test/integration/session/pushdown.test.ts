import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import postgres from "postgres";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// One Weft in front of a real PostgreSQL database ("pgs") and a real MariaDB database ("my"):
// single-service reads and writes are pushed down; transactions pin one backend transaction per service.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let weft: TestWeft;
let client: pg.Client;

const pgSetup = [
  "create table item (id int primary key, name text not null, price numeric(10,2), tags text[], added date)",
  "insert into item values (1, 'Äpfel', 1.50, '{fruit,red}', '2024-01-02'), (2, 'O''Brien''s \"best\"', null, null, null), (3, 'back\\slash 😀', 10.00, '{}', '2023-12-31')",
];
const mySetup = [
  "create table account (id int primary key, owner varchar(40) not null, balance decimal(12,2) not null, active tinyint(1) not null default 1) engine=InnoDB",
  "insert into account values (1, 'Zoë', 100.00, 1), (2, 'bob', 50.25, 0), (3, 'Bob', 0.00, 1)",
];

before(async () => {
  pgdb = await createPgDatabase("weft_push_pg");
  mydb = await createMysqlDatabase("weft_push_my");
  for (const s of pgSetup) await pgdb.exec(s);
  for (const s of mySetup) await mydb.exec(s);
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pgs", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
    ],
  });
  client = new pg.Client({ connectionString: weft.url });
  await client.connect();
});

after(async () => {
  await client?.end().catch(() => {});
  await weft?.stop();
  await pgdb?.drop();
  await mydb?.drop();
});

async function sqlState(sql: string, params?: unknown[]): Promise<{ code: string; message: string }> {
  try {
    await client.query(sql, params);
  } catch (err) {
    const e = err as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  assert.fail(`expected ${sql} to fail`);
}

describe("single-service statements are pushed down", () => {
  test("rows come from the service, not from the (empty) mirror", async () => {
    const r = await client.query("select count(*) as n from pgs.item");
    assert.deepEqual(r.rows, [{ n: "3" }]);
    const m = await client.query("select id, owner, balance, active from my.account order by id");
    assert.deepEqual(m.rows, [
      { id: 1, owner: "Zoë", balance: "100.00", active: true },
      { id: 2, owner: "bob", balance: "50.25", active: false },
      { id: 3, owner: "Bob", balance: "0.00", active: true },
    ]);
  });

  test("values with quotes, backslashes, non-ASCII and emoji round-trip as bound parameters", async () => {
    const r = await client.query("select id from pgs.item where name = $1", ["O'Brien's \"best\""]);
    assert.deepEqual(r.rows, [{ id: 2 }]);
    const s = await client.query("select name from pgs.item where id = 3");
    assert.equal(s.rows[0].name, "back\\slash 😀");
  });

  test("a text-typed literal is sent with its type: PostgreSQL can resolve pg_typeof over it", async () => {
    const r = await client.query(
      "select pg_typeof('k'::text)::text as t, 'k'::text || name as n from pgs.item where id = 1",
    );
    assert.equal(r.rows[0].t, "text");
    assert.match(r.rows[0].n, /^k/);
  });

  test("MySQL text comparison is case-sensitive like PostgreSQL", async () => {
    const r = await client.query("select id from my.account where owner = 'bob'");
    assert.deepEqual(r.rows, [{ id: 2 }]);
  });

  test("result types come from the mirror: RowDescription carries table OID and attnum", async () => {
    const r = await client.query("select id, name, price from pgs.item where id = 1");
    assert.equal(r.fields[0].dataTypeID, 23);
    assert.equal(r.fields[1].dataTypeID, 25);
    assert.equal(r.fields[2].dataTypeID, 1700);
    assert.ok(r.fields[0].tableID > 0);
    assert.equal(r.fields[0].columnID, 1);
    assert.equal(r.fields[2].columnID, 3);
  });

  test("writes run on the service and report affected rows", async () => {
    const ins = await client.query("insert into my.account (id, owner, balance) values ($1, $2, $3)", [
      4,
      "Łukasz",
      "7.10",
    ]);
    assert.equal(ins.command, "INSERT");
    assert.equal(ins.rowCount, 1);
    const upd = await client.query("update my.account set balance = balance + 1 where id in (1, 4)");
    assert.equal(upd.rowCount, 2);
    const direct = await mydb.exec("select balance from account where id = 4");
    assert.equal(String(direct[0].balance), "8.10");
    const del = await client.query("delete from my.account where id = 4");
    assert.equal(del.rowCount, 1);
    const ret = await client.query("update pgs.item set price = 2.00 where id = 1 returning id, price");
    assert.deepEqual(ret.rows, [{ id: 1, price: "2.00" }]);
  });

  test("errors keep their SQLSTATE and the connection survives", async () => {
    assert.equal((await sqlState("select nope from pgs.item")).code, "42703");
    assert.equal((await sqlState("select * from pgs.nothing_here")).code, "42P01");
    assert.equal(
      (await sqlState("insert into my.account (id, owner, balance) values (1, 'dup', 0)")).code,
      "23505",
    );
    assert.equal((await sqlState("selec 1")).code, "42601");
    const crossWrite = await sqlState("delete from my.account where id in (select id from pgs.item)");
    assert.equal(crossWrite.code, "0A000");
    const r = await client.query("select 1 as ok");
    assert.deepEqual(r.rows, [{ ok: 1 }]);
  });
});

describe("statements around a pushed-down query", () => {
  test("EXPLAIN shows the service and the native statement with its bound values", async () => {
    const r = await client.query(
      "explain select owner from my.account where owner = 'Zoë' order by id limit 2",
    );
    const plan = r.rows.map((row) => row["QUERY PLAN"]).join("\n");
    assert.match(plan, /Remote Statement on service "my" \(mysql\)/);
    assert.match(plan, /Native SQL: SELECT .*`account`/);
    assert.match(plan, /'Zoë'/);
    assert.doesNotMatch(plan.split("Parameters:")[0], /Zoë/, "the value is bound, not spliced into the SQL");
    // EXPLAIN ANALYZE really runs a write, as PostgreSQL does; the rollback undoes it
    await client.query("begin");
    const analyzed = await client.query("explain analyze delete from my.account");
    assert.match(analyzed.rows.map((row) => row["QUERY PLAN"]).join("\n"), /Affected rows: 3/);
    await client.query("rollback");
    assert.equal((await client.query("select count(*)::int as n from my.account")).rows[0].n, 3);
  });

  test("EXPLAIN of a statement its service cannot run exactly shows the in-memory plan it runs with", async () => {
    // MariaDB cannot reproduce avg(numeric)'s scale: the average runs in memory over a scan
    const sql = "select avg(balance) from my.account";
    const r = await client.query(`explain ${sql}`);
    const plan = r.rows.map((row) => row["QUERY PLAN"]).join("\n");
    assert.match(plan, /Hash Aggregate[^\n]*in memory/, plan);
    assert.match(plan, /Remote Scan on service "my" \(mysql\)/, plan);
    // balances 101.00 (after the write test's update), 50.25, 0.00: PostgreSQL's avg gives 16 decimals
    assert.deepEqual((await client.query(sql)).rows, [{ avg: "50.4166666666666667" }]);
    const analyzed = await client.query(`explain analyze ${sql}`);
    assert.match(analyzed.rows.map((row) => row["QUERY PLAN"]).join("\n"), /actual rows=1/);
  });

  test("cursors: DECLARE, FETCH in steps, MOVE, CLOSE", async () => {
    await client.query("begin");
    await client.query("declare c cursor for select id from my.account order by id");
    assert.deepEqual((await client.query("fetch 2 from c")).rows, [{ id: 1 }, { id: 2 }]);
    const move = await client.query("move 1 in c");
    assert.equal(move.command, "MOVE");
    assert.deepEqual((await client.query("fetch all from c")).rows, []);
    await client.query("close c");
    assert.equal((await sqlState("fetch 1 from c")).code, "34000");
    await client.query("rollback");
    assert.equal((await sqlState("declare d cursor for select 1")).code, "25P01");
  });

  test("a CancelRequest stops a statement running on the service with 57014", async () => {
    const sql = postgres(weft.url, { max: 1, onnotice: () => {} });
    try {
      const running = sql`select pg_sleep(20), id from pgs.item limit 1`;
      const started = Date.now();
      setTimeout(() => running.cancel(), 500);
      await assert.rejects(running, (err: { code: string }) => err.code === "57014");
      assert.ok(Date.now() - started < 10_000, "cancel took effect promptly");
      const [row] = await sql`select count(*)::int as n from pgs.item`;
      assert.ok(row.n >= 3, "the connection works after the cancel");
    } finally {
      await sql.end();
    }
  });

  test("an empty query and a comment-only query answer EmptyQueryResponse", async () => {
    const empty = await client.query("");
    assert.equal(empty.command, null);
    const ping = await client.query("-- ping");
    assert.equal(ping.command, null);
  });
});

describe("transactions", () => {
  test("a transaction on one service commits or rolls back there", async () => {
    await client.query("begin");
    await client.query("insert into pgs.item (id, name) values (10, 'ten')");
    const inside = await client.query("select count(*) as n from pgs.item where id = 10");
    assert.equal(inside.rows[0].n, "1");
    await client.query("rollback");
    const afterRollback = await pgdb.exec("select count(*)::int as n from item where id = 10");
    assert.equal(afterRollback[0].n, 0);

    await client.query("begin");
    await client.query("insert into pgs.item (id, name) values (11, 'eleven')");
    await client.query("savepoint s1");
    await client.query("insert into pgs.item (id, name) values (12, 'twelve')");
    await client.query("rollback to savepoint s1");
    await client.query("commit");
    const rows = await pgdb.exec("select id from item where id >= 10 order by id");
    assert.deepEqual(rows, [{ id: 11 }]);
  });

  test("a write spanning two services in one transaction is refused with 0A000", async () => {
    await client.query("begin");
    await client.query("update pgs.item set price = 3 where id = 1");
    const refused = await sqlState("update my.account set balance = 0 where id = 1");
    assert.equal(refused.code, "0A000");
    assert.match(refused.message, /one service/);
    // the transaction is now failed, as in PostgreSQL
    assert.equal((await sqlState("select 1")).code, "25P02");
    await client.query("rollback");
    const price = await pgdb.exec("select price::text as p from item where id = 1");
    assert.equal(price[0].p, "2.00");
  });

  test("a syntax error inside a transaction block aborts it", async () => {
    await client.query("begin");
    assert.equal((await sqlState("selec 1")).code, "42601");
    assert.equal((await sqlState("select 1")).code, "25P02");
    await client.query("rollback");
  });

  test("a read-only transaction refuses writes with 25006", async () => {
    await client.query("begin read only");
    const e = await sqlState("delete from my.account");
    assert.equal(e.code, "25006");
    await client.query("rollback");
  });
});

describe("simple query protocol", () => {
  test("several statements run as one implicit transaction that stops at the first error", async () => {
    const e = await sqlState(
      "insert into pgs.item (id, name) values (20, 'twenty'); insert into pgs.item (id, name) values (1, 'duplicate'); insert into pgs.item (id, name) values (21, 'never')",
    );
    assert.equal(e.code, "23505");
    const rows = await pgdb.exec("select id from item where id in (20, 21)");
    assert.deepEqual(rows, [], "the first insert was rolled back with the failed statement");
    const both = await client.query("select 1 as a; select count(*)::int as n from pgs.item where id = 1");
    assert.ok(Array.isArray(both));
    assert.deepEqual(
      (both as unknown as pg.QueryResult[]).map((r) => r.rows[0]),
      [{ a: 1 }, { n: 1 }],
    );
  });

  test("session utility statements are accepted with PostgreSQL's command tags", async () => {
    const tags: [string, string][] = [
      ["set session characteristics as transaction read only", "SET"],
      ["set session characteristics as transaction read write", "SET"],
      ["deallocate all", "DEALLOCATE"],
      ["close all", "CLOSE"],
      ["unlisten *", "UNLISTEN"],
      ["discard all", "DISCARD"],
    ];
    for (const [sql, command] of tags) {
      const r = await client.query(sql);
      assert.equal(r.command, command, sql);
    }
    await client.query("set session characteristics as transaction read only");
    await client.query("begin");
    assert.equal((await sqlState("delete from pgs.item where id = 999")).code, "25006");
    await client.query("rollback");
    await client.query("set session characteristics as transaction read write");
  });
});

describe("session settings", () => {
  test("a SET of a reported setting sends ParameterStatus again", async () => {
    const sql = postgres(weft.url, { max: 1, onnotice: () => {} });
    try {
      await sql`select 1`;
      assert.equal(sql.parameters.DateStyle, "ISO, MDY");
      await sql`set datestyle = 'german'`;
      assert.equal(sql.parameters.DateStyle, "German, DMY");
      await sql`set application_name = 'weft-test'`;
      assert.equal(sql.parameters.application_name, "weft-test");
    } finally {
      await sql.end();
    }
  });

  test("SET is validated by the mirror, reported and scoped to the session", async () => {
    await client.query("set datestyle = 'iso, dmy'");
    const r = await client.query("show datestyle");
    assert.equal(r.rows[0].DateStyle, "ISO, DMY");
    assert.equal((await sqlState("set datestyle = 'nonsense'")).code, "22023");
    const other = new pg.Client({ connectionString: weft.url });
    await other.connect();
    try {
      const o = await other.query("show datestyle");
      assert.equal(o.rows[0].DateStyle, "ISO, MDY");
    } finally {
      await other.end();
    }
    await client.query("reset datestyle");
  });

  test("search_path resolves unqualified service tables", async () => {
    await client.query("set search_path = my, public");
    const r = await client.query("select count(*) as n from account");
    assert.equal(r.rows[0].n, "3");
    await client.query("reset search_path");
  });
});

describe("availability", () => {
  test("a service that is down fails its queries with 08006 naming it; the others keep working", async () => {
    const down = await startTestWeft({
      demo: false,
      services: [
        { name: "gone", kind: "postgres", url: "postgres://postgres@127.0.0.1:1/nothing" },
        { name: "pgs", kind: "postgres", url: pgdb.url },
      ],
    });
    const c = new pg.Client({ connectionString: down.url });
    await c.connect();
    try {
      await assert.rejects(
        c.query("select * from gone.anything"),
        (err: { code: string; message: string }) => {
          assert.equal(err.code, "08006");
          assert.match(err.message, /"gone"/);
          return true;
        },
      );
      const r = await c.query("select count(*) as n from pgs.item");
      assert.ok(Number(r.rows[0].n) >= 3);
    } finally {
      await c.end();
      await down.stop();
    }
  });

  test("strictDatabase refuses other database names with 3D000", async () => {
    const strict = await startTestWeft({ demo: false, configure: (c) => (c.strictDatabase = true) });
    try {
      const c = new pg.Client({ connectionString: strict.url.replace(/\/weft$/, "/other") });
      await assert.rejects(c.connect(), (err: { code: string }) => err.code === "3D000");
      const ok = new pg.Client({ connectionString: strict.url });
      await ok.connect();
      await ok.end();
    } finally {
      await strict.stop();
    }
  });
});
