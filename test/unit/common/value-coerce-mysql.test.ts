/** coerceValue over what mysql2 really returns from MariaDB (127.0.0.1:3306 or WEFT_TEST_MYSQL_URL). */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import mysql from "mysql2/promise";
import { Oid } from "../../../src/common/pg-types.ts";
import { coerceValue } from "../../../src/common/value-codec.ts";

const URL = process.env.WEFT_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const dbName = `weft_codec_${randomBytes(4).toString("hex")}`;
let conn: mysql.Connection;

before(async () => {
  conn = await mysql.createConnection({
    uri: URL,
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await conn.query(`CREATE DATABASE ${dbName}`);
  await conn.query(`USE ${dbName}`);
  await conn.query(`CREATE TABLE t (
    dec_col DECIMAL(40,10), dt DATETIME(6), d DATE, b BLOB, j JSON, flag TINYINT(1), big BIGINT, dbl DOUBLE, s VARCHAR(50)
  )`);
  await conn.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
    "123456789012345678901234567890.1234500000",
    "2024-02-29 23:59:58.123456",
    "0999-12-31",
    Buffer.from([0, 0x27, 0x5c, 0xff]),
    '{"b": [1, 2], "a": "x"}',
    1,
    "9223372036854775807",
    0.1,
    "emoji 🎉 'quote' \\",
  ]);
});

after(async () => {
  await conn.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await conn.end();
});

test("mysql2 values coerce to the canonical forms", async () => {
  const [rows] = await conn.query("SELECT * FROM t");
  const row = (rows as Record<string, unknown>[])[0];
  assert.equal(coerceValue(row.dec_col, Oid.numeric), "123456789012345678901234567890.1234500000");
  assert.ok(row.dt instanceof Date);
  // mysql2 Dates carry milliseconds only
  assert.equal(coerceValue(row.dt, Oid.timestamp), "2024-02-29 23:59:58.123");
  assert.equal(coerceValue(row.d, Oid.date), "0999-12-31");
  assert.deepEqual(coerceValue(row.b, Oid.bytea), Uint8Array.of(0, 0x27, 0x5c, 0xff));
  assert.equal(coerceValue(row.j, Oid.jsonb), '{"a": "x", "b": [1, 2]}');
  assert.equal(coerceValue(row.flag, Oid.bool), true);
  assert.equal(coerceValue(row.big, Oid.int8), 9223372036854775807n);
  assert.equal(coerceValue(row.dbl, Oid.float8), 0.1);
  assert.equal(coerceValue(row.dbl, Oid.numeric), "0.1");
  assert.equal(coerceValue(row.s, Oid.varchar), "emoji 🎉 'quote' \\");

  const [strRows] = await conn.query({ sql: "SELECT dt, d FROM t", dateStrings: true });
  const s = (strRows as Record<string, unknown>[])[0];
  assert.equal(coerceValue(s.dt, Oid.timestamp), "2024-02-29 23:59:58.123456");
  assert.equal(coerceValue(s.d, Oid.date), "0999-12-31");
});
