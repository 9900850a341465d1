/**
 * The FDW peer on a small hand-made dataset shaped like the benchmark's (hr and ops on MariaDB, crm on
 * PostgreSQL, an oracle holding everything): the same SQL must return on the peer exactly what it returns on
 * the oracle, MariaDB's tinyint(1) must be aligned to the oracle's boolean, and a join between two MariaDB
 * databases must be pushed down whole (one foreign server per MariaDB instance).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import {
  adminMysqlUrl,
  adminPgUrl,
  createMysqlDatabase,
  createPgDatabase,
  type TestDatabase,
} from "../../test/support/databases.ts";
import { ensureFdwPackages } from "./fdw-extensions.ts";
import { createFdwPeer, type FdwPeer } from "./fdw-peer.ts";

const employees = [
  [1, "José", "Núñez", "d001", "2019-03-01", 1],
  [2, "Zoë", "O'Brien", "d001", "2020-07-15", 0],
  [3, "Łukasz", "Back\\slash", "d002", "2018-01-31", 1],
  [4, "王芳", "Wang", null, "2021-11-02", 1],
  [5, "Ann 🎉", "Lee ", "d009", "2017-05-05", 0],
] as const;
const departments = [
  ["d001", "Sales"],
  ["d002", "R&D"],
  ["d003", "Empty"],
] as const;
const todo = [
  [1, "call José", "José Núñez", 0],
  [2, "mail", "Zoë O'Brien", 1],
  [3, "orphan", "Nobody", 0],
  [4, "unassigned", null, 1],
] as const;
const contacts = [
  [10, "José Núñez", "jose@example.com"],
  [11, "Zoë O'Brien", null],
  [12, "zoë o'brien", "case@example.com"],
] as const;
const salaries = [
  [1, "50000.10", "2019-03-01", "2020-03-01"],
  [1, "52000.00", "2020-03-01", "9999-01-01"],
  [2, "61000.55", "2020-07-15", "9999-01-01"],
  [3, "45000.00", "2018-01-31", "9999-01-01"],
  [99, "1.00", "2000-01-01", "2000-02-01"],
] as const;
const projects = [
  [100, "Apollo"],
  [101, "Gemini"],
] as const;
const assignments = [
  [1, 100, "lead"],
  [2, 100, "dev"],
  [2, 101, "dev"],
  [7, 101, "ghost"],
] as const;

const rowsOf = (rows: readonly (readonly unknown[])[]) => rows.map((r) => [...r]);

describe("FDW peer (postgres_fdw + mysql_fdw)", () => {
  let hr: TestDatabase;
  let ops: TestDatabase;
  let crm: TestDatabase;
  let oracle: TestDatabase;
  let peer: FdwPeer | null = null;

  before(async () => {
    const major = Number(
      (await pgQuery(adminPgUrl(), "SELECT current_setting('server_version_num')::int / 10000 AS v"))[0]![0],
    );
    ensureFdwPackages(major, () => {});
    hr = await createMysqlDatabase("fedbench_hr");
    ops = await createMysqlDatabase("fedbench_ops");
    crm = await createPgDatabase("fedbench_crm");
    oracle = await createPgDatabase("fedbench_oracle");

    await hr.exec(
      "CREATE TABLE departments (dept_no char(4) PRIMARY KEY, dept_name varchar(40) NOT NULL) CHARSET utf8mb4",
    );
    await hr.exec(
      `CREATE TABLE employees (emp_no int PRIMARY KEY, first_name varchar(30) NOT NULL, last_name varchar(30) NOT NULL,
        dept_no char(4), hire_date date NOT NULL, active tinyint(1) NOT NULL) CHARSET utf8mb4`,
    );
    await hr.exec(
      "CREATE TABLE todo (id int PRIMARY KEY, title text NOT NULL, assigned_to varchar(60), complete tinyint(1) NOT NULL) CHARSET utf8mb4",
    );
    await ops.exec(
      "CREATE TABLE assignment (emp_no int NOT NULL, project_id int NOT NULL, role varchar(20) NOT NULL, PRIMARY KEY (emp_no, project_id)) CHARSET utf8mb4",
    );
    for (const r of departments) await hr.exec("INSERT INTO departments VALUES (?, ?)", [...r]);
    for (const r of employees) await hr.exec("INSERT INTO employees VALUES (?, ?, ?, ?, ?, ?)", [...r]);
    for (const r of todo) await hr.exec("INSERT INTO todo VALUES (?, ?, ?, ?)", [...r]);
    for (const r of assignments) await ops.exec("INSERT INTO assignment VALUES (?, ?, ?)", [...r]);

    const crmDdl = [
      "CREATE TABLE contact (id int PRIMARY KEY, display_name text NOT NULL, email text)",
      "CREATE TABLE salaries (emp_no int NOT NULL, salary numeric(10,2) NOT NULL, from_date date NOT NULL, to_date date NOT NULL, PRIMARY KEY (emp_no, from_date))",
      "CREATE TABLE project (id int PRIMARY KEY, name text NOT NULL)",
    ];
    for (const ddl of crmDdl) await crm.exec(ddl);
    await oracle.exec("CREATE SCHEMA hr; CREATE SCHEMA crm; CREATE SCHEMA ops");
    for (const ddl of crmDdl) await oracle.exec(ddl.replace("CREATE TABLE ", "CREATE TABLE crm."));
    await oracle.exec(
      `CREATE TABLE hr.departments (dept_no character(4) PRIMARY KEY, dept_name character varying(40) NOT NULL);
       CREATE TABLE hr.employees (emp_no integer PRIMARY KEY, first_name character varying(30) NOT NULL,
         last_name character varying(30) NOT NULL, dept_no character(4), hire_date date NOT NULL, active boolean NOT NULL);
       CREATE TABLE hr.todo (id integer PRIMARY KEY, title text NOT NULL, assigned_to character varying(60), complete boolean NOT NULL);
       CREATE TABLE ops.assignment (emp_no integer NOT NULL, project_id integer NOT NULL, role character varying(20) NOT NULL,
         PRIMARY KEY (emp_no, project_id))`,
    );
    for (const [table, rows] of [
      ["contact", contacts],
      ["salaries", salaries],
      ["project", projects],
    ] as const) {
      for (const r of rowsOf(rows)) {
        const ph = r.map((_, i) => `$${i + 1}`).join(", ");
        await crm.exec(`INSERT INTO ${table} VALUES (${ph})`, r);
        await oracle.exec(`INSERT INTO crm.${table} VALUES (${ph})`, r);
      }
    }
    const bool = (r: unknown[], i: number) => r.map((v, j) => (j === i ? v === 1 : v));
    for (const r of departments) await oracle.exec("INSERT INTO hr.departments VALUES ($1, $2)", [...r]);
    for (const r of rowsOf(employees))
      await oracle.exec("INSERT INTO hr.employees VALUES ($1, $2, $3, $4, $5, $6)", bool(r, 5));
    for (const r of rowsOf(todo))
      await oracle.exec("INSERT INTO hr.todo VALUES ($1, $2, $3, $4)", bool(r, 3));
    for (const r of assignments) await oracle.exec("INSERT INTO ops.assignment VALUES ($1, $2, $3)", [...r]);

    const mysqlUrl = (db: TestDatabase) => {
      const u = new URL(adminMysqlUrl());
      u.pathname = `/${db.name}`;
      return u.toString();
    };
    peer = await createFdwPeer({
      adminUrl: adminPgUrl(),
      services: [
        { kind: "mysql", schema: "hr", url: mysqlUrl(hr) },
        { kind: "postgres", schema: "crm", url: crm.url, remoteSchema: "public" },
        { kind: "mysql", schema: "ops", url: mysqlUrl(ops) },
      ],
      oracleUrl: oracle.url,
      log: () => {},
    });
  });

  after(async () => {
    await peer?.drop();
    for (const db of [hr, ops, crm, oracle]) await db?.drop();
  });

  test("tinyint(1) columns are aligned to the oracle's boolean", () => {
    assert.deepEqual(
      [...peer!.alignedColumns].sort(),
      ["hr.employees.active smallint → boolean", "hr.todo.complete smallint → boolean"].sort(),
    );
    assert.ok(peer!.setupLog.some((l) => /use_remote_estimate 'true'.*fetch_size '10000'/.test(l)));
    assert.ok(!peer!.setupLog.some((l) => l.includes("password ''") && l.includes("***")));
  });

  const queries: Record<string, string> = {
    "three-service join": `SELECT e.emp_no, e.first_name, d.dept_name, s.salary, p.name, a.role
       FROM hr.employees e JOIN hr.departments d ON d.dept_no = e.dept_no
       JOIN crm.salaries s ON s.emp_no = e.emp_no JOIN ops.assignment a ON a.emp_no = e.emp_no
       JOIN crm.project p ON p.id = a.project_id ORDER BY 1, 4, 5`,
    "string-key left join": `SELECT t.id, t.title, c.id AS contact_id, c.email FROM hr.todo t
       LEFT JOIN crm.contact c ON c.display_name = t.assigned_to ORDER BY t.id`,
    "aggregate across services": `SELECT d.dept_name, count(*), sum(s.salary), avg(s.salary)
       FROM hr.employees e JOIN hr.departments d USING (dept_no) JOIN crm.salaries s USING (emp_no)
       WHERE e.active GROUP BY d.dept_name ORDER BY 1`,
    "anti join": `SELECT e.emp_no FROM hr.employees e
       WHERE NOT EXISTS (SELECT 1 FROM crm.salaries s WHERE s.emp_no = e.emp_no) ORDER BY 1`,
    "boolean filter and non-ASCII": `SELECT first_name, last_name, active FROM hr.employees
       WHERE NOT active OR first_name LIKE 'J%' ORDER BY emp_no`,
  };
  for (const [name, sql] of Object.entries(queries)) {
    test(`${name}: the peer returns what the oracle returns`, async () => {
      const expected = await pgQuery(oracle.url, sql);
      assert.ok(expected.length > 0, "the query must return rows to mean anything");
      assert.deepEqual(await pgQuery(peer!.url, sql), expected);
    });
  }

  // Whether PostgreSQL takes the pushed-down path is a cost decision (on five rows a local nested loop
  // wins); with local joins disabled the plan shows that the path exists, i.e. both databases are reached
  // through one foreign server as mysql_fdw requires.
  test("a join of two MariaDB databases can be pushed down to MariaDB whole", async () => {
    const plan = await pgQuery(
      peer!.url,
      `SET enable_nestloop = off; SET enable_hashjoin = off; SET enable_mergejoin = off;
       EXPLAIN (VERBOSE, COSTS OFF) SELECT e.emp_no, a.project_id FROM hr.employees e
         JOIN ops.assignment a ON a.emp_no = e.emp_no`,
    );
    const text = plan.map((r) => r[0]).join("\n");
    assert.match(text, /Relations: \(\S+\.employees e?\S*\) INNER JOIN \(\S+\.assignment/, text);
    assert.doesNotMatch(text, /Hash Join|Nested Loop|Merge Join/, text);
  });
});

async function pgQuery(url: string, sql: string): Promise<(string | null)[][]> {
  const c = new pg.Client({
    connectionString: url,
    types: { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig,
  });
  await c.connect();
  try {
    // a multi-statement simple query yields one result per statement; the last one is the answer
    const result = (await c.query({ text: sql, rowMode: "array" })) as unknown as
      | pg.QueryResult<(string | null)[]>
      | pg.QueryResult<(string | null)[]>[];
    return (Array.isArray(result) ? result[result.length - 1]! : result).rows;
  } finally {
    await c.end();
  }
}
