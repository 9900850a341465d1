import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { type Mirror, openMirror } from "../../../src/catalog/mirror.ts";
import type { SourceSchema } from "../../../src/connectors/spi.ts";
import { col, shopSchema, T, table } from "./fixture-schema.ts";
import { ctxOf, textRows } from "./mirror-helpers.ts";

const ctx = ctxOf("alice", { search_path: "shop" });

async function attnums(mirror: Mirror, rel: string): Promise<Record<string, string>> {
  const rows = await textRows(
    mirror,
    "SELECT attname, attnum::text FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
    ctx,
    [rel],
  );
  return Object.fromEntries(rows.map((r) => [r[0], r[1]]));
}

/** shopSchema with: customers gains "phone", loses "name", "country" becomes text; "everything" dropped; "refunds" new. */
function changedSchema(): SourceSchema {
  const s = shopSchema();
  const customers = s.tables.find((t) => t.name === "customers")!;
  customers.columns = customers.columns.filter((c) => c.name !== "name");
  customers.columns.find((c) => c.name === "country")!.type = T.text;
  customers.columns.push(col("phone", 6, T.varchar40, { comment: "mobile" }));
  customers.indexes = [];
  customers.rowEstimate = 99;
  s.tables = s.tables.filter((t) => t.name !== "everything");
  s.tables.push(
    table("refunds", [col("id", 1, T.int4, { nullable: false }), col("order_id", 2, T.int8)], {
      primaryKey: { name: "PRIMARY", columns: ["id"] },
      foreignKeys: [{ name: "refunds_order", columns: ["order_id"], refTable: "orders", refColumns: ["id"] }],
    }),
  );
  return s;
}

describe("mirror persistence", () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-mirror-"));
  const dataDir = join(dir, "pgdata");
  let mirror: Mirror | null = null;
  after(async () => {
    await mirror?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("OIDs survive a restart and a changed schema keeps unchanged tables and columns", async () => {
    mirror = await openMirror({ dataDir, database: "weftdb", users: ["alice"] });
    await mirror.applyServiceSchema("shop", shopSchema());
    const customers = mirror.tableOid("shop", "customers")!;
    const orders = mirror.tableOid("shop", "orders")!;
    const view = mirror.tableOid("shop", "big_spenders")!;
    assert.ok(customers && orders && view);
    const customerCols = await attnums(mirror, "shop.customers");
    await mirror.close();
    mirror = null;

    mirror = await openMirror({ dataDir, database: "weftdb", users: ["alice"] });
    assert.equal(mirror.tableOid("shop", "customers"), customers);
    assert.equal(mirror.tableOid("shop", "orders"), orders);
    assert.deepEqual(await textRows(mirror, "SELECT current_database()", ctx), [["weftdb"]]);
    // the same schema again changes nothing
    await mirror.applyServiceSchema("shop", shopSchema());
    assert.equal(mirror.tableOid("shop", "customers"), customers);
    assert.equal(mirror.tableOid("shop", "big_spenders"), view);

    await mirror.applyServiceSchema("shop", changedSchema());
    assert.equal(mirror.tableOid("shop", "customers"), customers);
    assert.equal(mirror.tableOid("shop", "orders"), orders);
    assert.equal(mirror.tableOid("shop", "big_spenders"), view);
    assert.equal(mirror.tableOid("shop", "everything"), undefined);
    assert.ok(mirror.tableOid("shop", "refunds"));

    const after = await attnums(mirror, "shop.customers");
    for (const name of ["id", "email", "country", "created_at"])
      assert.equal(after[name], customerCols[name], name);
    assert.equal(after.name, undefined);
    assert.ok(after.phone);
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT format_type(atttypid, atttypmod), col_description(attrelid, attnum) FROM pg_attribute
         WHERE attrelid = 'shop.customers'::regclass AND attname IN ('country', 'phone') ORDER BY attname`,
        ctx,
      ),
      [
        ["text", null],
        ["character varying(40)", "mobile"],
      ],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        "SELECT reltuples::int8::text FROM pg_class WHERE oid = 'shop.customers'::regclass",
        ctx,
      ),
      [["99"]],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'shop.refunds'::regclass AND contype = 'f'",
        ctx,
      ),
      [["refunds_order", "FOREIGN KEY (order_id) REFERENCES orders(id)"]],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'shop' AND tablename = 'customers' ORDER BY 1",
        ctx,
      ),
      [["customers_pkey"], ["email"]],
    );
    // the FK from orders to customers was recreated
    assert.deepEqual(
      await textRows(
        mirror,
        "SELECT conname FROM pg_constraint WHERE conrelid = 'shop.orders'::regclass AND contype = 'f'",
        ctx,
      ),
      [["orders_customer_fk"]],
    );
  });

  test("a schema the mirror cannot create leaves the old one untouched", async () => {
    assert.ok(mirror);
    const before = await attnums(mirror, "shop.customers");
    const broken = changedSchema();
    broken.tables
      .find((t) => t.name === "customers")!
      .columns.push(col("bad", 9, { oid: 0, typmod: -1, sql: "no_such_type" }));
    broken.tables.push(table("brand_new", [col("a", 1, T.int4)]));
    await assert.rejects(
      () => mirror!.applyServiceSchema("shop", broken),
      (e: unknown) => e instanceof Error && /no_such_type/.test(e.message),
    );
    assert.deepEqual(await attnums(mirror, "shop.customers"), before);
    assert.deepEqual(await textRows(mirror, "SELECT to_regclass('shop.brand_new')", ctx), [[null]]);
    // and the mirror still answers
    assert.deepEqual(await textRows(mirror, "SELECT 1", ctx), [["1"]]);
  });
});
