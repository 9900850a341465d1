import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Mirror, openMirror } from "../../../src/catalog/mirror.ts";
import { Oid } from "../../../src/common/pg-types.ts";
import { literalParams } from "../../../src/session/literal-params.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";
import { shopSchema } from "../catalog/fixture-schema.ts";
import { ctxOf } from "../catalog/mirror-helpers.ts";

function normalize(sql: string) {
  const [parsed] = parseSql(sql);
  return literalParams(parsed!.ast, parsed!.text, parsed!.location);
}

/** Queries whose WHERE clauses hold numeric literals in every position literalParams replaces. */
const corpus = [
  "SELECT id, email FROM customers WHERE id = 42",
  "SELECT * FROM orders WHERE id = 42",
  "SELECT * FROM orders WHERE id = 3000000000",
  "SELECT * FROM orders WHERE id = -2147483648",
  "SELECT * FROM orders WHERE id = - 5 OR id = -9223372036854775808",
  "SELECT total FROM orders WHERE total > 10.5 AND total < 1e3",
  "SELECT total FROM orders WHERE total = 99999999999999999999999",
  "SELECT k, r, d FROM everything WHERE k = 1 AND r < 2.5 AND d <> 0",
  "SELECT id FROM orders WHERE customer_id IN (1, 2, 3000000000)",
  "SELECT id FROM orders WHERE customer_id BETWEEN 1 AND 10 AND NOT (id NOT BETWEEN .5 AND 7.)",
  "SELECT id + 1 AS n, 2.5 AS x FROM orders WHERE customer_id + 1 = 2 AND note = 'x' AND id = 3",
  "SELECT count(*) FROM orders WHERE id > 0",
  "SELECT c.id, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.id = 7",
];

describe("literalParams: numeric literals of a WHERE clause as parameters of their own types", () => {
  let mirror: Mirror;
  const ctx = ctxOf("alice", { search_path: "shop, public" });

  before(async () => {
    await initParser();
    mirror = await openMirror({ dataDir: null, database: "weft", users: ["alice"] });
    await mirror.applyServiceSchema("shop", shopSchema());
  });
  after(async () => {
    await mirror?.close();
  });

  test("replaces only the literals of the WHERE clause, typed as make_const types them", () => {
    assert.deepEqual(normalize("SELECT balance FROM pg.accounts WHERE id = 12345;"), {
      text: "SELECT balance FROM pg.accounts WHERE id = $1",
      paramTypes: [Oid.int4],
    });
    assert.deepEqual(normalize("SELECT 1 FROM t WHERE a = -3000000000 AND b IN (1.5, 2) AND c = 'x'"), {
      text: "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3) AND c = 'x'",
      paramTypes: [Oid.int8, Oid.numeric, Oid.int4],
    });
    assert.deepEqual(normalize("SELECT * FROM t WHERE a = 99999999999999999999")?.paramTypes, [Oid.numeric]);
    // a second statement: its locations count from the start of the whole input
    const [, second] = parseSql("SELECT 1;\n   SELECT * FROM t WHERE a = 5");
    assert.equal(
      literalParams(second!.ast, second!.text, second!.location)?.text,
      "SELECT * FROM t WHERE a = $1",
    );
  });

  test("leaves alone what it cannot replace exactly", () => {
    assert.equal(normalize("SELECT 1 FROM t"), null);
    assert.equal(normalize("SELECT * FROM t WHERE a = f(1)"), null);
    assert.equal(normalize("SELECT * FROM t WHERE a = 1::int8"), null);
    assert.equal(normalize("SELECT * FROM t WHERE a = 0x1F"), null);
    assert.equal(normalize("SELECT * FROM t WHERE a = 1_000"), null);
    assert.equal(normalize("SELECT * FROM t WHERE a IN (SELECT 1)"), null);
    assert.equal(normalize("SELECT * FROM t WHERE a = 1 UNION SELECT * FROM t"), null);
    assert.equal(normalize("SELECT * FROM t WHERE a = $1 AND b = 2"), null);
    assert.equal(normalize("UPDATE t SET a = 1 WHERE b = 2"), null);
  });

  test("the mirror describes the replaced form exactly like the statement", async () => {
    for (const sql of corpus) {
      const normal = normalize(sql);
      assert.ok(normal, `normalized: ${sql}`);
      const plain = await mirror.describe(sql, [], ctx);
      const replaced = await mirror.describe(normal.text, normal.paramTypes, ctx);
      assert.deepEqual(replaced.fields, plain.fields, sql);
      assert.deepEqual(replaced.paramTypes, normal.paramTypes, sql);
    }
  });

  test("a statement that fails to describe fails in its replaced form too", async () => {
    for (const sql of ["SELECT * FROM orders WHERE note = 5", "SELECT * FROM orders WHERE nope = 5"]) {
      const normal = normalize(sql)!;
      await assert.rejects(mirror.describe(sql, [], ctx));
      await assert.rejects(mirror.describe(normal.text, normal.paramTypes, ctx));
    }
  });
});
