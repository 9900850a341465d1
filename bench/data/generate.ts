/**
 * The federated dataset: hr (MariaDB) employees/departments/todo, crm (PostgreSQL) contact/
 * employee_status/salaries/project, ops (MariaDB) assignment. Deterministic for a (scale, seed);
 * rows are generated lazily (every table is an iterable you can walk more than once), so scale 1
 * (300 000 employees, ~2.8 M salaries) never sits in memory.
 *
 * What the data is made of, on purpose: skew (a few departments hold most employees, a few projects
 * most assignments), NULLs in every nullable column, orphans on both sides of every relation,
 * non-ASCII text (José, Zoë, Łukasz, 王芳, emoji), quotes and backslashes, trailing spaces, case
 * variants, a string join key (todo.assigned_to = contact.display_name, with duplicates, case and
 * trailing-space near misses), microsecond timestamps, booleans and exact decimals.
 */
import { Rng, randomDate, randomDecimal, randomTimestamp } from "./random.ts";
import {
  assignmentTable,
  contactTable,
  departmentsTable,
  employeeStatusTable,
  employeesTable,
  projectTable,
  salariesTable,
  type TableDef,
  todoTable,
} from "./schema.ts";

/** One cell: text/decimal/date/timestamp/json as strings, integers and floats as numbers. */
export type Cell = string | number | boolean | null;
export type Row = Cell[];

export interface GeneratedTable {
  table: TableDef;
  /** exact row count (computed without materialising rows) */
  rowCount: number;
  /** a fresh pass over the rows, in primary-key order, cells in `table.columns` order */
  rows(): Iterable<Row>;
}

export interface FederatedDataset {
  scale: number;
  seed: number;
  employees: number;
  tables: GeneratedTable[];
}

export interface DatasetOptions {
  /** 1 ≈ 300 000 employees, 2.8 M salary rows; 0.01 for CI */
  scale: number;
  seed: number;
}

const firstNames = [
  "José",
  "Zoë",
  "Łukasz",
  "王芳",
  "Anna",
  "Anna ",
  "anna",
  "Bob",
  "bob",
  "BOB",
  "Chloé",
  "Søren",
  "Ümit",
  "Mary-Jane",
  "D'Arcy",
  "Renée",
  "Mohammed",
  "Aiko",
  "Olga",
  "Peter",
];

const lastNames = [
  "Müller",
  "O'Brien",
  "Smith",
  "smith",
  "García",
  "Nguyễn",
  "van der Berg",
  "李",
  "Kowalski",
  "Back\\slash",
  'Quote"d',
  "Ødegaard",
  "Dupont ",
  "Łęcki",
  "Ivanov",
  "Tanaka",
  "🙂 Emoji",
  "Brown",
  "Johnson",
  "Lee",
];

const departmentNames = [
  "Engineering",
  "Sales",
  "Sales ",
  "sales",
  "Research & Development",
  "Ventes Françaises",
  "研发部",
  "Ops 'Night'",
  "Back\\Office",
  'The "Lab"',
  "Marketing 🚀",
  "Finance",
  "Legal",
  "Support",
  "Żółć Team",
  "Customer Success",
  "Data",
  "Security",
  "Facilities",
  "HR",
  "Procurement",
  "Design",
  "Quality",
  "Training",
];

const cities = [
  "São Paulo",
  "Zürich",
  "東京",
  "New York",
  "Kraków",
  "Paris",
  "paris",
  "Berlin",
  "Oslo ",
  "Cairo",
];
const countries = ["BR", "CH", "JP", "US", "PL", "FR", "DE", "NO", "EG"];
const statuses = ["active", "on_leave", "terminated", "Active", "ACTIVE", "probation"];
const roles = ["developer", "lead", "Lead", "tester", "analyst", "owner", "designer ", "Ærgonomist"];
const todoTitles = [
  'Fix "quoted" bug',
  "Review O'Brien's PR",
  "Deploy 🚀 release",
  "Update C:\\temp\\path",
  "Écrire la doc",
  "写报告",
  "call bob",
  "Call Bob",
  "100% done?",
  "under_score task",
];
const todoNotes = [
  "line one\nline two",
  "tab\there",
  "C:\\Users\\zoë",
  '"fully quoted"',
  "it's fine",
  "",
  "   ",
  "emoji 😀🎉",
  "trailing ",
  "naïve café",
];
const projectNames = ["Apollo", "apollo", "Ünicode ✨", "O'Hare", "Gemini", "Back\\Slash", "Mercury", "火星"];

