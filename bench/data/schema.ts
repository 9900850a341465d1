/**
 * The federated dataset's tables: where each lives (service), its native column types, and the
 * Postgres type Weft shows for each column (docs/type-mapping.md). The oracle database declares
 * exactly the shown types, so "what PostgreSQL would return if all tables lived in one database"
 * is well defined. MariaDB types are chosen so the mapping is exact (no unsigned ints, no float,
 * no zero dates, char(n) only with values of full length).
 */

export type ServiceName = "hr" | "crm" | "ops";

export const serviceNames: readonly ServiceName[] = ["hr", "crm", "ops"];

/** The kind of backend each service of the dataset runs on. */
export const serviceKinds: Record<ServiceName, "mysql" | "postgres"> = {
  hr: "mysql",
  crm: "postgres",
  ops: "mysql",
};

export interface ColumnDef {
  name: string;
  /** the type in the service's own DDL (MariaDB or PostgreSQL) */
  native: string;
  /** the Postgres type Weft shows, declared as is in the oracle */
  shown: string;
  nullable: boolean;
}

export interface TableDef {
  service: ServiceName;
  name: string;
  columns: ColumnDef[];
  primaryKey: string[];
}

function col(name: string, native: string, shown: string, nullable = true): ColumnDef {
  return { name, native, shown, nullable };
}

function pgCol(name: string, type: string, nullable = true): ColumnDef {
  return { name, native: type, shown: type, nullable };
}

export const departmentsTable: TableDef = {
  service: "hr",
  name: "departments",
  primaryKey: ["dept_no"],
  columns: [
    col("dept_no", "char(4)", "character(4)", false),
    col("dept_name", "varchar(40)", "character varying(40)", false),
    col("budget", "decimal(12,2)", "numeric(12,2)"),
    col("created_at", "datetime(6)", "timestamp(6) without time zone", false),
  ],
};

export const employeesTable: TableDef = {
  service: "hr",
  name: "employees",
  primaryKey: ["emp_no"],
  columns: [
    col("emp_no", "int", "integer", false),
    col("birth_date", "date", "date", false),
    col("first_name", "varchar(30)", "character varying(30)", false),
    col("last_name", "varchar(40)", "character varying(40)", false),
    col("gender", "char(1)", "character(1)"),
    col("hire_date", "date", "date", false),
    col("dept_no", "char(4)", "character(4)"),
    col("manager_no", "int", "integer"),
    col("email", "varchar(100)", "character varying(100)"),
    col("is_active", "tinyint(1)", "boolean", false),
    col("last_login", "datetime(6)", "timestamp(6) without time zone"),
    col("score", "double", "double precision"),
  ],
};

export const todoTable: TableDef = {
  service: "hr",
  name: "todo",
  primaryKey: ["id"],
  columns: [
    col("id", "int", "integer", false),
    col("title", "varchar(200)", "character varying(200)", false),
    col("assigned_to", "varchar(100)", "character varying(100)"),
    col("emp_no", "int", "integer"),
    col("priority", "smallint", "smallint"),
    col("done", "tinyint(1)", "boolean", false),
    col("due_date", "date", "date"),
    col("created_at", "datetime(6)", "timestamp(6) without time zone", false),
    col("notes", "text", "text"),
  ],
};

export const contactTable: TableDef = {
  service: "crm",
  name: "contact",
  primaryKey: ["contact_id"],
  columns: [
    pgCol("contact_id", "integer", false),
    pgCol("emp_no", "integer"),
    pgCol("display_name", "character varying(100)", false),
    pgCol("email", "text"),
    pgCol("city", "text"),
    pgCol("country", "character(2)"),
    pgCol("created_at", "timestamp(6) with time zone", false),
    pgCol("attrs", "jsonb"),
  ],
};

export const employeeStatusTable: TableDef = {
  service: "crm",
  name: "employee_status",
  primaryKey: ["emp_no"],
  columns: [
    pgCol("emp_no", "integer", false),
    pgCol("status", "text", false),
    pgCol("since", "date"),
    pgCol("updated_at", "timestamp(6) without time zone", false),
    pgCol("note", "text"),
  ],
};

export const salariesTable: TableDef = {
  service: "crm",
  name: "salaries",
  primaryKey: ["emp_no", "from_date"],
  columns: [
    pgCol("emp_no", "integer", false),
    pgCol("salary", "numeric(10,2)", false),
    pgCol("from_date", "date", false),
    pgCol("to_date", "date"),
  ],
};

export const projectTable: TableDef = {
  service: "crm",
  name: "project",
  primaryKey: ["project_id"],
  columns: [
    pgCol("project_id", "integer", false),
    pgCol("name", "text", false),
    pgCol("budget", "numeric(14,2)"),
    pgCol("started_on", "date", false),
    pgCol("ends_on", "date"),
    pgCol("is_public", "boolean", false),
    pgCol("lead_emp_no", "integer"),
  ],
};

export const assignmentTable: TableDef = {
  service: "ops",
  name: "assignment",
  primaryKey: ["emp_no", "project_id"],
  columns: [
    col("emp_no", "int", "integer", false),
    col("project_id", "int", "integer", false),
    col("role", "varchar(30)", "character varying(30)"),
    col("hours", "decimal(6,2)", "numeric(6,2)", false),
    col("assigned_at", "datetime(6)", "timestamp(6) without time zone", false),
  ],
};

export const federatedTables: readonly TableDef[] = [
  departmentsTable,
  employeesTable,
  todoTable,
  contactTable,
  employeeStatusTable,
  salariesTable,
  projectTable,
  assignmentTable,
];

function mysqlIdent(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

function pgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** CREATE TABLE in the service's own dialect (MariaDB tables are InnoDB, utf8mb4_bin). */
export function nativeCreateTable(table: TableDef): string {
  const mysql = serviceKinds[table.service] === "mysql";
  const q = mysql ? mysqlIdent : pgIdent;
  const cols = table.columns.map((c) => `${q(c.name)} ${c.native}${c.nullable ? "" : " not null"}`);
  cols.push(`primary key (${table.primaryKey.map(q).join(", ")})`);
  const tail = mysql ? " engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin" : "";
  return `create table ${q(table.name)} (\n  ${cols.join(",\n  ")}\n)${tail}`;
}

/** CREATE TABLE in the oracle: schema named like the service, columns of the types Weft shows. */
export function oracleCreateTable(table: TableDef): string {
  const cols = table.columns.map((c) => `${pgIdent(c.name)} ${c.shown}${c.nullable ? "" : " not null"}`);
  cols.push(`primary key (${table.primaryKey.map(pgIdent).join(", ")})`);
  return `create table ${pgIdent(table.service)}.${pgIdent(table.name)} (\n  ${cols.join(",\n  ")}\n)`;
}
