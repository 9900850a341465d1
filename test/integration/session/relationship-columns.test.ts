import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { explainText } from "../../support/oracle.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// Relationship columns across three services (contacts and tasks in PostgreSQL, todos in
// MariaDB, the many_many junction in a second MariaDB database), compared with one PostgreSQL
// holding the same rows and the subqueries a relationship column stands for.
let pgdb: TestDatabase;
let mydb: TestDatabase;
let lkdb: TestDatabase;
let oracledb: TestDatabase;
let weft: TestWeft;
let client: pg.Client;
let oracle: pg.Client;

const names = ["Ann O'Neil", "Zoë Ærø", "Bob  ", "Bob", 'say "hi" \\ back', "日本語"];
const contactRows = names.map(
  (n, i) =>
    `(${i + 1}, ${pgLit(n)}, ${i % 2 ? "NULL" : `${i}.5`}, date '2020-01-0${i + 1}', timestamp '2021-02-03 04:05:0${i}.25', ${i % 3 === 0})`,
);
// todo 1 has thousands of tasks; 99 is an orphan on the near side (no contact, no task)
const todoData = [
  [1, names[0]],
  [2, names[1]],
  [3, names[2]],
  [4, names[3]],
  [5, names[4]],
  [6, names[5]],
  [7, null],
  [99, "nobody"],
] as const;
const todoRows = (quote: (s: string) => string) =>
  todoData.map(([id, n]) => `(${id}, ${n === null ? "NULL" : quote(n)})`);
const linkRows = ["(1, 2)", "(1, 1)", "(1, 1)", "(2, 6)", "(3, 40)", "(50, 1)"];

function pgLit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function lit(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

before(async () => {
  pgdb = await createPgDatabase("weft_relcol_pg");
  mydb = await createMysqlDatabase("weft_relcol_my");
  lkdb = await createMysqlDatabase("weft_relcol_lk");
  oracledb = await createPgDatabase("weft_relcol_oracle");
  const contactDdl =
    "create table contact (id int primary key, display_name varchar(60), score numeric(6,2), born date, seen timestamp, flag boolean)";
  const taskDdl = "create table task (id int primary key, todo_id int, title text)";
  const tasks =
    "insert into task select g, case when g <= 3000 then 1 when g <= 3005 then 2 else 500 end, 'task ' || g from generate_series(1, 3010) g";
  await pgdb.exec(
    `${contactDdl}; insert into contact values ${contactRows.join(", ")}; ${taskDdl}; ${tasks}`,
  );
  await mydb.exec("create table todo (id int primary key, assigned_to varchar(60))");
  await mydb.exec(`insert into todo values ${todoRows(lit).join(", ")}`);
  await lkdb.exec("create table link (todo_id int, contact_id int)");
  await lkdb.exec(`insert into link values ${linkRows.join(", ")}`);
  await oracledb.exec(
    `create schema pg; create schema my; create schema lk; set search_path = pg; ${contactDdl}; insert into contact values ${contactRows.join(", ")}; ${taskDdl}; ${tasks}; create table my.todo (id int primary key, assigned_to varchar(60)); insert into my.todo values ${todoRows(pgLit).join(", ")}; create table lk.link (todo_id int, contact_id int); insert into lk.link values ${linkRows.join(", ")}`,
  );
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pg", kind: "postgres", url: pgdb.url },
      { name: "my", kind: "mysql", url: mydb.url },
      { name: "lk", kind: "mysql", url: lkdb.url },
    ],
    relationships: [
      {
        service: "my",
        table: "todo",
        name: "pg.contact_by_assigned_to",
        type: "belongs_to",
        field: "assigned_to",
        ref_service: "pg",
        ref_table: "contact",
        ref_field: "display_name",
      },
      {
        service: "my",
        table: "todo",
        alias: "tasks",
        type: "has_many",
        field: "id",
        ref_service: "pg",
        ref_table: "task",
        ref_field: "todo_id",
      },
      // todos 1 and 2 have several tasks: reading this column for them raises 21000
      {
        service: "my",
        table: "todo",
        name: "first_task",
        alias: "one_task",
        type: "has_one",
        field: "id",
        ref_service: "pg",
        ref_table: "task",
        ref_field: "todo_id",
      },
      {
        service: "my",
        table: "todo",
        alias: "linked",
        type: "many_many",
        field: "id",
        ref_service: "pg",
        ref_table: "contact",
        ref_field: "id",
        junction_service: "lk",
        junction_table: "link",
        junction_field: "todo_id",
        junction_ref_field: "contact_id",
      },
    ],
  });
  const text = { getTypeParser: () => (v: string) => v };
  client = new pg.Client({ connectionString: weft.url, types: text });
  oracle = new pg.Client({ connectionString: oracledb.url, types: text });
  await client.connect();
  await oracle.connect();
});

after(async () => {
  await client?.end().catch(() => {});
  await oracle?.end().catch(() => {});
  await weft?.stop();
  for (const db of [pgdb, mydb, lkdb, oracledb]) await db?.drop();
});

const belongsTo =
  '(select row_to_json(c) from pg.contact c where c.display_name = t.assigned_to) as "pg.contact_by_assigned_to"';
const hasMany =
  "coalesce((select json_agg(row_to_json(x) order by x.id) from pg.task x where x.todo_id = t.id), '[]') as tasks";
const manyMany =
  "coalesce((select json_agg(row_to_json(c) order by c.id) from pg.contact c where c.id in (select l.contact_id from lk.link l where l.todo_id = t.id)), '[]') as linked";