/** emp_no of the i-th employee (1-based) */
export function empNo(i: number): number {
  return 10_000 + i;
}

/** emp_no values that exist nowhere (orphans on the referencing side) */
function orphanEmpNo(k: number): number {
  return 900_000 + k;
}

interface Employee {
  empNo: number;
  birthDate: string;
  firstName: string;
  lastName: string;
  gender: string | null;
  hireDate: string;
  deptNo: string | null;
  managerNo: number | null;
  email: string | null;
  isActive: boolean;
  lastLogin: string | null;
  score: number | null;
}

function deptNo(d: number): string {
  return `d${String(d).padStart(3, "0")}`;
}

/** Departments d001..d024; employees only ever use d001..d020 (skewed), so d021..d024 are empty. */
const departmentCount = 24;
const staffedDepartments = 20;

function employeeAt(seed: number, employees: number, i: number): Employee {
  const r = new Rng(seed, "employee", i);
  const firstName = r.pick(firstNames);
  const lastName = r.pick(lastNames);
  const deptRoll = r.next();
  const dept =
    deptRoll < 0.03
      ? null
      : deptRoll < 0.045
        ? "d999"
        : deptRoll < 0.05
          ? "D001"
          : deptNo(1 + r.skewed(staffedDepartments, 3));
  const managerRoll = r.next();
  const managerNo =
    managerRoll < 0.1
      ? null
      : managerRoll < 0.11
        ? orphanEmpNo(i)
        : empNo(1 + r.int(0, Math.min(employees, 50) - 1));
  return {
    empNo: empNo(i),
    birthDate: randomDate(r, "1950-01-01", "2001-12-31"),
    firstName,
    lastName,
    gender: r.chance(0.05) ? null : r.pick(["M", "F"]),
    hireDate: randomDate(r, "1985-01-01", "2024-06-30"),
    deptNo: dept,
    managerNo,
    email: r.chance(0.1) ? null : `${firstName.trim().toLowerCase()}.${i}@example.com`,
    isActive: r.chance(0.85),
    lastLogin: r.chance(0.2) ? null : randomTimestamp(r, "2020-01-01", "2025-12-31"),
    score: r.chance(0.1) ? null : r.int(0, 10_000) / 100,
  };
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i <= to; i++) yield i;
}

