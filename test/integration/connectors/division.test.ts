/**
 * Zero divisors through the real connectors: compiled statements fail with 22012 "division by
 * zero" where Postgres does, also mid-stream and inside transactions, and the connector stays
 * usable; non-zero divisors return what they always did.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import { PgError } from "../../../src/common/pg-error.ts";
import type { Row } from "../../../src/common/row.ts";
import type { Value } from "../../../src/common/values.ts";
import { createConnector } from "../../../src/connectors/registry.ts";
import type {
  CompileTarget,
  Connector,
  NativeQuery,
  SourceTransaction,
} from "../../../src/connectors/spi.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";
import { uniqueName } from "./suite.ts";

const baseUrl = process.env.WEFT_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/mysql";
const ROWS = 5000;
const ZERO_AT = 4321;

interface Backend {
  name: string;
  open(): Promise<{ connector: Connector; drop(): Promise<void> }>;
}

/** i, d = 1 + i % 7 except one zero at ZERO_AT, x = i / 4 as a double, y its divisor */
const fixture = (intType: string, dblType: string) => [
  `CREATE TABLE nums (i ${intType} PRIMARY KEY, d ${intType}, x ${dblType}, y ${dblType})`,
];
const fill = (): Value[][] => {
  const rows: Value[][] = [];
  for (let i = 1; i <= ROWS; i++) {
    const d = i === ZERO_AT ? 0 : 1 + (i % 7) - 4;
    const dd = d === 0 && i !== ZERO_AT ? 3 : d;
    rows.push([i, dd, i / 4, i === ZERO_AT ? 0 : (i % 5) - 2.5]);
  }
  return rows;
};

const backends: Backend[] = [
  {
    name: "mariadb",
    async open() {
      const name = uniqueName("weft_div");
      const admin = await mysql.createConnection({ uri: baseUrl });
      await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
      await admin.query(`USE ${name}`);
      for (const sql of fixture("INT", "DOUBLE")) await admin.query(sql);
      await admin.query("INSERT INTO nums VALUES ?", [fill()]);
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      const connector = createConnector({ name: "mysrc", kind: "mysql", url: url.toString(), pool: 2 });
      await connector.connect();
      return {
        connector,
        drop: async () => {
          await connector.close();
          await admin.query(`DROP DATABASE IF EXISTS ${name}`);
          await admin.end();
        },
      };
    },
  },
  {
    name: "sqlite",
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "weft-div-"));
      const path = join(dir, "div.db");
      const db = new Database(path);
      for (const sql of fixture("INTEGER", "REAL")) db.exec(sql);
      const insert = db.prepare("INSERT INTO nums VALUES (?, ?, ?, ?)");
      db.transaction(() => {
        for (const row of fill()) insert.run(...row);
      })();
      db.close();
      const connector = createConnector({ name: "litesrc", kind: "sqlite", path, pool: 2 });
      await connector.connect();
      return {
        connector,
        drop: async () => {
          await connector.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

async function drain(result: Awaited<ReturnType<Connector["run"]>>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of result.batches) rows.push(...batch);
  return rows;
}

function isDivisionByZero(e: unknown): boolean {
  assert.ok(e instanceof PgError, `expected PgError, got ${e}`);
  assert.equal(e.code, "22012");
  assert.equal(e.message, "division by zero");
  return true;
}

before(async () => {
  await initParser();
});

for (const backend of backends) {
  describe(`${backend.name}: division by zero through the connector`, () => {
    let connector: Connector;
    let drop: () => Promise<void>;
    let target: CompileTarget;

    const compile = (sql: string, params: Value[] = [], types: number[] = []): NativeQuery =>
      connector.compiler.compile(parseSql(sql)[0].ast, target, params, types);
    const run = async (sql: string, on: Connector | SourceTransaction = connector) =>
      drain(await on.run(compile(sql), { batchSize: 1000 }));

    before(async () => {
      ({ connector, drop } = await backend.open());
      const schema = await connector.introspect();
      target = {
        service: connector.config.name,
        nativeSchema: connector.nativeSchema,
        columnsOf: (t) => schema.tables.find((x) => x.name === t)?.columns,
      };
    });
    after(async () => {
      await drop?.();
    });

    test("non-zero divisors return the same values as before", async () => {
      const rows = await run(
        `select i, i / d, i % d, mod(i, d), x / y, i / y from ${connector.config.name}.nums where d <> 0 and y <> 0 order by i`,
      );
      // integers: Postgres's truncating division and remainder, computed here
      const ints = fill()
        .filter(([, d, , y]) => d !== 0 && y !== 0)
        .map(([i, d]) => {
          const [n, m] = [BigInt(i as number), BigInt(d as number)];
          return [n, n / m, n % m, n % m];
        });
      assert.deepEqual(
        rows.map((r) => r.slice(0, 4).map((v) => BigInt(v as bigint | string))),
        ints,
      );
      // doubles: exactly what the backend's plain operator gives
      const div = backend.name === "mariadb" ? "DIV" : "/";
      const plain = await drain(
        await connector.run({
          text: `SELECT i ${div} d, x / y, i / y FROM nums WHERE d <> 0 AND y <> 0 ORDER BY i`,
          params: [],
          returnsRows: true,
        }),
      );
      assert.equal(plain.length, ints.length);
      assert.deepEqual(
        rows.map((r) => r.slice(4).map(Number)),
        plain.map((r) => r.slice(1).map(Number)),
      );
    });

    test("a zero divisor fails mid-stream after earlier batches, in the select list", async () => {
      const result = await connector.run(compile(`select i, i / d from nums order by i`), {
        batchSize: 1000,
      });
      let seen = 0;
      await assert.rejects(async () => {
        for await (const batch of result.batches) seen += batch.length;
      }, isDivisionByZero);
      assert.ok(seen < ZERO_AT, `rows before the error: ${seen}`);
    });

    for (const sql of [
      "select i from nums where i % d = 0 order by i",
      "select i from nums order by x / y limit 1",
      "select d, count(*) from nums group by d having count(*) / d > 0",
      "select i, mod(i, d) from nums",
      "select count(*) from nums where x / y > 1",
    ]) {
      test(`fails: ${sql}`, async () => {
        await assert.rejects(run(sql), isDivisionByZero);
      });
    }

    test("a zero divisor in a parameter fails; a NULL dividend is NULL", async () => {
      await assert.rejects(
        (async () => drain(await connector.run(compile("select i / $1 from nums where i = 1", [0], [23]))))(),
        isDivisionByZero,
      );
      const rows = await drain(
        await connector.run(compile("select $2 / d from nums where i = $1", [ZERO_AT, null], [23, 23])),
      );
      assert.deepEqual(rows, [[null]]);
    });

    test("UPDATE and DELETE fail, change nothing, and the transaction goes on", async () => {
      const snapshot = async () => run("select i, d, x, y from nums order by i");
      const before = await snapshot();
      for (const sql of [
        "update nums set d = i / d",
        "update nums set x = 1 where x / y > 1000",
        "delete from nums where i % d = 1",
      ]) {
        await assert.rejects(run(sql), isDivisionByZero, sql);
        const tx = await connector.begin();
        await assert.rejects(run(sql, tx), isDivisionByZero, `${sql} in a transaction`);
        assert.equal((await run("select count(*) from nums", tx)).length, 1);
        await tx.rollback();
      }
      assert.deepEqual(await snapshot(), before);
    });
  });
}
