/**
 * Virtual relationships as SQL metadata: psql's \d, pgjdbc's DatabaseMetaData, information_schema,
 * Describe of relationship columns and of `SELECT *`, against a Weft serving the demo with
 * relationships declared in its config.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import postgres from "postgres";
import { demoFactsFromSqlite } from "../support/demo-facts.ts";
import { describeResult } from "../support/run-process.ts";
import { sqliteServicePath, startTestWeft, type TestWeft } from "../support/weft.ts";
import { assertPassed, runJdbcCheck } from "./checks/programs.ts";
import { psql } from "./checks/psql.ts";

describe("relationships in SQL metadata", { timeout: 180_000 }, () => {
  let weft: TestWeft;
  let sql: postgres.Sql;

  before(async () => {
    weft = await startTestWeft({
      relationships: [
        {
          service: "hr",
          table: "todo",
          type: "belongs_to",
          field: "assigned_to",
          ref_service: "crm",
          ref_table: "contact",
          ref_field: "display_name",
        },
        {
          service: "crm",
          table: "contact",
          type: "has_many",
          field: "display_name",
          ref_service: "hr",
          ref_table: "todo",
          ref_field: "assigned_to",
          alias: "todos",
          always_fetch: true,
        },
      ],
    });
    sql = postgres(weft.url, { max: 1, onnotice: () => {} });
  });
  after(async () => {
    await sql?.end();
    await weft?.stop();
  });

  async function psqlOut(command: string): Promise<string> {
    const r = await psql(weft.url, ["-c", command]);
    assert.equal(r.code, 0, describeResult(`psql ${command}`, r));
    return r.stdout;
  }

  test("\\d shows the foreign key on the child, Referenced by on the parent, the json columns", async () => {
    const todo = await psqlOut("\\d hr.todo");
    assert.match(
      todo,
      /Foreign-key constraints:\n\s+"crm\.contact_by_assigned_to" FOREIGN KEY \(assigned_to\) REFERENCES crm\.contact\(display_name\)/,
    );
    assert.match(todo, /^ crm\.contact_by_assigned_to \| json\s+\|/m);
    const contact = await psqlOut("\\d crm.contact");
    assert.match(
      contact,
      /Referenced by:\n\s+TABLE "hr\.todo" CONSTRAINT "crm\.contact_by_assigned_to" FOREIGN KEY \(assigned_to\) REFERENCES crm\.contact\(display_name\)/,
    );
    assert.match(contact, /^ todos\s+\| json\s+\|/m);
    const comments = await psqlOut("\\d+ hr.todo");
    assert.match(comments, /relationship: belongs_to crm\.contact\(display_name\)/);
  });

  test("information_schema has the key and its columns", async () => {
    const rows = await sql`
      select r.constraint_schema, r.constraint_name, k.table_name, k.column_name,
        u.table_schema as ref_schema, u.table_name as ref_table, u.column_name as ref_column
      from information_schema.referential_constraints r
      join information_schema.key_column_usage k using (constraint_schema, constraint_name)
      join information_schema.key_column_usage u on u.constraint_schema = r.unique_constraint_schema
        and u.constraint_name = r.unique_constraint_name
      where r.constraint_name = 'crm.contact_by_assigned_to'`;
    assert.deepEqual(
      rows.map((r) => Object.values(r)),
      [["hr", "crm.contact_by_assigned_to", "todo", "assigned_to", "crm", "contact", "display_name"]],
    );
  });

  test("Describe types relationship columns json; * leaves out all but always_fetch ones", async () => {
    const columns = async (query: string) =>
      (await sql.unsafe(query).describe()).columns.map((c) => [c.name, c.type]);
    assert.deepEqual(await columns('select t.id, t."crm.contact_by_assigned_to" from hr.todo t'), [
      ["id", 20],
      ["crm.contact_by_assigned_to", 114],
    ]);
    const real = [
      ["id", 20],
      ["title", 25],
      ["assigned_to", 25],
      ["done", 16],
      ["due_date", 1082],
      ["created_at", 1114],
    ];
    assert.deepEqual(await columns("select * from hr.todo"), real);
    assert.deepEqual(await columns("select t.* from hr.todo t where t.id = $1"), real);
    const contact = await columns("select * from crm.contact");
    assert.deepEqual(contact.at(-1), ["todos", 114], "always_fetch is part of *");
    assert.ok(!contact.some(([name]) => name === "crm.contact_by_assigned_to"));
  });

  test("a catalog change is visible to the next catalog query", async () => {
    const keys = async () =>
      (
        await sql`select conname from pg_constraint where contype = 'f'
          and conrelid = 'crm.employee_status'::regclass order by 1`
      ).map((r) => r.conname);
    assert.deepEqual(await keys(), []);
    const relationships = weft.weft.catalog.relationships;
    await relationships.create("crm", "employee_status", [
      { type: "belongs_to", field: "emp_no", ref_service: "hr", ref_table: "employees", ref_field: "emp_no" },
    ]);
    assert.deepEqual(await keys(), ["hr.employees_by_emp_no"]);
    await relationships.remove("crm", "employee_status", ["hr.employees_by_emp_no"]);
    assert.deepEqual(await keys(), []);
  });

  test("pgjdbc getImportedKeys/getExportedKeys return the virtual foreign key", async () => {
    const facts = demoFactsFromSqlite(sqliteServicePath(weft.config, "hr"), weft.config.database);
    const r = await runJdbcCheck({ url: weft.url, facts }, [
      "crm.contact_by_assigned_to|hr.todo(assigned_to) -> crm.contact(display_name)",
    ]);
    assertPassed("WeftJdbcCheck", r);
    assert.match(r.stdout, /virtual foreign key/, "the virtual key was checked");
  });
});
