import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { assertSameAsOracle, explainText, failureOf } from "../../support/oracle.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// Ordered-set aggregates (WITHIN GROUP) over one table held by a PostgreSQL service "pgs", a MariaDB
// service "my" and a SQLite service "lite"; the oracle is one PostgreSQL database with the same rows in
// schemas pgs, my and lite. PostgreSQL runs them itself, the others leave them to Weft's memory.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let oracle: TestDatabase;
let liteDir: string;
let weft: TestWeft;
let client: pg.Client;
let oracleClient: pg.Client;

const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

const rows = [
  "(1, 'a', 10.50, 1.5, '2024-01-01', 'x')",
  "(2, 'a', 20.00, NULL, '2024-01-03', 'y')",
  "(3, 'a', NULL, 2.25, NULL, 'x')",
  "(4, 'b', 7.25, -1, '2024-02-01', 'z')",
  "(5, 'b', 7.25, 8, '2024-02-05', 'z')",
  "(6, 'b', 100.00, 3, '2024-03-01', 'w')",
  "(7, NULL, 1.00, 0.5, '2023-12-31', 'x')",
  "(8, 'c', NULL, NULL, NULL, NULL)",
  "(9, 'b', 0.75, 8, '2024-02-05', 'w')",
];
const pgDdl = "(id int primary key, grp text, amount numeric(10,2), score float8, d date, tag text)";
const myDdl =
  "(id int primary key, grp varchar(10), amount decimal(10,2), score double, d date, tag varchar(10))";
// the types Weft shows for the MariaDB and SQLite tables, for the oracle's copies
const myAsPg =
  "(id int primary key, grp varchar(10), amount numeric(10,2), score float8, d date, tag varchar(10))";
const liteDdl = "(id INTEGER PRIMARY KEY, grp TEXT, amount NUMERIC(10,2), score REAL, d DATE, tag TEXT)";
const liteAsPg = "(id bigint primary key, grp text, amount numeric(10,2), score float8, d date, tag text)";

before(async () => {
  pgdb = await createPgDatabase("weft_osa_pg");
  mydb = await createMysqlDatabase("weft_osa_my");
  oracle = await createPgDatabase("weft_osa_oracle");
  await pgdb.exec(`create table pay ${pgDdl}`);
  await pgdb.exec(`insert into pay values ${rows.join(", ")}`);
  await mydb.exec(`create table pay ${myDdl}`);
  await mydb.exec(`insert into pay values ${rows.join(", ")}`);
  liteDir = await mkdtemp(join(tmpdir(), "weft-osa-"));
  const litePath = join(liteDir, "lite.db");
  const lite = new Database(litePath);
  lite.exec(`create table pay ${liteDdl}`);
  lite.exec(`insert into pay values ${rows.join(", ")}`);
  lite.close();
  await oracle.exec("create schema pgs; create schema my; create schema lite");
  for (const [schema, ddl] of [
    ["pgs", pgDdl],
    ["my", myAsPg],
    ["lite", liteAsPg],
  ]) {
    await oracle.exec(`create table ${schema}.pay ${ddl}`);
    await oracle.exec(`insert into ${schema}.pay values ${rows.join(", ")}`);
  }
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pgs", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
      { name: "lite", kind: "sqlite", path: litePath },
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
  if (liteDir) await rm(liteDir, { recursive: true, force: true });
});

const same = (sql: string, values: unknown[] = []) => assertSameAsOracle(client, oracleClient, sql, values);

const failure = failureOf;

const explain = (sql: string) => explainText(client, sql);

const perGroup = (schema: string) =>
  `select grp, percentile_cont(0.5) within group (order by amount), percentile_cont(0.25) within group (order by score desc), percentile_disc(0.5) within group (order by amount), percentile_disc(0.9) within group (order by d desc), mode() within group (order by tag), count(*) from ${schema}.pay group by grp order by grp nulls first`;

const whole = (schema: string) =>
  `select percentile_cont(array[0, 0.3, 1, null]) within group (order by score), percentile_disc(array[0.1, 0.5]) within group (order by tag), mode() within group (order by tag desc), rank(7.25) within group (order by amount), dense_rank(7.25, 'z') within group (order by amount desc, tag), percent_rank(2) within group (order by score nulls first), cume_dist('2024-02-05') within group (order by d) from ${schema}.pay`;

