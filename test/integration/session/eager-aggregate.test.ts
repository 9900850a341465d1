import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { assertSameAsOracle, explainText } from "../../support/oracle.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// Partial aggregation below a join: a big table of events (PostgreSQL service "pgs") joined to a small
// table of accounts (MariaDB service "my"). The oracle holds the same rows in one PostgreSQL database.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let oracle: TestDatabase;
let weft: TestWeft;
let client: pg.Client;
let oracleClient: pg.Client;

const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

const eventDdl =
  "(id int primary key, acct_id int, amount numeric(10,2), qty int, big bigint, flag boolean, kind text, score float8)";
// 3000 events over 40 accounts (ids 1..45: 41..45 are orphans, every 97th event has no account)
const events = Array.from({ length: 3000 }, (_, i) => {
  const id = i + 1;
  const acct = id % 97 === 0 ? "NULL" : String(((id * 7) % 45) + 1);
  const amount = id % 11 === 0 ? "NULL" : ((id * 37) % 100000) / 100;
  const kind = ["a", "b", "Ünï", "O'Brien", null][id % 5];
  return `(${id}, ${acct}, ${amount}, ${id % 13}, ${id * 1_000_000_007}, ${id % 3 !== 0}, ${kind === null ? "NULL" : `'${kind.replace("'", "''")}'`}, ${id / 8})`;
});
const accounts = Array.from({ length: 40 }, (_, i) => {
  const region = ["north", "south", "east", null][i % 4];
  return `(${i + 1}, 'acct ${i + 1}', ${region === null ? "NULL" : `'${region}'`})`;
});

before(async () => {
  pgdb = await createPgDatabase("weft_eager_pg");
  mydb = await createMysqlDatabase("weft_eager_my");
  oracle = await createPgDatabase("weft_eager_oracle");
  await pgdb.exec(
    `create table events ${eventDdl}; insert into events values ${events.join(", ")}; analyze events`,
  );
  await mydb.exec("create table account (id int primary key, name varchar(20) not null, region varchar(10))");
  await mydb.exec(`insert into account values ${accounts.join(", ")}`);
  await mydb.exec("analyze table account");
  await oracle.exec("create schema pgs; create schema my");
  await oracle.exec(
    `create table pgs.events ${eventDdl}; insert into pgs.events values ${events.join(", ")}`,
  );
  await oracle.exec(
    "create table my.account (id int primary key, name varchar(20) not null, region varchar(10))",
  );
  await oracle.exec(`insert into my.account values ${accounts.join(", ")}`);
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

const same = (sql: string) => assertSameAsOracle(client, oracleClient, sql);

const explain = (sql: string) => explainText(client, sql);

/** The native SQL sent to the events service groups the big table. */
async function assertPartiallyAggregated(sql: string): Promise<void> {
  const text = await explain(sql);
  assert.match(text, /"events" AS "e"[^\n]*GROUP BY "e"/, text);
}

describe("partial aggregation below a join (eager aggregation)", () => {
  test("count, sum, avg, min, max, bool_and over the big side; grouped by the small side", async () => {
    const sql =
      "select a.region, count(*), count(e.amount), sum(e.amount), sum(e.qty), sum(e.big), avg(e.amount), avg(e.qty), avg(e.big), min(e.kind), max(e.amount), bool_and(e.flag), bool_or(e.flag) from pgs.events e join my.account a on a.id = e.acct_id group by a.region order by a.region nulls first";
    await assertPartiallyAggregated(sql);
    await same(sql);
  });

  test("aliases, ORDER BY an output name that is also a column of the big table, LIMIT", async () => {
    const sql =
      "select a.id, a.name, count(*) as people, sum(e.qty) as qty from pgs.events e join my.account a on a.id = e.acct_id group by a.id, a.name order by qty desc, a.id limit 7";
    await assertPartiallyAggregated(sql);
    assert.doesNotMatch(await explain(sql), /GROUP BY "e"\."acct_id", "e"\."qty"/);
    await same(sql);
  });

  test("FILTER, count(DISTINCT), HAVING and ORDER BY an aggregate outside the select list", async () => {
    const sql =
      "select a.region, count(*) filter (where e.flag), sum(e.amount) filter (where e.kind = 'a'), count(distinct e.kind) from pgs.events e join my.account a on a.id = e.acct_id group by a.region having sum(e.qty) > 100 order by max(e.id) desc, a.region";
    await assertPartiallyAggregated(sql);
    await same(sql);
  });

  test("a WHERE over the big table alone goes into the partial aggregate; one over both stays above", async () => {
    const sql =
      "select a.region, count(*), sum(e.amount) from pgs.events e join my.account a on a.id = e.acct_id where e.qty > 3 and (e.kind = 'a' or a.region = 'east') group by a.region order by 1 nulls last";
    await assertPartiallyAggregated(sql);
    await same(sql);
  });

  test("grouping by a column of the big table too", async () => {
    const sql =
      "select e.kind, a.region, count(*), avg(e.amount) from pgs.events e join my.account a on a.id = e.acct_id group by e.kind, a.region order by 1 nulls first, 2 nulls first";
    await assertPartiallyAggregated(sql);
    await same(sql);
  });

  test("a global aggregate, also over an empty join (count 0, sum NULL)", async () => {
    await same(
      "select count(*), sum(e.qty), avg(e.amount), max(e.kind) from pgs.events e join my.account a on a.id = e.acct_id where a.region = 'north'",
    );
    const empty =
      "select count(*), count(e.amount), sum(e.qty), avg(e.amount) from pgs.events e join my.account a on a.id = e.acct_id where a.region = 'nowhere'";
    await assertPartiallyAggregated(empty);
    await same(empty);
  });

  test("the big table on the preserved side of a LEFT JOIN is aggregated; on the nullable side it is not", async () => {
    const preserved =
      "select a.region, count(*), sum(e.qty) from pgs.events e left join my.account a on a.id = e.acct_id group by a.region order by 1 nulls first";
    await assertPartiallyAggregated(preserved);
    await same(preserved);
    const nullable =
      "select a.region, count(*), count(e.id), sum(e.qty) from my.account a left join pgs.events e on e.acct_id = a.id group by a.region order by 1 nulls first";
    assert.doesNotMatch(await explain(nullable), /"events" AS "e"[^\n]*GROUP BY "e"/);
    await same(nullable);
  });

  test("float sums and aggregates over both tables are not split", async () => {
    const floats =
      "select a.region, sum(e.score) from pgs.events e join my.account a on a.id = e.acct_id group by a.region order by 1 nulls first";
    assert.doesNotMatch(await explain(floats), /GROUP BY/);
    await same(floats);
    const both =
      "select a.region, sum(e.qty * a.id) from pgs.events e join my.account a on a.id = e.acct_id group by a.region order by 1 nulls first";
    assert.doesNotMatch(await explain(both), /"events" AS "e"[^\n]*GROUP BY "e"/);
    await same(both);
  });
});
