/**
 * What a client must see when it reads the demo's hr tables: computed from the rows themselves
 * (the SQLite files of the demo, or the rows a reference database was seeded with), never typed in.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";

export interface EmployeeFact {
  emp_no: number;
  first_name: string;
  last_name: string;
  /** YYYY-MM-DD */
  birth_date: string;
  hire_date: string;
  dept_no: string;
  email: string | null;
  /** numeric(10,2) as Postgres prints it, e.g. "60117.00" */
  salary: string | null;
}

export interface DemoFacts {
  /** the database name the client connected to (what `\l` and current_database() show) */
  database: string;
  /** hr.employees columns in table order */
  employeeColumns: string[];
  employeeCount: number;
  empNoSum: number;
  minEmpNo: number;
  maxEmpNo: number;
  departmentCount: number;
  /** ordered by dept_no */
  employeesPerDepartment: { dept_no: string; count: number }[];
  /** ten different employees spread over the table; includes a non-ASCII name when the data has one */
  samples: EmployeeFact[];
  /**
   * an employee whose binary emp_no (int8: 8 bytes, big-endian) and salary (numeric) have only bytes < 0x80:
   * node-postgres decodes binary cells as UTF-8 text first, which would mangle any other byte
   */
  binarySafeSample: EmployeeFact;
}

export function demoFactsFromEmployees(
  database: string,
  employeeColumns: string[],
  employees: EmployeeFact[],
  departmentCount: number,
): DemoFacts {
  if (employees.length < 10) throw new Error(`expected at least 10 employees, found ${employees.length}`);
  const sorted = [...employees].sort((a, b) => a.emp_no - b.emp_no);
  const perDept = new Map<string, number>();
  for (const e of sorted) perDept.set(e.dept_no, (perDept.get(e.dept_no) ?? 0) + 1);

  const step = Math.floor(sorted.length / 10);
  const samples = Array.from({ length: 10 }, (_, i) => sorted[i * step]!);
  const nonAscii = sorted.find((e) => /[^\x00-\x7f]/.test(e.first_name));
  if (nonAscii && !samples.includes(nonAscii)) samples[9] = nonAscii;

  const binarySafe = sorted.find(
    (e) =>
      e.salary !== null &&
      int8Bytes(e.emp_no).every((b) => b < 0x80) &&
      numericBinaryBytes(e.salary).every((b) => b < 0x80),
  );
  if (!binarySafe) throw new Error("no employee with a binary-safe emp_no and a salary");

  return {
    database,
    employeeColumns,
    employeeCount: sorted.length,
    empNoSum: sorted.reduce((sum, e) => sum + e.emp_no, 0),
    minEmpNo: sorted[0]!.emp_no,
    maxEmpNo: sorted[sorted.length - 1]!.emp_no,
    departmentCount,
    employeesPerDepartment: [...perDept.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([dept_no, count]) => ({ dept_no, count })),
    samples,
    binarySafeSample: binarySafe,
  };
}

/** int8's binary form, as Postgres sends a bigint column (what SQLite INTEGER is shown as). */
export function int8Bytes(n: number): number[] {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return [...b];
}

/** numeric's binary form (ndigits, weight, sign, dscale, base-10000 digits) of a plain decimal string. */
export function numericBinaryBytes(text: string): number[] {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new Error(`not a plain decimal: ${text}`);
  const [, sign, int, frac = ""] = m;
  // group the digits in fours around the decimal point
  const intDigits = int.replace(/^0+/, "");
  const intGroups: number[] = [];
  for (let end = intDigits.length; end > 0; end -= 4) {
    intGroups.unshift(Number(intDigits.slice(Math.max(0, end - 4), end)));
  }
  const fracGroups: number[] = [];
  for (let i = 0; i < frac.length; i += 4) fracGroups.push(Number(frac.slice(i, i + 4).padEnd(4, "0")));
  let digits = [...intGroups, ...fracGroups];
  let weight = intGroups.length - 1;
  // Postgres strips leading and trailing zero digits (adjusting the weight for leading ones)
  while (digits.length > 0 && digits[0] === 0) {
    digits = digits.slice(1);
    weight--;
  }
  while (digits.length > 0 && digits[digits.length - 1] === 0) digits = digits.slice(0, -1);
  if (digits.length === 0) weight = 0;
  const b = Buffer.alloc(8 + 2 * digits.length);
  b.writeUInt16BE(digits.length, 0);
  b.writeInt16BE(weight, 2);
  b.writeUInt16BE(sign === "-" && digits.length > 0 ? 0x4000 : 0, 4);
  b.writeUInt16BE(frac.length, 6);
  digits.forEach((d, i) => {
    b.writeUInt16BE(d, 8 + 2 * i);
  });
  return [...b];
}

