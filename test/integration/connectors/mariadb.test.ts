import assert from "node:assert/strict";
import { test } from "node:test";
import mysql from "mysql2/promise";
import { PgError } from "../../../src/common/pg-error.ts";
import { Oid } from "../../../src/common/pg-types.ts";
import { pgType } from "../../../src/connectors/shared/pg-type.ts";
import { connectorSuite, uniqueName } from "./suite.ts";

const baseUrl = process.env.WEFT_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/mysql";

function urlFor(database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const special = "héllo 😀 'quoted' \"dq\" back\\slash \\n";

connectorSuite({
  name: "mariadb",
  async createDatabase() {
    const name = uniqueName("weft_conn");
    const admin = await mysql.createConnection({ uri: baseUrl });
    await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
    const conn = await mysql.createConnection({ uri: urlFor(name), charset: "UTF8MB4_GENERAL_CI" });
    return {
      config: { name: "mysrc", kind: "mysql", url: urlFor(name) },
      exec: async (sql) => {
        await conn.query(sql);
      },
      drop: async () => {
        await conn.end();
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.end();
      },
    };
  },
  fixture: [
    "SET SESSION sql_mode = ''",
    "SET time_zone = '+00:00'",
    "CREATE TABLE parent (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE, name TEXT) COMMENT 'parents'",
    `CREATE TABLE typed (
      id BIGINT PRIMARY KEY,
      parent_id INT,
      flag TINYINT(1), ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT,
      i INT DEFAULT 42, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, dec30 DECIMAL(40,10),
      fl FLOAT, db DOUBLE, b1 BIT(1), b8 BIT(8), ch CHAR(5), vc VARCHAR(20) DEFAULT 'x',
      tx TEXT COMMENT 'free text', bin VARBINARY(10), bl BLOB, d DATE, dt DATETIME(6), ts TIMESTAMP(3) NULL,
      tm TIME, yr YEAR, en ENUM('small','large') DEFAULT 'small', st SET('a','b','c'), js JSON, uu UUID,
      zd DATE, zdt DATETIME,
      CONSTRAINT typed_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE,
      UNIQUE KEY typed_pair (si, i),
      KEY typed_d_idx (d)
    ) COMMENT 'typed values'`,
    "CREATE VIEW typed_view AS SELECT id, tx FROM typed",
    `INSERT INTO parent (id, code, name) WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20)
     SELECT n, CONCAT('p', n), CONCAT('parent ', n) FROM g`,
    `INSERT INTO typed VALUES (1, 1, 1, -128, 255, -32768, 65535, -8388608, 2147483647, 4294967295,
      9223372036854775807, 18446744073709551615, 123456789012345678901234567890.0123456789, 1.5, 0.1, b'1',
      b'10100101', 'ab', 'vc', ${mysql.escape(special)}, X'0001FF', X'DEADBEEF', '2024-02-29',
      '2024-02-29 13:45:56.123456', '2024-02-29 13:45:56.789', '13:45:56', 2024, 'large', 'a,c',
      '{"b":null,"a":[1,2]}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '0000-00-00', '0000-00-00 00:00:00')`,
    "INSERT INTO typed (id) VALUES (2)",
    "ANALYZE TABLE parent, typed",
  ],
  tables: {
    parent: {
      types: { id: "integer", code: "character varying(10)", name: "text" },
      primaryKey: ["id"],
      uniqueKeys: [["code"]],
      foreignKeys: [],
      indexes: ["parent_pkey", "code"],
      comment: "parents",
    },
    typed: {
      types: {
        id: "bigint",
        parent_id: "integer",
        flag: "boolean",
        ti: "smallint",
        tiu: "smallint",
        si: "smallint",
        siu: "integer",
        mi: "integer",
        i: "integer",
        iu: "bigint",
        bi: "bigint",
        biu: "numeric(20,0)",
        dec30: "numeric(40,10)",
        fl: "real",
        db: "double precision",
        b1: "boolean",
        b8: "bytea",
        ch: "character(5)",
        vc: "character varying(20)",
        tx: "text",
        bin: "bytea",
        bl: "bytea",
        d: "date",
        dt: "timestamp(6) without time zone",
        ts: "timestamp(3) without time zone",
        tm: "time(0) without time zone",
        yr: "smallint",
        en: "text",
        st: "text",
        js: "jsonb",
        uu: "uuid",
        zd: "date",
        zdt: "timestamp(0) without time zone",
      },
      primaryKey: ["id"],
      uniqueKeys: [["si", "i"]],
      foreignKeys: [{ columns: ["parent_id"], refTable: "parent", refColumns: ["id"] }],
      indexes: ["typed_pkey", "typed_pair", "typed_d_idx"],
      comment: "typed values",
      columnComments: { tx: "free text", en: "enum('small','large')" },
      defaults: { i: "42", vc: "'x'", en: "'small'", id: null },
    },
  },
  view: "typed_view",
  selectTyped: "SELECT * FROM typed ORDER BY id",
  typedRows: [
    [
      1n,
      1,
      true,
      -128,
      255,
      -32768,
      65535,
      -8388608,
      2147483647,
      4294967295n,
      9223372036854775807n,
      "18446744073709551615",
      "123456789012345678901234567890.0123456789",
      1.5,
      0.1,
      true,
      new Uint8Array([0xa5]),
      "ab   ",
      "vc",
      special,
      new Uint8Array([0, 1, 255]),
      new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      "2024-02-29",
      "2024-02-29 13:45:56.123456",
      "2024-02-29 13:45:56.789",
      "13:45:56",
      2024,
      "large",
      "a,c",
      '{"a": [1, 2], "b": null}',
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      null,
      null,
    ],
    // defaults: i 42, vc 'x', en 'small'
    Array.from({ length: 33 }, (_v, i) => ({ 0: 2n, 8: 42, 18: "x", 27: "small" })[i] ?? null),
  ],
  echoText: () => ({ text: "SELECT ? AS v", params: [], returnsRows: true }),
  insertParent: (id, code) => ({
    text: "INSERT INTO parent (id, code) VALUES (?, ?)",
    params: [id, code],
    returnsRows: false,
  }),
  countParents: () => ({ text: "SELECT count(*) FROM parent", params: [], returnsRows: true }),
  generate: (n) => ({
    // MariaDB's sequence engine (a recursive CTE stops at max_recursive_iterations = 1000)
    text: "SELECT seq AS i, REPEAT('x', 1000) AS payload FROM seq_1_to_1000000 WHERE seq <= ?",
    params: [n],
    returnsRows: true,
  }),
  longQuery: { text: "SELECT SLEEP(30)", params: [], returnsRows: true },
  errors: [
    { name: "duplicate key", query: ins("INSERT INTO parent (id, code) VALUES (1, 'dup')"), code: "23505" },
    {
      name: "foreign key insert",
      query: ins("INSERT INTO typed (id, parent_id) VALUES (99, 999)"),
      code: "23503",
    },
    { name: "not null", query: ins("INSERT INTO parent (id, code) VALUES (998, NULL)"), code: "23502" },
    { name: "unknown column", query: sel("SELECT nope FROM parent"), code: "42703" },
    { name: "unknown table", query: sel("SELECT * FROM nope"), code: "42P01" },
    { name: "syntax", query: sel("SELEC 1"), code: "42601" },
    {
      name: "too long",
      query: ins("INSERT INTO parent (id, code) VALUES (997, REPEAT('x', 50))"),
      code: "22001",
    },
    { name: "out of range", query: ins("INSERT INTO typed (id, ti) VALUES (96, 1000)"), code: "22003" },
    { name: "division by zero", query: ins("INSERT INTO typed (id, i) VALUES (95, 1 / 0)"), code: "22012" },
  ],
  downConfig: { name: "mydown", kind: "mysql", url: "mysql://root@127.0.0.1:1/x" },
  extra: (connector) => {
    test("a MySQL TIME beyond 24h is refused as a Postgres time (22008)", async () => {
      const result = connector().run(
        { text: "SELECT CAST('838:59:59' AS TIME) AS t", params: [], returnsRows: true },
        { resultTypes: [pgType(Oid.time)] },
      );
      await assert.rejects(
        (async () => {
          for await (const _b of (await result).batches) {
          }
        })(),
        (e: unknown) => e instanceof PgError && e.code === "22008",
      );
    });
    test("bigint parameters compare as integers, not doubles", async () => {
      const result = await connector().run({
        text: "SELECT id FROM typed WHERE bi = ?",
        params: [9223372036854775807n],
        returnsRows: true,
      });
      const rows = [];
      for await (const b of result.batches) rows.push(...b);
      assert.deepEqual(rows, [[1n]]);
      const none = await connector().run({
        text: "SELECT id FROM typed WHERE bi = ?",
        params: [9223372036854775806n],
        returnsRows: true,
      });
      const empty = [];
      for await (const b of none.batches) empty.push(...b);
      assert.deepEqual(empty, []);
    });
  },
});

function ins(text: string) {
  return { text, params: [], returnsRows: false };
}
function sel(text: string) {
  return { text, params: [], returnsRows: true };
}