async function same(weftSql: string, oracleSql: string): Promise<unknown[][]> {
  const expected = await oracle.query({ text: oracleSql, rowMode: "array" });
  const actual = await client.query({ text: weftSql, rowMode: "array" });
  assert.deepEqual(
    actual.fields.map((f) => [f.name, f.dataTypeID]),
    expected.fields.map((f) => [f.name, f.dataTypeID]),
  );
  assert.deepEqual(actual.rows, expected.rows, weftSql);
  return actual.rows;
}

test("belongs_to on a string key (quotes, non-ASCII, trailing spaces) equals row_to_json of the oracle", async () => {
  const rows = await same(
    'select t.id, t."pg.contact_by_assigned_to" from my.todo t order by t.id',
    `select t.id, ${belongsTo} from my.todo t order by t.id`,
  );
  assert.equal(rows.filter((r) => r[1] === null).length, 2);
});

test("has_many with thousands of children, orphans on both sides, [] for none", async () => {
  const rows = await same(
    "select t.id, t.tasks from my.todo t order by t.id",
    `select t.id, ${hasMany} from my.todo t order by t.id`,
  );
  assert.equal(JSON.parse(String(rows[0][1])).length, 3000);
});

test("many_many across three services: junction then target", async () => {
  await same(
    "select t.id, t.linked from my.todo t order by t.id",
    `select t.id, ${manyMany} from my.todo t order by t.id`,
  );
});

test("filters and ORDER BY on relationship columns", async () => {
  await same(
    'select t.id from my.todo t where t."pg.contact_by_assigned_to" is null order by t.id',
    `select * from (select t.id, ${belongsTo} from my.todo t) s where s."pg.contact_by_assigned_to" is null order by s.id`.replace(
      "select * from",
      "select id from",
    ),
  );
  await same(
    `select t.id, t."pg.contact_by_assigned_to"->>'score' as score from my.todo t where t."pg.contact_by_assigned_to"->>'flag' = 'true' order by t."pg.contact_by_assigned_to"->>'display_name' desc`,
    `select id, r->>'score' as score from (select t.id, (select row_to_json(c) from pg.contact c where c.display_name = t.assigned_to) as r from my.todo t) s where r->>'flag' = 'true' order by r->>'display_name' desc`,
  );
});

const oneTask = "(select row_to_json(x) from pg.task x where x.todo_id = t.id)";
const severalTasks = "(select x.todo_id from pg.task x group by 1 having count(*) > 1)";

test("a has_one matching two rows raises 21000 only for the rows that are read, like a scalar subquery", async () => {
  const rows = await same(
    `select t.id, t.one_task from my.todo t where t.id not in ${severalTasks} order by t.id`,
    `select t.id, ${oneTask} as one_task from my.todo t where t.id not in ${severalTasks} order by t.id`,
  );
  assert.deepEqual(
    rows.map((r) => r[0]),
    ["3", "4", "5", "6", "7", "99"],
  );
  // the column read by WHERE, ORDER BY and a function after the filter that drops the offenders
  await same(
    `select t.id, json_typeof(t.one_task) as k from my.todo t where t.id not in ${severalTasks} and t.one_task is null order by t.one_task::text, t.id`,
    `select t.id, json_typeof(${oneTask}) as k from my.todo t where t.id not in ${severalTasks} and ${oneTask} is null order by ${oneTask}::text, t.id`,
  );
  // a CASE branch not taken does not read it
  await same(
    "select t.id, case when t.id > 2 then t.one_task end as v from my.todo t order by t.id",
    `select t.id, case when t.id > 2 then ${oneTask} end as v from my.todo t order by t.id`,
  );
  const offending = [
    [
      `select t.id, t.one_task from my.todo t order by t.id`,
      `select t.id, ${oneTask} from my.todo t order by t.id`,
    ],
    [
      `select t.id from my.todo t where t.id in (1, 3) and t.one_task is null`,
      `select t.id from my.todo t where t.id in (1, 3) and ${oneTask} is null`,
    ],
    [
      `select t.id from my.todo t where t.id <> 2 order by t.one_task::text`,
      `select t.id from my.todo t where t.id <> 2 order by ${oneTask}::text`,
    ],
  ];
  for (const [weftSql, oracleSql] of offending) {
    const expected = await oracle.query(oracleSql).then(
      () => null,
      (err) => err.code,
    );
    assert.equal(expected, "21000", oracleSql);
    await assert.rejects(client.query(weftSql), { code: "21000" }, weftSql);
  }
});

test("EXPLAIN shows the batches; EXPLAIN ANALYZE counts queries per batch, not per row", async () => {
  const plan = await explainText(client, "select t.id, t.tasks, t.linked from my.todo t");
  assert.match(plan, /Relationship Fetch "tasks" \(has_many, batches of \d+, \d+ in flight\)/, plan);
  assert.match(plan, /Relationship Fetch "linked" \(many_many, batches of \d+, \d+ in flight\)/, plan);
  assert.match(plan, /ANY/, plan);
  const analyzed = await explainText(client, "select t.id, t.tasks from my.todo t", [], "analyze");
  // 8 todo rows: one batch of keys, so one query to the task table however many rows come back
  assert.match(
    analyzed,
    /Remote Scan on service "pg" \(postgres\) per batch of keys\n.*ANY.*\n\s*Source: queries=1 rows=3005 /,
    analyzed,
  );
});
