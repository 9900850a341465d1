/** node-postgres: simple and extended protocol, binary results, pg-cursor row limits, SQLSTATEs. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import Cursor from "pg-cursor";
import type { GetTarget } from "./target.ts";

const DATE_OID = 1082;

/** Dates as the text Postgres sent (pg would make local-time Date objects of them). */
const textDates: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === DATE_OID && format !== "binary"
      ? (v: string) => v
      : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
};

/** Binary cells untouched, to decode them here exactly as the protocol defines them. */
const rawBinary: pg.CustomTypesConfig = {
  getTypeParser: (() => (v: Buffer) => v) as unknown as pg.CustomTypesConfig["getTypeParser"],
};

/** numeric's binary form: ndigits, weight, sign, dscale, then base-10000 digits. */
export function decodeNumericBinary(b: Buffer): string {
  const ndigits = b.readUInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const dscale = b.readUInt16BE(6);
  if (sign === 0xc000) return "NaN";
  const digits = Array.from({ length: ndigits }, (_, i) => b.readUInt16BE(8 + 2 * i));
  let int = "";
  for (let i = 0; i <= weight; i++) int += String(digits[i] ?? 0).padStart(4, "0");
  int = int.replace(/^0+/, "") || "0";
  let frac = "";
  for (let i = weight + 1; frac.length < dscale; i++) {
    frac += String(i < 0 ? 0 : (digits[i] ?? 0)).padStart(4, "0");
  }
  const text = dscale > 0 ? `${int}.${frac.slice(0, dscale)}` : int;
  return sign === 0x4000 ? `-${text}` : text;
}

