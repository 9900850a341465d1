import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// The big table is filled after Weft introspected it empty, so its statistics say "tiny": the first
// plan is built on a wrong estimate; once the scan has run, the observed count replaces it.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let weft: TestWeft;
let client: pg.Client;

before(async () => {
  pgdb = await createPgDatabase("weft_observed_pg");
  mydb = await createMysqlDatabase("weft_observed_my");
  // analyzed while empty: its statistics say 0 rows
  await pgdb.exec("create table big (id int primary key, small_id int not null); analyze big");
  await mydb.exec("create table small (id int primary key, name varchar(20) not null)");
  await mydb.exec(
    `insert into small values ${Array.from({ length: 300 }, (_, i) => `(${i + 1}, 'n${i + 1}')`).join(", ")}`,
  );
  await mydb.exec("analyze table small");
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pg", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
    ],
  });
  await pgdb.exec("insert into big select g, g % 300 + 1 from generate_series(1, 4321) g");
  client = new pg.Client({ connectionString: weft.url });
  await client.connect();
});

after(async () => {
  await client?.end().catch(() => {});
  await weft?.stop();
  for (const db of [pgdb, mydb]) await db?.drop();
});

const sql = "select b.id, s.name from pg.big b join my.small s on s.id = b.small_id where b.id > 0";

async function explain(text: string): Promise<string> {
  return (await client.query(`explain ${text}`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
}

test("a scan's observed row count refines the next plan's estimate and strategy", async () => {
  // statistics say big is empty: its keys would be sent to the small table
  const first = await explain(sql);
  assert.match(first, /Bind Inner Join {2}\(keys from the left side to service "my"/, first);
  assert.match(first, /Remote Scan on service "pg" \(postgres\) {2}\(rows≈1\)/, first);

  const result = await client.query(sql);
  assert.equal(result.rowCount, 4321);

  // observed: 4321 rows, so now the small table's keys go to the big one
  const second = await explain(sql);
  assert.match(second, /Bind Inner Join {2}\(keys from the right side to service "pg"/, second);
  assert.match(second, /Remote Scan on service "my" \(mysql\) {2}\(rows≈300\)/, second);
  assert.equal((await client.query(sql)).rowCount, 4321);
});

test("a scan closed early (LIMIT) records nothing", async () => {
  const limited =
    "select b.id from pg.big b join my.small s on s.id = b.small_id where b.small_id > 0 limit 5";
  const before = await explain(limited);
  assert.match(before, /Remote Scan on service "pg" \(postgres\) {2}\(rows≈1\)/, before);
  assert.equal((await client.query(limited)).rowCount, 5);
  assert.equal(await explain(limited), before);
});