describe("ordered-set aggregates match PostgreSQL", () => {
  for (const schema of ["pgs", "my", "lite"]) {
    test(`per group and over the whole table on ${schema}`, async () => {
      await same(perGroup(schema));
      await same(whole(schema));
    });
    test(`empty input, NULL fractions and FILTER on ${schema}`, async () => {
      await same(
        `select percentile_cont(0.5) within group (order by amount), rank(1) within group (order by amount), cume_dist(1) within group (order by amount), percent_rank(1) within group (order by amount), mode() within group (order by tag) from ${schema}.pay where id < 0`,
      );
      await same(
        `select grp, percentile_cont(null) within group (order by amount), percentile_disc(0.5) within group (order by amount) filter (where id > 4), rank(5) within group (order by amount) filter (where id > 4) from ${schema}.pay group by grp order by grp nulls first`,
      );
      await same(
        `select grp from ${schema}.pay group by grp having percentile_cont(0.5) within group (order by score) > 1 order by grp`,
      );
    });
    test(`bound fractions and untyped literals on ${schema}`, async () => {
      await same(
        `select grp, percentile_cont($1) within group (order by score), percentile_disc($2::float8[]) within group (order by id), rank('x') within group (order by 'y'), dense_rank('x') within group (order by tag) from ${schema}.pay group by grp order by grp nulls first`,
        [0.4, "{0.5,0.99}"],
      );
    });
    test(`a fraction outside [0, 1] fails as in PostgreSQL on ${schema}`, async () => {
      const sql = `select percentile_cont(1.5) within group (order by amount) from ${schema}.pay`;
      const ours = await failure(client, sql);
      const theirs = await failure(oracleClient, sql);
      assert.deepEqual(ours, theirs);
      assert.equal(ours.code, "22003");
      assert.equal(ours.message, "percentile value 1.5 is not between 0 and 1");
    });
  }

  test("across services: percentiles of one service's rows grouped by another's", async () => {
    await same(
      "select m.tag, percentile_cont(0.5) within group (order by p.score), percentile_disc(0.5) within group (order by p.amount desc), mode() within group (order by l.grp), rank(2) within group (order by p.score) from my.pay m join pgs.pay p on p.id = m.id join lite.pay l on l.id = m.id group by m.tag order by m.tag nulls first",
    );
  });
});

describe("where ordered-set aggregates run", () => {
  test("a PostgreSQL service runs them itself", async () => {
    // the uncorrelated subquery over MariaDB makes the query cross-service: the PostgreSQL scan
    // still gets the whole grouping
    const plan = await explain(
      "select grp, percentile_cont(0.5) within group (order by amount desc nulls first), rank(3) within group (order by score) from pgs.pay where id >= (select min(id) from my.pay) group by grp",
    );
    assert.match(
      plan,
      /Native SQL: SELECT .*PERCENTILE_CONT\(\$\d+::numeric\) WITHIN GROUP \(ORDER BY "?pay"?\."amount" DESC NULLS FIRST\)/,
    );
    assert.match(plan, /RANK\(\$\d+::int4\) WITHIN GROUP \(ORDER BY "?pay"?\."score"\)/);
    assert.doesNotMatch(plan, /Hash Aggregate/);
    const whole = await explain(perGroup("pgs"));
    assert.match(whole, /Remote Statement on service "pgs"/);
    assert.match(whole, /MODE\(\) WITHIN GROUP \(ORDER BY "?pay"?\."tag"\)/);
  });

  test("MariaDB and SQLite leave them to Weft", async () => {
    for (const schema of ["my", "lite"]) {
      const plan = await explain(
        `select grp, percentile_cont(0.5) within group (order by amount) from ${schema}.pay where id >= (select min(id) from pgs.pay) group by grp`,
      );
      assert.doesNotMatch(plan, /Native SQL: .*WITHIN GROUP/);
      assert.match(
        plan,
        /Hash Aggregate {2}\(1 group keys, 1 aggregates: percentile_cont\(…\) WITHIN GROUP \(ORDER BY …\); in memory\)/,
      );
    }
  });
});
