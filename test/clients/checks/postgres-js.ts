/** postgres.js: tagged templates (always prepared, named statements), a cursor, transactions, SQLSTATEs. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import postgres from "postgres";
import type { GetTarget } from "./target.ts";

export function postgresJsChecks(target: GetTarget): void {
  let sql: postgres.Sql;

  before(() => {
    sql = postgres(target().url, {
      max: 1,
      onnotice: () => {},
      connection: { application_name: "postgres-js-check" },
    });
  });
  after(async () => {
    await sql?.end({ timeout: 5 });
  });

  test("tagged template queries with parameters", async () => {
    const { facts } = target();
    for (const e of facts.samples) {
      const rows = await sql`
        select emp_no, first_name, birth_date, salary from hr.employees where emp_no = ${e.emp_no}`;
      assert.equal(rows.length, 1);
      const row = rows[0]!;
      assert.equal(row.emp_no, String(e.emp_no), "int8 arrives as a string by default");
      assert.equal(row.first_name, e.first_name);
      // postgres.js turns a date into a Date at UTC midnight
      assert.ok(row.birth_date instanceof Date);
      assert.equal(row.birth_date.toISOString().slice(0, 10), e.birth_date);
      assert.equal(row.salary, e.salary);
    }
  });

  test("identifiers and several parameters", async () => {
    const { facts } = target();
    const d = facts.employeesPerDepartment[0]!;
    const [row] = await sql`
      select count(*)::int as n from ${sql("hr.employees")}
      where ${sql("dept_no")} = ${d.dept_no} and emp_no between ${facts.minEmpNo} and ${facts.maxEmpNo}`;
    assert.deepEqual({ ...row }, { n: d.count });
  });

  test("the same prepared statement run many times", async () => {
    const { facts } = target();
    for (let round = 0; round < 2; round++) {
      for (const e of facts.samples) {
        const rows = await sql.unsafe("select first_name from hr.employees where emp_no = $1", [e.emp_no], {
          prepare: true,
        });
        assert.deepEqual(
          rows.map((r) => r.first_name),
          [e.first_name],
        );
      }
    }
  });

  test("a cursor reads every employee in batches of 100", async () => {
    const { facts } = target();
    const batches: number[] = [];
    let sum = 0;
    let last = 0;
    await sql`select emp_no from hr.employees order by emp_no`.cursor(100, (rows) => {
      batches.push(rows.length);
      for (const r of rows) {
        assert.equal(typeof r.emp_no, "string", "emp_no (int8) must arrive as a string");
        assert.match(r.emp_no, /^-?\d+$/);
        const empNo = Number(r.emp_no);
        assert.ok(empNo > last);
        last = empNo;
        sum += empNo;
      }
    });
    const full = Math.floor(facts.employeeCount / 100);
    const rest = facts.employeeCount % 100;
    assert.deepEqual(batches, [...Array(full).fill(100), ...(rest ? [rest] : [])]);
    assert.equal(sum, facts.empNoSum);
    assert.equal(last, facts.maxEmpNo);
  });

  test("a transaction", async () => {
    const { facts } = target();
    const [a, b] = await sql.begin(async (tx) => {
      const [x] = await tx`select count(*)::int as n from hr.employees`;
      const [y] = await tx`select count(*)::int as n from hr.departments`;
      return [x!.n as number, y!.n as number];
    });
    assert.equal(a, facts.employeeCount);
    assert.equal(b, facts.departmentCount);
  });

  test("errors carry their SQLSTATE", async () => {
    await assert.rejects(sql`select nope from hr.employees`, (e: postgres.PostgresError) => {
      assert.equal(e.code, "42703");
      assert.match(e.message, /column "nope" does not exist/);
      return true;
    });
    await assert.rejects(sql`select * from hr.nope`, { code: "42P01" });
    const [row] = await sql`select 1 as one`;
    assert.equal(row!.one, 1);
  });
}
