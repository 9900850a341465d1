import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { PgError } from "../../../src/common/pg-error.ts";
import { errorPosition, initParser, parseSql, statementKind } from "../../../src/sql/parse.ts";
import { referencedFunctions, referencedRelations } from "../../../src/sql/relations.ts";

before(async () => {
  await initParser();
});

function syntaxError(sql: string): PgError {
  try {
    parseSql(sql);
  } catch (e) {
    assert.ok(e instanceof PgError);
    return e;
  }
  assert.fail(`no error for ${sql}`);
}

describe("parseSql", () => {
  test("splits statements with their own text and offsets", () => {
    const sql = "select 1; -- c\nselect 'é😀' as x;  update t set a = 2";
    const stmts = parseSql(sql);
    assert.equal(stmts.length, 3);
    assert.deepEqual(
      stmts.map((s) => s.text),
      // leading comments are not part of a statement's text
      ["select 1", "select 'é😀' as x", "update t set a = 2"],
    );
    for (const s of stmts) assert.ok(sql.slice(s.location).startsWith(s.text));
    assert.deepEqual(
      stmts.map((s) => statementKind(s.ast)),
      ["SelectStmt", "SelectStmt", "UpdateStmt"],
    );
  });
  test("locations inside the AST are UTF-16 indexes", () => {
    const sql = "select 'é😀', abc from t";
    const [s] = parseSql(sql);
    const col = (s.ast as any).SelectStmt.targetList[1].ResTarget.val.ColumnRef;
    assert.equal(sql.slice(col.location, col.location + 3), "abc");
  });
  test("empty input and comments only give no statements", () => {
    assert.deepEqual(parseSql(""), []);
    assert.deepEqual(parseSql("  -- nothing\n/* here */ ;"), []);
  });
  test("syntax errors carry Postgres's message and 1-based character position", () => {
    const e = syntaxError("select 'a' frm t");
    assert.equal(e.code, "42601");
    assert.equal(e.message, 'syntax error at or near "t"');
    assert.equal(e.position, 16);
    // Postgres reports 17 here: characters, not bytes or UTF-16 units
    assert.equal(syntaxError("select 'é😀' frm t").position, 17);
    const end = syntaxError("select 1 +");
    assert.equal(end.message, "syntax error at end of input");
    assert.equal(end.position, 11);
  });
  test("errorPosition counts code points", () => {
    assert.equal(errorPosition("a😀b", 3), 3);
    assert.equal(errorPosition("abc", 0), 1);
  });
});

describe("referencedRelations", () => {
  const rels = (sql: string) =>
    referencedRelations(parseSql(sql)[0].ast).map((r) => (r.schema ? `${r.schema}.${r.name}` : r.name));
  test("FROM, joins, subqueries at any depth", () => {
    assert.deepEqual(rels("select * from a join s.b on true left join (select * from c) x on true"), [
      "a",
      "s.b",
      "c",
    ]);
    assert.deepEqual(
      rels(
        "select (select max(x) from d where exists (select 1 from e)) from f where y in (select y from g)",
      ),
      ["d", "e", "f", "g"],
    );
  });
  test("DML targets, USING, INSERT … SELECT, EXPLAIN", () => {
    assert.deepEqual(rels("insert into t (a) select a from u"), ["t", "u"]);
    assert.deepEqual(rels("update t set a = (select 1 from v) from w where t.id = w.id"), ["t", "v", "w"]);
    assert.deepEqual(rels("delete from t using u where t.id = u.id returning (select 1 from z)"), [
      "t",
      "u",
      "z",
    ]);
    assert.deepEqual(rels('explain select * from Mixed."CaseT"'), ["mixed.CaseT"]);
  });
  test("CTE names shadow tables only where in scope", () => {
    assert.deepEqual(rels("with x as (select * from t) select * from x, s.x"), ["t", "s.x"]);
    assert.deepEqual(rels("with x as (select * from x) select * from x"), ["x"]);
    assert.deepEqual(rels("with recursive x as (select 1 union all select * from x) select * from x"), []);
    assert.deepEqual(rels("select * from x where exists (with x as (select 1) select * from x)"), ["x"]);
    assert.deepEqual(rels("with a as (select 1), b as (select * from a) select * from b"), []);
  });
  test("locations point at the name", () => {
    const sql = "select 'ü' from tbl";
    const [r] = referencedRelations(parseSql(sql)[0].ast);
    assert.equal(sql.slice(r.location, r.location + 3), "tbl");
  });
  test("functions", () => {
    const [s] = parseSql("select pg_catalog.version(), NOW(), count(*) from t where lower(x) = upper(y)");
    assert.deepEqual(referencedFunctions(s.ast), ["pg_catalog.version", "now", "count", "lower", "upper"]);
  });
});
