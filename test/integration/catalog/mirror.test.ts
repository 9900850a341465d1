import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Mirror, openMirror } from "../../../src/catalog/mirror.ts";
import { PgError } from "../../../src/common/pg-error.ts";
import { shopSchema } from "./fixture-schema.ts";
import { ctxOf, run, textRows } from "./mirror-helpers.ts";

describe("mirror (in memory)", () => {
  let mirror: Mirror;
  const alice = ctxOf("alice", { search_path: "shop, public" });

  before(async () => {
    mirror = await openMirror({ dataDir: null, database: "weft", users: ["alice", "bob"] });
    await mirror.applyServiceSchema("shop", shopSchema());
  });
  after(async () => {
    await mirror?.close();
  });

  test("reports Postgres 16.4", () => {
    assert.equal(mirror.serverVersion, "16.4");
    assert.equal(mirror.serverVersionNum, "160004");
  });

  test("current_user, session_user and current_database follow the context and options", async () => {
    assert.deepEqual(await textRows(mirror, "SELECT current_user, session_user, current_database()", alice), [
      ["alice", "alice", "weft"],
    ]);
    assert.deepEqual(await textRows(mirror, "SELECT current_user", ctxOf("bob")), [["bob"]]);
    const dbs = await textRows(mirror, "SELECT datname FROM pg_database ORDER BY 1", alice);
    assert.ok(dbs.some((r) => r[0] === "weft"));
  });

  test("information_schema shows the columns with types, nullability and defaults", async () => {
    const rows = await textRows(
      mirror,
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'shop' AND table_name = 'customers'
       ORDER BY ordinal_position`,
      alice,
    );
    assert.deepEqual(rows, [
      ["id", "integer", null, "NO", null],
      ["email", "character varying", "100", "NO", null],
      ["name", "character varying", "40", "YES", null],
      ["country", "character", "2", "YES", "'US'::bpchar"],
      ["created_at", "timestamp with time zone", null, "NO", "now()"],
    ]);
    const types = await textRows(
      mirror,
      `SELECT column_name, pg_catalog.format_type(a.atttypid, a.atttypmod)
       FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = 'shop.everything'::regclass AND a.attname = c.column_name
       WHERE table_schema = 'shop' AND table_name = 'everything' ORDER BY ordinal_position`,
      alice,
    );
    assert.deepEqual(types, [
      ["k", "smallint"],
      ["r", "real"],
      ["d", "double precision"],
      ["t", "time without time zone"],
      ["i", "interval"],
      ["b", "bytea"],
      ["j", "json"],
      ["jb", "jsonb"],
      ["u", "uuid"],
      ["ia", "integer[]"],
      ["ta", "text[]"],
    ]);
  });

  test("keys, foreign keys and indexes are real", async () => {
    const cons = await textRows(
      mirror,
      `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
       WHERE connamespace = 'shop'::regnamespace ORDER BY 1, 2`,
      ctxOf("alice"),
    );
    assert.deepEqual(cons, [
      ["shop.customers", "customers_pkey", "PRIMARY KEY (id)"],
      ["shop.customers", "email", "UNIQUE (email)"],
      ["shop.everything", "everything_pkey", "PRIMARY KEY (k)"],
      [
        "shop.orders",
        "orders_customer_fk",
        "FOREIGN KEY (customer_id) REFERENCES shop.customers(id) ON DELETE CASCADE",
      ],
      ["shop.orders", "orders_pkey", "PRIMARY KEY (id)"],
    ]);
    const idx = await textRows(
      mirror,
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'shop' AND indexname LIKE '%idx_name' ORDER BY 1",
      alice,
    );
    assert.deepEqual(idx, [
      ["idx_name", "CREATE INDEX idx_name ON shop.customers USING btree (name)"],
      [
        "orders_idx_name",
        "CREATE INDEX orders_idx_name ON shop.orders USING btree (customer_id, ordered_on)",
      ],
    ]);
    const fk = await textRows(
      mirror,
      `SELECT kcu.column_name, ccu.table_name, ccu.column_name
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
       WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'shop'`,
      alice,
    );
    assert.deepEqual(fk, [["customer_id", "customers", "id"]]);
  });

  test("comments, views and row estimates", async () => {
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT obj_description('shop.customers'::regclass, 'pg_class'), col_description('shop.customers'::regclass, 2),
                obj_description('shop.big_spenders'::regclass, 'pg_class'), col_description('shop.big_spenders'::regclass, 2)`,
        alice,
      ),
      [["people who buy things", "login e-mail", "customers by spend", "sum"]],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'shop' ORDER BY 1",
        alice,
      ),
      [
        ["big_spenders", "VIEW"],
        ["customers", "BASE TABLE"],
        ["everything", "BASE TABLE"],
        ["orders", "BASE TABLE"],
      ],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
         WHERE attrelid = 'shop.big_spenders'::regclass AND attnum > 0 ORDER BY attnum`,
        alice,
      ),
      [
        ["customer_id", "integer"],
        ["spent", "numeric(10,2)"],
      ],
    );
    const stats = await textRows(
      mirror,
      "SELECT relname, reltuples::int8, relpages > 0 FROM pg_class WHERE relnamespace = 'shop'::regnamespace AND relkind = 'r' ORDER BY 1",
      alice,
    );
    assert.deepEqual(stats, [
      ["customers", "12345", "t"],
      ["everything", "-1", "f"],
      ["orders", "500000", "t"],
    ]);
  });

  test("a SELECT over a service table returns no rows but the real field metadata", async () => {
    const oid = mirror.tableOid("shop", "orders");
    assert.ok(oid && oid > 16383);
    const d = await mirror.describe(
      "SELECT id, total, ordered_at, 1 AS one FROM orders WHERE id = $1",
      [],
      alice,
    );
    assert.deepEqual(d.paramTypes, [20]);
    assert.deepEqual(d.fields, [
      { name: "id", tableOid: oid, columnAttr: 1, typeOid: 20, typeSize: 8, typeModifier: -1, format: 0 },
      {
        name: "total",
        tableOid: oid,
        columnAttr: 3,
        typeOid: 1700,
        typeSize: -1,
        typeModifier: 655366,
        format: 0,
      },
      {
        name: "ordered_at",
        tableOid: oid,
        columnAttr: 6,
        typeOid: 1114,
        typeSize: 8,
        typeModifier: 3,
        format: 0,
      },
      { name: "one", tableOid: 0, columnAttr: 0, typeOid: 23, typeSize: 4, typeModifier: -1, format: 0 },
    ]);
    const none = await mirror.describe("SET search_path = x", [], alice);
    assert.equal(none.fields, null);
    const r = await run(mirror, "SELECT * FROM shop.orders", alice);
    assert.equal(r.rows.length, 0);
    assert.equal(r.tag, "SELECT 0");
    assert.equal(r.fields?.length, 7);
  });

  test("binary results and parameters per column", async () => {
    const r = await mirror.execute(
      "SELECT $1::int4 + 1 AS n, 'héllo'::text AS s, 2::int8 AS b",
      [23],
      [Buffer.from([0, 0, 0, 41])],
      [1],
      [1, 0, 1],
      alice,
    );
    assert.deepEqual(
      r.fields?.map((f) => f.format),
      [1, 0, 1],
    );
    assert.deepEqual(Buffer.from(r.rows[0][0]!), Buffer.from([0, 0, 0, 42]));
    assert.equal(Buffer.from(r.rows[0][1]!).toString("utf8"), "héllo");
    assert.deepEqual(Buffer.from(r.rows[0][2]!), Buffer.from([0, 0, 0, 0, 0, 0, 0, 2]));
  });

  test("errors come back as PgError with code, position and hint", async () => {
    await assert.rejects(
      () => run(mirror, "SELEC 1", alice),
      (e: unknown) =>
        e instanceof PgError && e.code === "42601" && e.position === 1 && /syntax error/.test(e.message),
    );
    await assert.rejects(
      () => run(mirror, "SELECT nme FROM customers", alice),
      (e: unknown) =>
        e instanceof PgError &&
        e.code === "42703" &&
        e.position === 8 &&
        e.message === 'column "nme" does not exist' &&
        /customers\.name/.test(e.hint ?? ""),
    );
    await assert.rejects(
      () => mirror.describe("SELECT * FROM nowhere", [], alice),
      (e: unknown) => e instanceof PgError && e.code === "42P01" && e.position === 15,
    );
    await assert.rejects(
      () => run(mirror, "SELECT 1/0", alice),
      (e: unknown) => e instanceof PgError && e.code === "22012",
    );
    // the mirror is healthy after errors
    assert.deepEqual(await textRows(mirror, "SELECT 1", alice), [["1"]]);
  });

  test("settings apply to one call only", async () => {
    const dmy = ctxOf("alice", { DateStyle: "SQL, DMY", TimeZone: "Asia/Tokyo", search_path: "shop" });
    assert.deepEqual(
      await textRows(
        mirror,
        "SELECT '2024-03-05'::date, '2024-01-01 00:00:00+00'::timestamptz, current_setting('TimeZone')",
        dmy,
      ),
      [["05/03/2024", "01/01/2024 09:00:00 JST", "Asia/Tokyo"]],
    );
    assert.deepEqual(await textRows(mirror, "SHOW search_path", dmy), [["shop"]]);
    assert.deepEqual((await run(mirror, "SELECT * FROM customers", dmy)).tag, "SELECT 0");

    const plain = ctxOf("alice");
    assert.deepEqual(await textRows(mirror, "SHOW DateStyle", plain), [["ISO, MDY"]]);
    assert.deepEqual(await textRows(mirror, "SELECT '2024-03-05'::date", plain), [["2024-03-05"]]);
    await assert.rejects(
      () => run(mirror, "SELECT * FROM customers", plain),
      (e: unknown) => e instanceof PgError && e.code === "42P01",
    );
    // a client's SET inside the statement does not leak either
    await run(mirror, "SET TimeZone = 'America/New_York'", plain);
    assert.notEqual((await textRows(mirror, "SHOW TimeZone", plain))[0][0], "America/New_York");
  });

  test("concurrent calls each see their own settings", async () => {
    const zones = ["UTC", "Asia/Tokyo", "Europe/Paris", "America/New_York", "Australia/Sydney"];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        textRows(
          mirror,
          "SHOW TimeZone",
          ctxOf(i % 2 ? "alice" : "bob", { TimeZone: zones[i % zones.length] }),
        ),
      ),
    );
    results.forEach((r, i) => {
      assert.equal(r[0][0], zones[i % zones.length]);
    });
  });

  test("readBack canonicalises a SET and rejects a bad value", async () => {
    const r = await run(mirror, "SET DateStyle = 'iso, dmy'", alice, [], ["DateStyle"]);
    assert.equal(r.tag, "SET");
    assert.deepEqual(r.settings, { DateStyle: "ISO, DMY" });
    const tz = await run(mirror, "SET TIME ZONE 'utc'", alice, [], ["TimeZone"]);
    assert.deepEqual(tz.settings, { TimeZone: "UTC" });
    await assert.rejects(
      () => run(mirror, "SET DateStyle = 'bogus'", alice, [], ["DateStyle"]),
      (e: unknown) => e instanceof PgError && e.code === "22023",
    );
    assert.deepEqual(await textRows(mirror, "SHOW DateStyle", alice), [["ISO, MDY"]]);
  });

  test("nothing a client runs changes the mirror", async () => {
    await run(mirror, "CREATE TABLE shop.sneaky (a int)", alice);
    await run(mirror, "DROP TABLE shop.orders CASCADE", alice);
    await run(mirror, "COMMIT", alice);
    assert.deepEqual(
      await textRows(mirror, "SELECT to_regclass('shop.sneaky'), to_regclass('shop.orders')::text", alice),
      [[null, "orders"]],
    );
  });

  test("notices of the statement are returned", async () => {
    const r = await run(mirror, "DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$", alice);
    assert.equal(r.tag, "DO");
    assert.deepEqual(
      r.notices.map((n) => [n.severity, n.code, n.message]),
      [["NOTICE", "00000", "hello 42"]],
    );
  });

  test("an unknown user becomes a role on first use", async () => {
    assert.deepEqual(await textRows(mirror, "SELECT current_user", ctxOf("carol")), [["carol"]]);
  });

  test("empty statement", async () => {
    const r = await run(mirror, "", alice);
    assert.equal(r.fields, null);
    assert.equal(r.rows.length, 0);
    assert.equal(r.tag, "");
  });

  test("dropServiceSchema removes the schema", async () => {
    await mirror.applyServiceSchema("tmp", shopSchema());
    assert.ok(mirror.tableOid("tmp", "orders"));
    await mirror.dropServiceSchema("tmp");
    assert.equal(mirror.tableOid("tmp", "orders"), undefined);
    assert.deepEqual(await textRows(mirror, "SELECT to_regnamespace('tmp')", alice), [[null]]);
    await assert.rejects(
      () => mirror.applyServiceSchema("pg_evil", { tables: [] }),
      (e: unknown) => e instanceof PgError && e.code === "42939",
    );
  });
});
