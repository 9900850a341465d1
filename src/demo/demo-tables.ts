import type { Value } from "../common/values.ts";

/** Rows of one demo table, in the column order of its INSERT. */
export interface DemoTable {
  name: string;
  columns: string[];
  rows: Value[][];
}

/** One demo SQLite database: its DDL (run in order) and its tables' rows. */
export interface DemoDatabase {
  service: "hr" | "crm";
  ddl: string[];
  tables: DemoTable[];
}

export const demoCounts = {
  departments: 9,
  employees: 5000,
  todo: 3000,
  contact: 2000,
  employeeStatus: 5000,
} as const;

// Types the SQLite connector maps to Postgres types (see docs/type-mapping.md).
export const hrDdl: readonly string[] = [
  `CREATE TABLE departments (
  dept_no TEXT NOT NULL PRIMARY KEY,
  dept_name VARCHAR(40) NOT NULL UNIQUE
)`,
  `CREATE TABLE employees (
  emp_no INTEGER NOT NULL PRIMARY KEY,
  birth_date DATE NOT NULL,
  first_name VARCHAR(40) NOT NULL,
  last_name VARCHAR(40) NOT NULL,
  gender VARCHAR(1) NOT NULL CHECK (gender IN ('M', 'F')),
  hire_date DATE NOT NULL,
  dept_no TEXT NOT NULL REFERENCES departments (dept_no),
  email VARCHAR(100),
  salary NUMERIC(10,2) NOT NULL
)`,
  "CREATE INDEX employees_dept_no_idx ON employees (dept_no)",
  "CREATE INDEX employees_name_idx ON employees (last_name, first_name)",
  `CREATE TABLE todo (
  id INTEGER NOT NULL PRIMARY KEY,
  title TEXT NOT NULL,
  assigned_to TEXT,
  done BOOLEAN NOT NULL DEFAULT 0,
  due_date DATE,
  created_at TIMESTAMP NOT NULL
)`,
  "CREATE INDEX todo_assigned_to_idx ON todo (assigned_to)",
];

export const crmDdl: readonly string[] = [
  `CREATE TABLE contact (
  id INTEGER NOT NULL PRIMARY KEY,
  display_name VARCHAR(100) NOT NULL UNIQUE,
  email VARCHAR(100) NOT NULL,
  phone VARCHAR(30),
  company VARCHAR(100) NOT NULL,
  country VARCHAR(60) NOT NULL,
  created_at TIMESTAMP NOT NULL
)`,
  "CREATE INDEX contact_company_idx ON contact (company)",
  `CREATE TABLE employee_status (
  emp_no INTEGER NOT NULL PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'leave', 'terminated')),
  updated_at TIMESTAMP NOT NULL
)`,
  "CREATE INDEX employee_status_status_idx ON employee_status (status)",
];
