/**
 * The demo's hr and crm tables, with generated data, in a real PostgreSQL database: the reference
 * the client checks are verified against (Postgres semantics are the contract Weft must match).
 */

import type { TestDatabase } from "./databases.ts";
import { type DemoFacts, demoFactsFromEmployees, type EmployeeFact } from "./demo-facts.ts";

/**
 * The demo's columns with the types Weft shows for them (docs/type-mapping.md): SQLite INTEGER is bigint
 * (SQLite integers are 64-bit), VARCHAR(n) is character varying(n).
 */
export const referenceDemoDdl = `
create schema hr;
create schema crm;
create table hr.departments (dept_no text primary key, dept_name varchar(40) not null unique);
create table hr.employees (
  emp_no bigint primary key,
  birth_date date not null,
  first_name varchar(40) not null,
  last_name varchar(40) not null,
  gender varchar(1) not null,
  hire_date date not null,
  dept_no text not null references hr.departments (dept_no),
  email varchar(100),
  salary numeric(10,2)
);
create table hr.todo (
  id bigint primary key,
  title text not null,
  assigned_to text,
  done boolean not null default false,
  due_date date,
  created_at timestamp not null
);
create table crm.contact (
  id bigint primary key,
  display_name varchar(100) not null unique,
  email varchar(100),
  phone varchar(30),
  company varchar(100),
  country varchar(60),
  created_at timestamp
);
create table crm.employee_status (emp_no bigint primary key, status text not null, updated_at timestamp);
`;

const firstNames = [
  "Georgi",
  "Bezalel",
  "Parto",
  "Chirstian",
  "Kyoichi",
  "Anneke",
  "Zoë",
  "José",
  "Łukasz",
  "Saniya",
];
const lastNames = [
  "Facello",
  "Simmel",
  "Bamford",
  "Koblick",
  "Maliniak",
  "Preusig",
  "Müller",
  "O'Brien",
  "Núñez",
  "李",
];
const departments = [
  ["d001", "Marketing"],
  ["d002", "Finance"],
  ["d003", "Human Resources"],
  ["d004", "Production"],
  ["d005", "Development"],
  ["d006", "Quality Management"],
  ["d007", "Sales"],
  ["d008", "Research"],
  ["d009", "Customer Service"],
];

/** Deterministic employees: the same every run, so failures reproduce. */
export function referenceEmployees(count = 5000): EmployeeFact[] {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  const day = (from: number, span: number) => new Date(Date.UTC(from, 0, 1) + next(span) * 86400000);
  return Array.from({ length: count }, (_, i) => {
    const first = firstNames[next(firstNames.length)]!;
    const last = lastNames[next(lastNames.length)]!;
    const cents = 4000000 + next(9000000);
    return {
      emp_no: 10001 + i,
      first_name: first,
      last_name: last,
      birth_date: day(1952, 13 * 365)
        .toISOString()
        .slice(0, 10),
      hire_date: day(1985, 15 * 365)
        .toISOString()
        .slice(0, 10),
      dept_no: departments[next(departments.length)]![0]!,
      email: i % 7 === 3 ? null : `${first}.${last}@example.com`.toLowerCase(),
      salary: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`,
    };
  });
}

/** Creates and fills the demo tables in `db`; returns the facts the checks expect. */
export async function seedReferenceDemo(db: TestDatabase): Promise<DemoFacts> {
  await db.exec(referenceDemoDdl);
  await db.exec("insert into hr.departments select * from unnest($1::text[], $2::text[])", [
    departments.map((d) => d[0]),
    departments.map((d) => d[1]),
  ]);
  const employees = referenceEmployees();
  await db.exec(
    `insert into hr.employees
       (emp_no, birth_date, first_name, last_name, gender, hire_date, dept_no, email, salary)
     select * from unnest($1::int8[], $2::date[], $3::text[], $4::text[], $5::text[], $6::date[],
                          $7::text[], $8::text[], $9::numeric[])`,
    [
      employees.map((e) => e.emp_no),
      employees.map((e) => e.birth_date),
      employees.map((e) => e.first_name),
      employees.map((e) => e.last_name),
      employees.map((e) => (e.emp_no % 2 ? "M" : "F")),
      employees.map((e) => e.hire_date),
      employees.map((e) => e.dept_no),
      employees.map((e) => e.email),
      employees.map((e) => e.salary),
    ],
  );
  await db.exec(
    `insert into hr.todo (id, title, assigned_to, done, due_date, created_at)
     select g, 'Task ' || g, case when g % 3 = 0 then null else 'Contact ' || (g % 10) end,
            g % 2 = 0, date '2024-01-01' + g, timestamp '2024-01-01 09:00' + g * interval '1 hour'
     from generate_series(1, 20) g`,
  );
  await db.exec(
    `insert into crm.contact (id, display_name, email, phone, company, country, created_at)
     select g, 'Contact ' || g, 'contact' || g || '@example.com', '+1-555-01' || lpad(g::text, 2, '0'),
            'Company ' || (g % 4), 'US', timestamp '2023-06-01 12:00' + g * interval '1 day'
     from generate_series(0, 9) g`,
  );
  await db.exec(
    `insert into crm.employee_status (emp_no, status, updated_at)
     select 10000 + g, case when g % 5 = 0 then 'leave' else 'active' end, timestamp '2024-03-01 08:00'
     from generate_series(1, 50) g`,
  );
  const columns = [
    "emp_no",
    "birth_date",
    "first_name",
    "last_name",
    "gender",
    "hire_date",
    "dept_no",
    "email",
    "salary",
  ];
  return demoFactsFromEmployees(db.name, columns, employees, departments.length);
}
