import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { assertSameAsOracle, explainText } from "../../support/oracle.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// A declared belongs_to tells the planner that a todo meets at most one contact, so todo ⋈ contact
// is estimated at the todos (3000), not at the contacts (8000); 3000 keys are then worth sending
// to the 20000 notes (a bind join), where 8000 are not (a hash join). reviewer_id has the same
// statistics and no relationship: the control. Three services so that nothing merges into one
// remote join.
let contactDb: TestDatabase;
let todoDb: TestDatabase;
let noteDb: TestDatabase;
let oracleDb: TestDatabase;
let weft: TestWeft;
let client: pg.Client;
let oracle: pg.Client;

const contacts =
  "create table contact (id int primary key, name text); insert into contact select g, 'c' || g from generate_series(1, 8000) g";
const notes =
  "create table note (id int primary key, contact_id int); insert into note select g, (g * 7) % 8000 + 1 from generate_series(1, 20000) g";
const todoDdl = "create table todo (id int primary key, contact_id int, reviewer_id int)";
// todo 3000 points at no contact (the join drops it); the rest each at one
const todoRows = Array.from({ length: 3000 }, (_, i) => {
  const id = i + 1;
  return `(${id}, ${id === 3000 ? 9999 : ((id * 3) % 8000) + 1}, ${((id * 5) % 8000) + 1})`;
});

before(async () => {
  contactDb = await createPgDatabase("weft_card_contact");
  todoDb = await createMysqlDatabase("weft_card_todo");
  noteDb = await createPgDatabase("weft_card_note");
  oracleDb = await createPgDatabase("weft_card_oracle");
  await contactDb.exec(`${contacts}; analyze contact`);
  await noteDb.exec(`${notes}; analyze note`);
  await todoDb.exec(todoDdl);
  await todoDb.exec(`insert into todo values ${todoRows.join(", ")}`);
  await todoDb.exec("analyze table todo");
  await oracleDb.exec(
    `create schema pg; create schema my; create schema nt; set search_path = pg; ${contacts}; set search_path = nt; ${notes}; set search_path = my; ${todoDdl}; insert into todo values ${todoRows.join(", ")}`,
  );
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "pg", kind: "postgres", url: contactDb.url },
      { name: "my", kind: "mysql", url: todoDb.url },
      { name: "nt", kind: "postgres", url: noteDb.url },
    ],
    relationships: [
      {
        service: "my",
        table: "todo",
        type: "belongs_to",
        field: "contact_id",
        ref_service: "pg",
        ref_table: "contact",
        ref_field: "id",
      },
    ],
  });
  client = new pg.Client({ connectionString: weft.url });
  oracle = new pg.Client({ connectionString: oracleDb.url });
  await client.connect();
  await oracle.connect();
});

after(async () => {
  await client?.end().catch(() => {});
  await oracle?.end().catch(() => {});
  await weft?.stop();
  for (const db of [contactDb, todoDb, noteDb, oracleDb]) await db?.drop();
});

const chain = (key: string) =>
  `select t.id, c.name, n.id as note from my.todo t join pg.contact c on c.id = t.${key} join nt.note n on n.contact_id = c.id order by t.id, n.id`;

test("a join on a belongs_to relationship is estimated at the referencing side, which makes the next join a bind join", async () => {
  const plan = await explainText(client, chain("contact_id"));
  assert.match(
    plan,
    /Hash Inner Join {2}\(build left, 1 key, rows≈\d+, at most one match: relationship "pg\.contact_by_contact_id" of my\.todo\)/,
    plan,
  );
  assert.match(plan, /Bind Inner Join {2}\(keys from the left side to service "nt"/, plan);
  const rows = await assertSameAsOracle(client, oracle, chain("contact_id"));
  assert.ok(rows > 5000, `${rows} rows`);
});

test("the same chain on a column no relationship declares is estimated at the larger side and hash joins", async () => {
  const plan = await explainText(client, chain("reviewer_id"));
  assert.doesNotMatch(plan, /at most one match/, plan);
  assert.doesNotMatch(plan, /Bind Inner Join/, plan);
  assert.equal(plan.match(/Hash Inner Join/g)?.length, 2, plan);
  const rows = await assertSameAsOracle(client, oracle, chain("reviewer_id"));
  assert.ok(rows > 5000, `${rows} rows`);
});

test("keys written the other way round and a LEFT join from the referencing side use it too", async () => {
  const sql =
    "select t.id, c.name from my.todo t left join pg.contact c on t.contact_id = c.id where t.id > 2990 order by t.id";
  const plan = await explainText(client, sql);
  assert.match(plan, /at most one match: relationship "pg\.contact_by_contact_id" of my\.todo/, plan);
  await assertSameAsOracle(client, oracle, sql);
});
