import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// What makes a join a bind join: a selective side (here a key range) and a key the other table's
// column can take as it is (varchar keys compare as text, which is the same strings).
let pgdb: TestDatabase;
let mydb: TestDatabase;
let weft: TestWeft;
let client: pg.Client;

before(async () => {
  pgdb = await createPgDatabase("weft_bindchoice_pg");
  mydb = await createMysqlDatabase("weft_bindchoice_my");
  await pgdb.exec(
    "create table contact (id int primary key, name varchar(40) not null); insert into contact select g, 'name ' || (g % 2000) from generate_series(1, 20000) g; analyze contact",
  );
  await mydb.exec("create table todo (id int primary key, assigned_to varchar(40))");
  const rows = Array.from({ length: 3000 }, (_, i) => `(${i + 1}, ${i % 7 === 0 ? "NULL" : `'name ${i}'`})`);
  await mydb.exec(`insert into todo values ${rows.join(", ")}`);
  await mydb.exec("analyze table todo");
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pg", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
    ],
  });
  client = new pg.Client({ connectionString: weft.url });
  await client.connect();
});

after(async () => {
  await client?.end().catch(() => {});
  await weft?.stop();
  for (const db of [pgdb, mydb]) await db?.drop();
});

async function explain(sql: string, values: unknown[] = []): Promise<string> {
  return (await client.query(`explain ${sql}`, values)).rows.map((r) => r["QUERY PLAN"]).join("\n");
}

test("a range on a unique integer key is estimated at its span, and a varchar key takes a bind join", async () => {
  const sql =
    "select t.id, c.id as contact from my.todo t join pg.contact c on c.name = t.assigned_to where t.id between 100 and 149 order by t.id, c.id";
  const plan = await explain(sql);
  assert.match(plan, /Remote Scan on service "my" \(mysql\) {2}\(rows≈50\)/, plan);
  assert.match(plan, /Bind Inner Join {2}\(keys from the left side to service "pg"/, plan);
  assert.match(plan, /"c"\."name" = ANY \(\$\d+::text\[\]\)/, plan);
  const result = await client.query(sql);
  // todos 100..149 without the NULL ones (multiples of 7), each matching 10 contacts
  const expected: { id: number; contact: number }[] = [];
  for (let id = 100; id <= 149; id++) {
    if ((id - 1) % 7 === 0) continue;
    const n = (id - 1) % 2000;
    for (let g = 1; g <= 20000; g++) if (g % 2000 === n) expected.push({ id, contact: g });
  }
  assert.deepEqual(result.rows, expected);
});

test("the span of a range given as parameters counts too", async () => {
  const plan = await explain(
    "select t.id, c.id from my.todo t join pg.contact c on c.name = t.assigned_to where t.id between $1 and $2",
    [10, 19],
  );
  assert.match(plan, /Remote Scan on service "my" \(mysql\) {2}\(rows≈10\)/, plan);
});