export function generateFederatedDataset(options: DatasetOptions): FederatedDataset {
  const { scale, seed } = options;
  if (!(scale > 0)) throw new Error(`scale must be > 0, got ${scale}`);
  const employees = Math.max(60, Math.round(300_000 * scale));
  const contacts = Math.round(employees * 0.95);
  const linkedContacts = Math.floor(employees * 0.9);
  const todos = employees;
  const projects = Math.max(20, Math.round(2000 * scale));
  const orphanCount = Math.max(3, Math.round(employees / 100));
  const emp = (i: number) => employeeAt(seed, employees, i);

  const displayNameOf = (c: number): string => {
    // every 97th contact repeats its predecessor's name: string-key joins meet duplicates
    const base = c % 97 === 0 && c > 1 ? c - 1 : c;
    if (base <= linkedContacts) {
      const e = emp(base);
      return `${e.firstName} ${e.lastName} ${base}`;
    }
    return base % 2 === 0 ? `Guest ${base}` : `Zoë Guest ${base}`;
  };

  const departments: GeneratedTable = {
    table: departmentsTable,
    rowCount: departmentCount,
    *rows() {
      for (const d of range(1, departmentCount)) {
        const r = new Rng(seed, "department", d);
        yield [
          deptNo(d),
          departmentNames[d - 1]!,
          r.chance(0.15) ? null : randomDecimal(r, 10_000, 9_999_999, 2),
          randomTimestamp(r, "2000-01-01", "2020-12-31"),
        ];
      }
    },
  };

  const employeesGen: GeneratedTable = {
    table: employeesTable,
    rowCount: employees,
    *rows() {
      for (const i of range(1, employees)) {
        const e = emp(i);
        yield [
          e.empNo,
          e.birthDate,
          e.firstName,
          e.lastName,
          e.gender,
          e.hireDate,
          e.deptNo,
          e.managerNo,
          e.email,
          e.isActive,
          e.lastLogin,
          e.score,
        ];
      }
    },
  };

  const todo: GeneratedTable = {
    table: todoTable,
    rowCount: todos,
    *rows() {
      for (const t of range(1, todos)) {
        const r = new Rng(seed, "todo", t);
        const target = displayNameOf(r.int(1, contacts));
        const roll = r.next();
        const assignedTo =
          roll < 0.75
            ? target
            : roll < 0.8
              ? target.toUpperCase()
              : roll < 0.85
                ? `${target} `
                : roll < 0.9
                  ? `Nobody ${t}`
                  : null;
        const empRoll = r.next();
        const todoEmp =
          empRoll < 0.1 ? null : empRoll < 0.15 ? orphanEmpNo(t) : empNo(1 + r.skewed(employees, 1.5));
        yield [
          t,
          `${r.pick(todoTitles)} #${t}`,
          assignedTo,
          todoEmp,
          r.chance(0.1) ? null : r.int(1, 5),
          r.chance(0.4),
          r.chance(0.3) ? null : randomDate(r, "2023-01-01", "2026-12-31"),
          randomTimestamp(r, "2022-01-01", "2025-12-31"),
          r.chance(0.5) ? null : r.pick(todoNotes),
        ];
      }
    },
  };

  const contact: GeneratedTable = {
    table: contactTable,
    rowCount: contacts,
    *rows() {
      for (const c of range(1, contacts)) {
        const r = new Rng(seed, "contact", c);
        const contactEmp = c <= linkedContacts ? empNo(c) : c % 2 === 0 ? null : orphanEmpNo(c);
        const attrs = r.chance(0.3)
          ? null
          : JSON.stringify({
              vip: r.chance(0.2),
              tier: r.int(1, 3),
              tags: r.chance(0.5) ? ["a", "b"] : [],
              name: c <= linkedContacts ? emp(c).firstName : "guest",
              ...(r.chance(0.3) ? { score: r.int(0, 1000) / 10 } : {}),
            });
        yield [
          c,
          contactEmp,
          displayNameOf(c),
          r.chance(0.1) ? null : `contact${c}@mail.example`,
          r.chance(0.05) ? null : r.pick(cities),
          r.chance(0.1) ? null : r.pick(countries),
          `${randomTimestamp(r, "2015-01-01", "2025-12-31")}+00`,
          attrs,
        ];
      }
    },
  };

  const statusOf = (r: Rng, e: number): Row => [
    e,
    statuses[r.skewed(statuses.length, 2)]!,
    r.chance(0.1) ? null : randomDate(r, "2010-01-01", "2025-12-31"),
    randomTimestamp(r, "2024-01-01", "2025-12-31"),
    r.chance(0.7) ? null : r.pick(todoNotes),
  ];
  const hasStatus = (i: number) => new Rng(seed, "status", i).chance(0.85);
  let statusRows = orphanCount;
  for (const i of range(1, employees)) if (hasStatus(i)) statusRows++;
  const employeeStatus: GeneratedTable = {
    table: employeeStatusTable,
    rowCount: statusRows,
    *rows() {
      for (const i of range(1, employees)) {
        const r = new Rng(seed, "status", i);
        if (!r.chance(0.85)) continue;
        yield statusOf(r, empNo(i));
      }
      for (const k of range(1, orphanCount))
        yield statusOf(new Rng(seed, "status-orphan", k), orphanEmpNo(k));
    },
  };

  const salaryPeriods = (r: Rng) => (r.chance(0.03) ? 0 : r.int(1, 18));
  const salaryRowsOf = function* (e: number, hireDate: string, r: Rng, periods: number): Generator<Row> {
    let from = new Date(`${hireDate}T00:00:00Z`).getTime();
    let salary = r.int(30_000_00, 90_000_00);
    for (let j = 0; j < periods; j++) {
      const next = from + r.int(200, 500) * 86_400_000;
      const last = j === periods - 1;
      const fromDate = new Date(from).toISOString().slice(0, 10);
      const toDate = last ? (r.chance(0.3) ? null : "9999-01-01") : new Date(next).toISOString().slice(0, 10);
      yield [e, `${Math.floor(salary / 100)}.${String(salary % 100).padStart(2, "0")}`, fromDate, toDate];
      salary += r.int(0, 5_000_00);
      from = next;
    }
  };
  let salaryRows = 0;
  for (const i of range(1, employees)) salaryRows += salaryPeriods(new Rng(seed, "salary", i));
  salaryRows += orphanCount * 2;
  const salaries: GeneratedTable = {
    table: salariesTable,
    rowCount: salaryRows,
    *rows() {
      for (const i of range(1, employees)) {
        const r = new Rng(seed, "salary", i);
        yield* salaryRowsOf(empNo(i), emp(i).hireDate, r, salaryPeriods(r));
      }
      for (const k of range(1, orphanCount)) {
        yield* salaryRowsOf(orphanEmpNo(k), "2020-01-01", new Rng(seed, "salary-orphan", k), 2);
      }
    },
  };

  const project: GeneratedTable = {
    table: projectTable,
    rowCount: projects,
    *rows() {
      for (const p of range(1, projects)) {
        const r = new Rng(seed, "project", p);
        const leadRoll = r.next();
        yield [
          p,
          `${r.pick(projectNames)} ${p}`,
          r.chance(0.1) ? null : randomDecimal(r, 1000, 999_999_999, 2),
          randomDate(r, "2015-01-01", "2025-06-30"),
          r.chance(0.4) ? null : randomDate(r, "2025-07-01", "2030-12-31"),
          r.chance(0.5),
          leadRoll < 0.2 ? null : leadRoll < 0.25 ? orphanEmpNo(p) : empNo(1 + r.int(0, employees - 1)),
        ];
      }
    },
  };

  const assignmentRowsOf = (e: number, r: Rng, orphanProjects: boolean): Row[] => {
    const count = r.int(0, 6);
    const seen = new Set<number>();
    const out: Row[] = [];
    for (let j = 0; j < count; j++) {
      const projectId =
        orphanProjects && r.chance(0.02) ? projects + 1000 + r.int(1, 50) : 1 + r.skewed(projects, 3);
      if (seen.has(projectId)) continue;
      seen.add(projectId);
      out.push([
        e,
        projectId,
        r.chance(0.1) ? null : r.pick(roles),
        randomDecimal(r, 0, 999.99, 2),
        randomTimestamp(r, "2018-01-01", "2025-12-31"),
      ]);
    }
    return out.sort((a, b) => (a[1] as number) - (b[1] as number));
  };
  let assignmentRows = 0;
  for (const i of range(1, employees))
    assignmentRows += assignmentRowsOf(empNo(i), new Rng(seed, "assignment", i), true).length;
  for (const k of range(1, orphanCount))
    assignmentRows += assignmentRowsOf(orphanEmpNo(k), new Rng(seed, "assignment-orphan", k), false).length;
  const assignment: GeneratedTable = {
    table: assignmentTable,
    rowCount: assignmentRows,
    *rows() {
      for (const i of range(1, employees))
        yield* assignmentRowsOf(empNo(i), new Rng(seed, "assignment", i), true);
      for (const k of range(1, orphanCount))
        yield* assignmentRowsOf(orphanEmpNo(k), new Rng(seed, "assignment-orphan", k), false);
    },
  };

  return {
    scale,
    seed,
    employees,
    tables: [departments, employeesGen, todo, contact, employeeStatus, salaries, project, assignment],
  };
}