/** Reads the demo's hr SQLite file directly (the honest oracle for what Weft must return). */
export function demoFactsFromSqlite(hrPath: string, database: string): DemoFacts {
  const db = new Database(hrPath, { readonly: true, fileMustExist: true });
  try {
    const columns = (db.prepare("pragma table_info(employees)").all() as { name: string; cid: number }[])
      .sort((a, b) => a.cid - b.cid)
      .map((c) => c.name);
    const rows = db
      .prepare(
        "select emp_no, first_name, last_name, birth_date, hire_date, dept_no, email, salary from employees",
      )
      .all() as Record<string, unknown>[];
    const employees = rows.map(
      (r): EmployeeFact => ({
        emp_no: Number(r.emp_no),
        first_name: String(r.first_name),
        last_name: String(r.last_name),
        birth_date: sqliteDate(r.birth_date),
        hire_date: sqliteDate(r.hire_date),
        dept_no: String(r.dept_no),
        email: r.email === null ? null : String(r.email),
        salary: r.salary === null ? null : roundDecimal(String(r.salary), 2),
      }),
    );
    const { n } = db.prepare("select count(*) as n from departments").get() as { n: number };
    return demoFactsFromEmployees(database, columns, employees, n);
  } finally {
    db.close();
  }
}

function sqliteDate(value: unknown): string {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  throw new Error(
    `demo date stored as ${typeof value} ${String(value)}: the oracle reads ISO text dates only`,
  );
}

/**
 * Rounds a decimal string (what String(x) gives for a SQLite REAL or INTEGER) to `scale` digits,
 * half away from zero, as a cast to numeric(p, scale) does.
 */
export function roundDecimal(text: string, scale: number): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new Error(`not a plain decimal: ${text}`);
  const [, sign, int, frac = ""] = m;
  const digits = BigInt(int + frac.padEnd(scale + 1, "0").slice(0, scale + 1));
  let scaled = digits / 10n;
  if (digits % 10n >= 5n) scaled += 1n;
  const s = scaled.toString().padStart(scale + 1, "0");
  const out = scale > 0 ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  return scaled === 0n ? out : `${sign}${out}`;
}

/** Facts as files for the client programs: JSON for Python, a UTF-8 properties file for Java. */
export async function writeFactsFiles(
  facts: DemoFacts,
): Promise<{ dir: string; json: string; properties: string }> {
  const dir = await mkdtemp(join(tmpdir(), "weft-facts-"));
  const json = join(dir, "facts.json");
  const properties = join(dir, "facts.properties");
  await writeFile(json, JSON.stringify(facts, null, 2));
  const lines: [string, string | number | null][] = [
    ["database", facts.database],
    ["employeeColumns", facts.employeeColumns.join(",")],
    ["employeeCount", facts.employeeCount],
    ["empNoSum", facts.empNoSum],
    ["minEmpNo", facts.minEmpNo],
    ["maxEmpNo", facts.maxEmpNo],
    ["samples", facts.samples.length],
  ];
  facts.samples.forEach((e, i) => {
    lines.push([`sample.${i}.emp_no`, e.emp_no]);
    lines.push([`sample.${i}.first_name`, e.first_name]);
    lines.push([`sample.${i}.birth_date`, e.birth_date]);
    if (e.salary !== null) lines.push([`sample.${i}.salary`, e.salary]);
  });
  const text = lines.map(([k, v]) => `${k}=${propertyValue(String(v))}`).join("\n");
  await writeFile(properties, `${text}\n`, "utf8");
  return { dir, json, properties };
}

function propertyValue(v: string): string {
  return v
    .replace(/\\/g, "\\\\")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/^ /, "\\ ");
}
