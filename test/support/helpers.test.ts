/** The test harness itself: throwaway databases, the decimal oracle, and the parsers the client checks rely on. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pg from "pg";
import { decodeNumericBinary } from "../clients/checks/node-pg.ts";
import { alignedTable } from "../clients/checks/psql.ts";
import { adminPgUrl, createMysqlDatabase, createPgDatabase } from "./databases.ts";
import { int8Bytes, numericBinaryBytes, roundDecimal } from "./demo-facts.ts";

describe("test databases", () => {
  test("a PostgreSQL database is created, usable, and dropped", async () => {
    const db = await createPgDatabase("weft_support");
    assert.match(db.name, /^weft_support_[0-9a-f]{12}$/);
    try {
      await db.exec("create table t (id int primary key, s text); insert into t values (1, 'a''b')");
      assert.deepEqual(await db.exec("select id, s from t where id = $1", [1]), [{ id: 1, s: "a'b" }]);
    } finally {
      await db.drop();
    }
    const admin = new pg.Client({ connectionString: adminPgUrl() });
    await admin.connect();
    try {
      const r = await admin.query("select 1 from pg_database where datname = $1", [db.name]);
      assert.equal(r.rowCount, 0);
    } finally {
      await admin.end();
    }
  });

  test("a MySQL database is created, usable, and dropped", async () => {
    const db = await createMysqlDatabase("weft_support");
    try {
      assert.deepEqual(
        await db.exec(
          "create table t (id int primary key, s text); insert into t values (1, 'x'); select * from t",
        ),
        [{ id: 1, s: "x" }],
      );
      assert.deepEqual(await db.exec("select s from t where id = ?", [1]), [{ s: "x" }]);
    } finally {
      await db.drop();
    }
    await assert.rejects(connectMysql(db.url));
  });
});

async function connectMysql(url: string): Promise<void> {
  const mysql = await import("mysql2/promise");
  const c = await mysql.createConnection({ uri: url });
  await c.end();
}

describe("roundDecimal", () => {
  test("rounds half away from zero like a cast to numeric(p, 2)", () => {
    assert.equal(roundDecimal("60117", 2), "60117.00");
    assert.equal(roundDecimal("1.005", 2), "1.01");
    assert.equal(roundDecimal("1.004", 2), "1.00");
    assert.equal(roundDecimal("-1.005", 2), "-1.01");
    assert.equal(roundDecimal("-0.001", 2), "0.00");
    assert.equal(roundDecimal("99.995", 2), "100.00");
    assert.throws(() => roundDecimal("1e-7", 2));
  });
});

describe("decodeNumericBinary", () => {
  const numeric = (weight: number, sign: number, dscale: number, digits: number[]) => {
    const b = Buffer.alloc(8 + 2 * digits.length);
    b.writeUInt16BE(digits.length, 0);
    b.writeInt16BE(weight, 2);
    b.writeUInt16BE(sign, 4);
    b.writeUInt16BE(dscale, 6);
    digits.forEach((d, i) => {
      b.writeUInt16BE(d, 8 + 2 * i);
    });
    return b;
  };

  test("decodes what Postgres sends for numeric", () => {
    assert.equal(decodeNumericBinary(numeric(1, 0, 2, [6, 117])), "60117.00");
    assert.equal(decodeNumericBinary(numeric(1, 0x4000, 2, [12, 3456, 7800])), "-123456.78");
    assert.equal(decodeNumericBinary(numeric(-1, 0, 2, [100])), "0.01");
    assert.equal(decodeNumericBinary(numeric(-2, 0, 5, [1000])), "0.00001");
    assert.equal(decodeNumericBinary(numeric(0, 0, 0, [])), "0");
    assert.equal(decodeNumericBinary(numeric(2, 0, 0, [1])), "100000000");
    assert.equal(decodeNumericBinary(numeric(0, 0xc000, 0, [])), "NaN");
  });
});

describe("binary-safe sample selection", () => {
  test("int8Bytes and numericBinaryBytes give the bytes PostgreSQL sends", async () => {
    const db = await createPgDatabase("weft_support");
    try {
      for (const n of [0, 1, 10001, 15000, -1, 2 ** 40 + 3]) {
        const [row] = (await db.exec("select int8send($1::int8) as b", [String(n)])) as { b: Buffer }[];
        assert.deepEqual(int8Bytes(n), [...row!.b], `int8 ${n}`);
      }
      for (const x of [
        "60117.00",
        "0.01",
        "0.00001",
        "0",
        "0.00",
        "-123456.78",
        "100000000",
        "10000.50",
        "4.1",
      ]) {
        const [row] = (await db.exec("select numeric_send($1::numeric) as b", [x])) as { b: Buffer }[];
        assert.deepEqual(numericBinaryBytes(x), [...row!.b], `numeric ${x}`);
        assert.equal(decodeNumericBinary(Buffer.from(numericBinaryBytes(x))), x);
      }
    } finally {
      await db.drop();
    }
  });
});

describe("alignedTable", () => {
  test("reads psql's aligned output up to its footer", () => {
    const out = [
      '                    Table "hr.employees"',
      "   Column   |     Type      | Collation | Nullable | Default ",
      "------------+---------------+-----------+----------+---------",
      " emp_no     | integer       |           | not null | ",
      " salary     | numeric(10,2) |           |          | ",
      "Indexes:",
      '    "employees_pkey" PRIMARY KEY, btree (emp_no)',
      "",
    ].join("\n");
    assert.deepEqual(alignedTable(out), {
      header: ["Column", "Type", "Collation", "Nullable", "Default"],
      rows: [
        ["emp_no", "integer", "", "not null", ""],
        ["salary", "numeric(10,2)", "", "", ""],
      ],
    });
  });
});