export function nodePgChecks(target: GetTarget): void {
  let client: pg.Client;

  before(async () => {
    client = new pg.Client({ connectionString: target().url, application_name: "node-pg-check" });
    await client.connect();
  });
  after(async () => {
    await client?.end();
  });

  test("simple query: count(*) is int8 text", async () => {
    const { facts } = target();
    const r = await client.query("select count(*) from hr.employees");
    assert.equal(r.fields[0]?.dataTypeID, 20);
    assert.deepEqual(r.rows, [{ count: String(facts.employeeCount) }]);
  });

  test("simple query with two statements returns two results", async () => {
    const { facts } = target();
    const results = (await client.query(
      "select count(*) as n from hr.departments; select max(emp_no) as m from hr.employees",
    )) as unknown as pg.QueryResult[];
    assert.equal(results.length, 2);
    assert.deepEqual(results[0]?.rows, [{ n: String(facts.departmentCount) }]);
    // emp_no is bigint, so max(emp_no) is int8: node-postgres leaves int8 as a string
    assert.deepEqual(results[1]?.rows, [{ m: String(facts.maxEmpNo) }]);
  });

  test("extended protocol with parameters", async () => {
    const { facts } = target();
    for (const e of facts.samples) {
      const r = await client.query({
        text: "select emp_no, first_name, last_name, birth_date, salary, email from hr.employees where emp_no = $1",
        values: [e.emp_no],
        types: textDates,
      });
      assert.deepEqual(r.rows, [
        {
          emp_no: String(e.emp_no), // int8 arrives as a string by default
          first_name: e.first_name,
          last_name: e.last_name,
          birth_date: e.birth_date,
          salary: e.salary,
          email: e.email,
        },
      ]);
      assert.deepEqual(
        r.fields.map((f) => f.dataTypeID),
        // int8, varchar(40), varchar(40), date, numeric(10,2), varchar(100), as the demo declares them
        [20, 1043, 1043, 1082, 1700, 1043],
      );
    }
    for (const d of facts.employeesPerDepartment) {
      const r = await client.query(
        "select count(*)::int as n from hr.employees where dept_no = $1 and emp_no >= $2",
        [d.dept_no, facts.minEmpNo],
      );
      assert.deepEqual(r.rows, [{ n: d.count }], `employees of ${d.dept_no}`);
    }
  });

  test("a named prepared statement reused ten times", async () => {
    const { facts } = target();
    for (const e of facts.samples) {
      const r = await client.query({
        name: "employee_first_name",
        text: "select first_name from hr.employees where emp_no = $1",
        values: [e.emp_no],
      });
      assert.deepEqual(r.rows, [{ first_name: e.first_name }]);
    }
  });

  test("binary results decode to the same values", async () => {
    const { facts } = target();
    const e = facts.binarySafeSample;
    const r = await client.query({
      text: "select emp_no, first_name, salary from hr.employees where emp_no = $1",
      values: [e.emp_no],
      binary: true, // pg's runtime option; missing from @types/pg
      types: rawBinary,
    } as pg.QueryConfig);
    assert.deepEqual(
      r.fields.map((f) => f.format),
      ["binary", "binary", "binary"],
    );
    assert.equal(r.rows.length, 1);
    const row = r.rows[0] as Record<string, Buffer>;
    assert.equal(row.emp_no!.length, 8, "int8 is 8 bytes in binary");
    assert.equal(row.emp_no!.readBigInt64BE(0), BigInt(e.emp_no));
    assert.equal(row.first_name!.toString("utf8"), e.first_name);
    assert.equal(decodeNumericBinary(row.salary!), e.salary);
  });

  test("pg-cursor reads every employee in pages of 100", async () => {
    const { facts } = target();
    const cursor = client.query(new Cursor("select emp_no, first_name from hr.employees order by emp_no"));
    const pages: number[] = [];
    let sum = 0;
    let previous = Number.NEGATIVE_INFINITY;
    // a cursor left open blocks every later query on this client: close it even when a check fails
    try {
      for (;;) {
        const rows = (await cursor.read(100)) as { emp_no: string; first_name: string }[];
        if (rows.length === 0) break;
        pages.push(rows.length);
        for (const row of rows) {
          assert.equal(typeof row.emp_no, "string", "emp_no (int8) must arrive as a string");
          assert.match(row.emp_no, /^-?\d+$/);
          const empNo = Number(row.emp_no);
          assert.ok(empNo > previous, `emp_no ${empNo} after ${previous}`);
          previous = empNo;
          sum += empNo;
        }
      }
    } finally {
      await cursor.close();
    }
    const full = Math.floor(facts.employeeCount / 100);
    const rest = facts.employeeCount % 100;
    assert.deepEqual(pages, [...Array(full).fill(100), ...(rest ? [rest] : [])]);
    assert.equal(sum, facts.empNoSum);
    assert.equal(previous, facts.maxEmpNo);
    // the connection is usable after the portal was closed
    const r = await client.query("select count(*)::int as n from hr.departments");
    assert.deepEqual(r.rows, [{ n: facts.departmentCount }]);
  });

  test("errors carry their SQLSTATE and leave the connection usable", async () => {
    const cases: [string, string][] = [
      ["select nope from hr.employees", "42703"],
      ["select * from hr.nope", "42P01"],
      ["selec 1", "42601"],
      ["select emp_no / 0 from hr.employees", "22012"],
    ];
    for (const [sql, code] of cases) {
      await assert.rejects(
        client.query(sql),
        (e: pg.DatabaseError) => {
          assert.equal(e.code, code, `${sql}: ${e.message}`);
          assert.equal(e.severity, "ERROR");
          return true;
        },
        `${sql} did not fail`,
      );
      await assert.rejects(
        client.query({ text: sql, values: [], queryMode: "extended" } as pg.QueryConfig),
        (e: pg.DatabaseError) => {
          assert.equal(e.code, code, `extended ${sql}: ${e.message}`);
          return true;
        },
        `extended ${sql} did not fail`,
      );
    }
    const r = await client.query("select 1 as one");
    assert.deepEqual(r.rows, [{ one: 1 }]);
  });

  test("an error inside a transaction block aborts it until rollback", async () => {
    const { facts } = target();
    await client.query("begin");
    await assert.rejects(client.query("select * from hr.nope"), { code: "42P01" });
    await assert.rejects(client.query("select count(*) from hr.employees"), { code: "25P02" });
    await client.query("rollback");
    const r = await client.query("select count(*)::int as n from hr.employees");
    assert.deepEqual(r.rows, [{ n: facts.employeeCount }]);
  });
}
