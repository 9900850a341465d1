import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { PgError } from "../../../src/common/pg-error.ts";
import { expandStars, type StarTables } from "../../../src/session/star-expansion.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

// hr.todo has a relationship column left out of `*`; crm.contact only an always_fetch one.
const tables: StarTables = (schema, table) => {
  const key = `${schema ?? "hr"}.${table}`;
  if (key === "hr.todo") return { columns: ["id", "title", "owner_id"], hidden: true };
  if (key === "crm.contact") return { columns: ["id", "name", "todos"], hidden: false };
  if (key === "hr.plain") return { columns: ["id", "x"], hidden: false };
  return null;
};

function expand(sql: string): string | null {
  const [parsed] = parseSql(sql);
  const out = expandStars(parsed, tables);
  if (out) assert.deepEqual(out.ast, parseSql(out.text)[0].ast, "the AST is the rewritten text's");
  return out?.text ?? null;
}

describe("star expansion over relationship columns", () => {
  before(initParser);

  test("* and t.* over a table with hidden relationship columns list its columns", () => {
    assert.equal(
      expand("select * from hr.todo where id = 1"),
      'select "hr"."todo"."id", "hr"."todo"."title", "hr"."todo"."owner_id" from hr.todo where id = 1',
    );
    assert.equal(
      expand("SELECT t.*, 1 FROM hr.todo AS t"),
      'SELECT t."id", t."title", t."owner_id", 1 FROM hr.todo AS t',
    );
    assert.equal(
      expand('select "my t" . * from todo "my t"'),
      'select "my t" . "id", "my t" . "title", "my t" . "owner_id" from todo "my t"',
    );
  });

  test("statements without such tables are left alone", () => {
    assert.equal(expand("select * from crm.contact"), null);
    assert.equal(expand("select c.* from crm.contact c join hr.todo t on t.owner_id = c.id"), null);
    assert.equal(expand("select count(*) from hr.todo"), null);
    assert.equal(expand("select id from hr.todo"), null);
  });

  test("an unqualified * over several FROM items expands every one of them in order", () => {
    assert.equal(
      expand("select * from crm.contact c join hr.todo t on t.owner_id = c.id, hr.plain"),
      'select "c"."id", "c"."name", "c"."todos", "t"."id", "t"."title", "t"."owner_id", "hr"."plain"."id", "hr"."plain"."x" from crm.contact c join hr.todo t on t.owner_id = c.id, hr.plain',
    );
  });

  test("USING and NATURAL joins show their merged columns once, first", () => {
    assert.equal(
      expand("select * from hr.todo t join hr.plain p using (id)"),
      'select "id", "t"."title", "t"."owner_id", "p"."x" from hr.todo t join hr.plain p using (id)',
    );
    assert.equal(
      expand("select * from hr.todo t natural left join hr.plain p"),
      'select "id", "t"."title", "t"."owner_id", "p"."x" from hr.todo t natural left join hr.plain p',
    );
    assert.equal(
      expand("select * from hr.todo t join hr.plain p using (id) as u"),
      'select "u"."id", "t"."title", "t"."owner_id", "p"."x" from hr.todo t join hr.plain p using (id) as u',
    );
  });

  test("stars in subqueries, CTE bodies and RETURNING are expanded where they are", () => {
    assert.equal(
      expand("select * from (select * from hr.todo) s"),
      'select * from (select "hr"."todo"."id", "hr"."todo"."title", "hr"."todo"."owner_id" from hr.todo) s',
    );
    // `todo` below is the CTE, not the table
    assert.equal(
      expand("with todo as (select t.* from hr.todo t) select * from todo"),
      'with todo as (select t."id", t."title", t."owner_id" from hr.todo t) select * from todo',
    );
    assert.equal(
      expand("delete from hr.todo where id = 1 returning *"),
      'delete from hr.todo where id = 1 returning "hr"."todo"."id", "hr"."todo"."title", "hr"."todo"."owner_id"',
    );
  });

  test("what cannot be listed exactly is refused with 0A000, never expanded wrongly", () => {
    for (const sql of [
      "select * from (hr.todo t join hr.plain p on true) j",
      "select j.* from (hr.todo t join hr.plain p on true) j",
      "select * from hr.todo t(a, b)",
      "select * from hr.todo t join (select 1 as id) s using (id)",
    ]) {
      assert.throws(
        () => expand(sql),
        (err: unknown) => err instanceof PgError && err.code === "0A000",
        sql,
      );
    }
  });
});
