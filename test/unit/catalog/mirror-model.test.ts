import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildWanted, estimatedPages } from "../../../src/catalog/mirror-model.ts";
import { truncateIdent } from "../../../src/catalog/sql-names.ts";
import { col, shopSchema, T, table } from "../../integration/catalog/fixture-schema.ts";

describe("buildWanted", () => {
  test("gives MySQL-style per-table names schema-unique Postgres names", () => {
    const wanted = buildWanted(shopSchema());
    const keys = Object.fromEntries(wanted.map((r) => [r.name, r.keys.map((k) => `${k.kind}:${k.name}`)]));
    assert.deepEqual(keys, {
      customers: ["primary:customers_pkey", "unique:email", "index:idx_name"],
      orders: ["primary:orders_pkey", "index:orders_idx_name"],
      everything: ["primary:everything_pkey"],
      big_spenders: [],
    });
  });

  test("primary key columns are NOT NULL; views have no keys or NOT NULL", () => {
    const w = buildWanted({
      tables: [
        table("t", [col("a", 1, T.int4), col("b", 2, T.int4)], {
          primaryKey: { name: "PRIMARY", columns: ["a"] },
        }),
        { ...table("v", [col("x", 1, T.int4, { nullable: false })]), kind: "view" },
      ],
    });
    assert.deepEqual(
      w[0].columns.map((c) => c.notNull),
      [true, false],
    );
    assert.equal(w[1].columns[0].notNull, false);
    assert.deepEqual(w[1].keys, []);
  });

  test("drops keys and foreign keys that name missing columns or tables", () => {
    const w = buildWanted({
      tables: [
        table("t", [col("a", 1, T.int4)], {
          uniqueKeys: [{ name: "u", columns: ["nope"] }],
          indexes: [{ name: "i", columns: [], unique: false }],
          foreignKeys: [
            { name: "f1", columns: ["a"], refTable: "missing", refColumns: ["id"] },
            { name: "f2", columns: ["a"], refTable: "t", refColumns: ["zz"] },
            {
              name: "f3",
              columns: ["a"],
              refTable: "t",
              refColumns: ["a"],
              onDelete: "set_null",
              onUpdate: "bogus",
            },
          ],
        }),
      ],
    });
    assert.deepEqual(w[0].keys, []);
    assert.deepEqual(w[0].foreignKeys, [
      { name: "f3", columns: ["a"], refTable: "t", refColumns: ["a"], onDelete: "SET NULL", onUpdate: null },
    ]);
  });

  test("columns follow ordinal order", () => {
    const w = buildWanted({ tables: [table("t", [col("b", 2, T.int4), col("a", 1, T.int4)])] });
    assert.deepEqual(
      w[0].columns.map((c) => c.name),
      ["a", "b"],
    );
  });
});

test("truncateIdent keeps 63 bytes without splitting a character", () => {
  assert.equal(truncateIdent("a".repeat(70)), "a".repeat(63));
  const cut = truncateIdent("é".repeat(40));
  assert.equal(Buffer.byteLength(cut), 62);
});

test("estimatedPages", () => {
  assert.equal(estimatedPages(-1), 0);
  assert.equal(estimatedPages(0), 1);
  assert.equal(estimatedPages(8000), 100);
});
